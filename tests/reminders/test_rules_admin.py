"""The reminder rules in the admin (issue 15): every registered rule is listed with the offsets in force,
set or not; the first edit creates the rule's setting; offsets are typed in any digits."""

import pytest
from django.urls import reverse
from django.utils import translation

from reminders.models import Notification, RuleSetting
from reminders.registry import RULES
from tests.factories import secretariat_user

pytestmark = pytest.mark.django_db

RULES_PAGE = reverse("admin:reminders_rulesetting_changelist")


def row_of(page: str, slug: str) -> str:
    return page.split(f'id="rule-{slug}"')[1].split("</tr>", maxsplit=1)[0]


def test_every_registered_rule_is_listed_with_the_offsets_in_force(client_for, secretariat):
    changed = RuleSetting.objects.create(rule="call_closing", offsets=[5, 2])
    RuleSetting.objects.create(rule="report_overdue", enabled=False)
    page = client_for(secretariat).get(RULES_PAGE).content.decode()
    assert len(RULES) >= 10
    with translation.override("fa"):
        for slug, rule in RULES.items():
            row = row_of(page, slug)
            assert str(rule.title) in row  # the name, in Persian
            assert str(rule.description) in row
    upcoming = row_of(page, "event_upcoming")  # never set: its defaults, in Persian digits
    assert "۱۴، ۷، ۱" in upcoming
    assert "/admin/reminders/rulesetting/add/?rule=event_upcoming" in upcoming
    closing = row_of(page, "call_closing")
    assert "۵، ۲" in closing
    assert reverse("admin:reminders_rulesetting_change", args=[changed.pk]) in closing
    assert "خاموش" in row_of(page, "report_overdue")


def test_the_first_edit_of_a_rule_creates_its_setting_from_persian_and_arabic_digits(client_for, secretariat):
    client = client_for(secretariat)
    add = reverse("admin:reminders_rulesetting_add") + "?rule=event_upcoming"
    form = client.get(add).content.decode()
    # The defaults as a hint, not a value: saved empty, the setting keeps following them.
    assert 'placeholder="۱۴، ۷، ۱"' in form
    assert 'value="۱۴، ۷، ۱"' not in form
    with translation.override("fa"):
        rule = RULES["event_upcoming"]
        assert f'<option value="event_upcoming" selected>{rule.title}</option>' in form
        assert str(rule.description) in form  # what the days count from
    response = client.post(add, {"rule": "event_upcoming", "enabled": "on", "offsets": "۱۰، ٥، 2"})
    assert response.status_code == 302
    assert RuleSetting.objects.get(rule="event_upcoming").offsets == [10, 5, 2]
    assert "۱۰، ۵، ۲" in row_of(client.get(RULES_PAGE).content.decode(), "event_upcoming")


def test_a_rule_switched_off_and_on_with_its_offsets_left_empty_keeps_following_the_defaults(
    client_for, secretariat
):
    from reminders.registry import offsets_for

    client = client_for(secretariat)
    add = reverse("admin:reminders_rulesetting_add") + "?rule=event_upcoming"
    assert client.post(add, {"rule": "event_upcoming", "offsets": ""}).status_code == 302
    setting = RuleSetting.objects.get(rule="event_upcoming")
    change = reverse("admin:reminders_rulesetting_change", args=[setting.pk])
    assert client.post(change, {"enabled": "on", "offsets": ""}).status_code == 302
    setting.refresh_from_db()
    assert setting.offsets in ([], None)
    rule = RULES["event_upcoming"]
    assert offsets_for(rule, setting) == rule.default_offsets


def test_offsets_that_are_not_days_are_refused_with_the_reason_and_nothing_is_lost(client_for):
    officer = secretariat_user(username="officer-en", language="en")
    setting = RuleSetting.objects.create(rule="call_closing", offsets=[5, 2])
    change = reverse("admin:reminders_rulesetting_change", args=[setting.pk])
    client = client_for(officer)
    for typed in ("five, two", "5, 0", "400", "2.5"):
        response = client.post(change, {"rule": "call_closing", "enabled": "on", "offsets": typed})
        assert response.status_code == 200
        assert "Give whole numbers of days from 1 to 366, separated by commas" in response.content.decode()
    setting.refresh_from_db()
    assert setting.offsets == [5, 2]
    # A list as the field used to take it still reads.
    assert client.post(change, {"enabled": "on", "offsets": "[7, 3]"}).status_code == 302
    setting.refresh_from_db()
    assert (setting.rule, setting.offsets) == ("call_closing", [7, 3])


def test_the_notifications_list_names_each_rule_and_filters_by_name(
    client_for, secretariat, kish, kish_deputy
):
    from reminders import services
    from tests.factories import make_event

    make_event(kish, status="approved", starts_in_days=6.5, title="جشنواره فیلم کیش")
    services.sweep()
    client = client_for(secretariat)
    listing = client.get(reverse("admin:reminders_notification_changelist")).content.decode()
    assert '<td class="field-rule_title">رویداد پیش رو</td>' in listing
    assert ">event_upcoming<" not in listing
    assert 'field-rule_title">event_upcoming' not in listing
    # The filter offers every rule by its name.
    with translation.override("fa"):
        for rule in RULES.values():
            assert f'">{rule.title}</a>' in listing
    filtered = client.get(reverse("admin:reminders_notification_changelist") + "?rule=zone_quiet")
    assert "جشنواره فیلم کیش" not in filtered.content.decode()
    notification = Notification.objects.filter(rule="event_upcoming").first()
    page = client.get(reverse("admin:reminders_notification_change", args=[notification.pk])).content.decode()
    assert "رویداد پیش رو" in page


def test_a_notification_is_never_deleted_in_the_admin(client_for, secretariat, kish, kish_deputy):
    """Deleted, it would be recorded and sent again by the next sweep."""
    from reminders import services
    from tests.factories import make_event

    make_event(kish, status="approved", starts_in_days=6.5)
    services.sweep()
    notification = Notification.objects.filter(rule="event_upcoming").first()
    client = client_for(secretariat)
    listing = client.get(reverse("admin:reminders_notification_changelist")).content.decode()
    assert 'value="delete_selected"' not in listing
    delete = reverse("admin:reminders_notification_delete", args=[notification.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Notification.objects.filter(pk=notification.pk).exists()
