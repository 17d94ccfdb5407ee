"""Minutes, decisions and comments: the services' rules and the secretariat's minutes page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from coordination.models import ActionItem, AgendaItem, Invitee, Meeting, MinutesComment, Side
from coordination.services import minutes as services
from coordination.views.minutes import minutes_context
from tests.factories import make_action_item, make_decision, make_meeting
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db


def held_meeting(*zones, institutions=(), agenda=("برنامه مشترک قرآنی",)):
    """A meeting held yesterday, with an accepted agenda."""
    meeting = make_meeting(zones=zones, institutions=institutions, days_ahead=-1, status="held")
    for position, title in enumerate(agenda, start=1):
        AgendaItem.objects.create(
            meeting=meeting, kind=Side.SECRETARIAT, title=title, status="accepted", position=position
        )
    return meeting


def record_everyone_present(actor, meeting):
    services.record_attendance(
        actor, meeting, {invitee.pk: ("present", "معاون فرهنگی") for invitee in meeting.invitees.all()}
    )


def circulated(actor, meeting, hours=48):
    record_everyone_present(actor, meeting)
    return services.circulate_minutes(
        actor, meeting, comments_until=timezone.now() + dt.timedelta(hours=hours)
    )


# Services ------------------------------------------------------------------------------------------


def test_decisions_are_numbered_within_their_meeting(secretariat, kish):
    meeting, other = held_meeting(kish), held_meeting(kish)
    first = services.record_decision(secretariat, meeting, text="نخست")
    second = services.record_decision(secretariat, meeting, text="دوم")
    elsewhere = services.record_decision(secretariat, other, text="جای دیگر")
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)
    assert second.reference == f"{meeting.reference}/2"


def test_only_the_secretariat_writes_minutes(kish_deputy, kish):
    meeting = held_meeting(kish)
    with pytest.raises(PermissionDenied):
        services.record_decision(kish_deputy, meeting, text="تصمیم")
    with pytest.raises(PermissionDenied):
        services.record_minutes(kish_deputy, meeting, summary="x", items={})
    assert not meeting.decisions.exists()


def test_minutes_are_written_only_once_held(secretariat, kish):
    meeting = make_meeting(zones=[kish])
    with pytest.raises(InvalidMoveError):
        services.record_decision(secretariat, meeting, text="زود است")


def test_minutes_per_item_and_summary_are_kept_with_who_wrote_them(secretariat, kish):
    meeting = held_meeting(kish)
    item = meeting.agenda_items.get()
    services.record_minutes(secretariat, meeting, summary="جلسه با تلاوت آغاز شد", items={item.pk: "بحث شد"})
    item.refresh_from_db()
    meeting.refresh_from_db()
    assert item.minutes == "بحث شد"
    assert meeting.minutes_summary == "جلسه با تلاوت آغاز شد"
    assert meeting.history.first().history_user == secretariat


def test_minutes_refuse_an_item_not_on_the_agenda(secretariat, kish):
    meeting = held_meeting(kish)
    declined = AgendaItem.objects.create(
        meeting=meeting, kind=Side.ZONE, zone=kish, title="رد شده", status="declined"
    )
    with pytest.raises(ValidationError):
        services.record_minutes(secretariat, meeting, summary="", items={declined.pk: "x"})


def test_circulating_needs_every_invitees_attendance(secretariat, kish, qeshm):
    meeting = held_meeting(kish, qeshm)
    kish_invitee = meeting.invitees.get(zone=kish)
    services.record_attendance(secretariat, meeting, {kish_invitee.pk: ("present", "علی کریمی")})
    with pytest.raises(InvalidMoveError):
        services.circulate_minutes(secretariat, meeting, comments_until=timezone.now() + dt.timedelta(days=2))
    assert Meeting.objects.get(pk=meeting.pk).status == "held"
    circulated(secretariat, meeting)
    assert Meeting.objects.get(pk=meeting.pk).status == "in_comment"
    assert meeting.status_changes.filter(to_status="in_comment", changed_by=secretariat).exists()


def test_the_comment_window_must_end_in_the_future(secretariat, kish):
    meeting = held_meeting(kish)
    record_everyone_present(secretariat, meeting)
    with pytest.raises(ValidationError) as refused:
        services.circulate_minutes(
            secretariat, meeting, comments_until=timezone.now() - dt.timedelta(hours=1)
        )
    assert "comments_until" in refused.value.message_dict


def test_an_invitee_comments_while_the_window_is_open_only(
    secretariat, kish_deputy, qeshm_deputy, kish, anzali_zone
):
    meeting = held_meeting(kish, anzali_zone)
    circulated(secretariat, meeting)
    comment = services.comment_on_minutes(kish_deputy, meeting, text="بند ۲ اصلاح شود")
    assert (comment.kind, comment.zone, comment.author) == (Side.ZONE, kish, kish_deputy)
    with pytest.raises(PermissionDenied):  # Qeshm was not invited
        services.comment_on_minutes(qeshm_deputy, meeting, text="نظر")
    Meeting.objects.filter(pk=meeting.pk).update(comments_until=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(InvalidMoveError):
        services.comment_on_minutes(kish_deputy, meeting, text="دیر")
    assert MinutesComment.objects.count() == 1


def test_approving_sets_the_moment_and_closes_decisions(secretariat, kish):
    meeting = held_meeting(kish)
    decision = services.record_decision(secretariat, meeting, text="تصمیم")
    circulated(secretariat, meeting)
    services.approve_minutes(secretariat, meeting)
    meeting.refresh_from_db()
    assert meeting.status == "approved"
    assert meeting.minutes_approved_at is not None
    with pytest.raises(InvalidMoveError):
        services.update_decision(secretariat, decision, text="تغییر")


def test_action_items_are_added_before_or_after_approval_by_the_secretariat(
    secretariat, kish_deputy, kish, art_bureau
):
    meeting = held_meeting(kish)
    decision = services.record_decision(secretariat, meeting, text="تصمیم")
    due = timezone.localdate() + dt.timedelta(days=30)
    item = services.add_action_item(
        secretariat, decision, description="گزارش", due_on=due, kind=Side.ZONE, zone=kish
    )
    assert item.status == "open"
    assert item.status_changes.get().to_status == "open"
    circulated(secretariat, meeting)
    services.approve_minutes(secretariat, meeting)
    later = services.add_action_item(
        secretariat, decision, description="پیگیری", due_on=due, kind=Side.INSTITUTION, institution=art_bureau
    )
    assert later.owner_name == art_bureau.name
    with pytest.raises(PermissionDenied):
        services.add_action_item(
            kish_deputy, decision, description="x", due_on=due, kind=Side.ZONE, zone=kish
        )
    with pytest.raises(ValidationError):
        services.add_action_item(secretariat, decision, description="x", due_on=due, kind=Side.ZONE)


# The section on the meeting's page -------------------------------------------------------------------


def _section(user, meeting):
    request = RequestFactory().get("/")
    request.user = user
    context = minutes_context(request, meeting)
    return render_to_string(
        "coordination/minutes/_section.html", {"minutes": context, "meeting": meeting}, request=request
    )


def test_invitees_read_the_minutes_only_once_circulated(secretariat, kish_deputy, qeshm_deputy, kish):
    meeting = held_meeting(kish)
    decision = services.record_decision(secretariat, meeting, text="برگزاری نمایشگاه صنایع خلاق")
    make_action_item(decision, zone=kish, description="تهیه فهرست غرفه‌ها")
    assert "برگزاری نمایشگاه" not in _section(kish_deputy, meeting)
    shown = _section(secretariat, meeting)
    assert "برگزاری نمایشگاه" in shown
    assert f'href="{reverse("coordination:minutes-edit", args=[meeting.pk])}"' in shown
    circulated(secretariat, meeting)
    meeting.refresh_from_db()
    page = _section(kish_deputy, meeting)
    assert "برگزاری نمایشگاه" in page
    assert "تهیه فهرست غرفه‌ها" in page
    assert reverse("coordination:minutes-comment", args=[meeting.pk]) in page  # the comment form
    assert f'href="{reverse("coordination:minutes-edit", args=[meeting.pk])}"' not in page
    assert minutes_context(_request(qeshm_deputy), meeting)["decisions"] == []


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_decision_reference_is_in_the_readers_digits(secretariat, kish):
    from django.utils import translation

    meeting = held_meeting(kish)
    Meeting.objects.filter(pk=meeting.pk).update(reference="1405-07")
    meeting.refresh_from_db()
    services.record_decision(secretariat, meeting, text="تصمیم")
    with translation.override("fa"):
        assert "۱۴۰۵-۰۷/۱" in _section(secretariat, meeting)


def test_the_section_costs_the_same_with_more_decisions(
    secretariat, kish_deputy, kish, qeshm, django_assert_num_queries
):
    meeting = held_meeting(kish, qeshm)
    decision = services.record_decision(secretariat, meeting, text="یک")
    make_action_item(decision, zone=kish)
    circulated(secretariat, meeting)
    meeting.refresh_from_db()
    services.comment_on_minutes(kish_deputy, meeting, text="نظر")
    request = _request(kish_deputy)
    request.user = type(kish_deputy).objects.get(pk=kish_deputy.pk)
    with django_assert_num_queries(7) as small:
        _section(request.user, meeting)
    for text in ("دو", "سه", "چهار"):
        more = make_decision(meeting, text=text)
        make_action_item(more, zone=qeshm)
        make_action_item(more)
    services.comment_on_minutes(kish_deputy, meeting, text="نظر دیگر")
    user = type(kish_deputy).objects.get(pk=kish_deputy.pk)
    with django_assert_num_queries(len(small.captured_queries)):
        _section(user, meeting)


# The minutes page ------------------------------------------------------------------------------------


def test_the_minutes_page_is_the_secretariats(client_for, kish_deputy, kish, anonymous):
    meeting = held_meeting(kish)
    url = reverse("coordination:minutes-edit", args=[meeting.pk])
    assert client_for(kish_deputy).get(url).status_code == 403
    assert anonymous.get(url).status_code == 302


def test_the_minutes_page_needs_the_second_step(secretariat, kish):
    from django.test import Client

    meeting = held_meeting(kish)
    client = Client()
    client.force_login(secretariat)
    response = client.get(reverse("coordination:minutes-edit", args=[meeting.pk]))
    assert response.status_code == 302
    assert "/accounts/two-step/" in response["Location"]


def test_the_secretariat_records_everything_from_one_page(client_for, secretariat, kish, art_bureau):
    meeting = held_meeting(kish, institutions=[art_bureau])
    client = client_for(secretariat)
    url = reverse("coordination:minutes-edit", args=[meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "برنامه مشترک قرآنی" in page.content.decode()
    kish_invitee, art_invitee = meeting.invitees.get(zone=kish), meeting.invitees.get(institution=art_bureau)
    response = client.post(
        url,
        {
            "form": "attendance",
            f"att-attendance-{kish_invitee.pk}": "present",
            f"att-attended_by-{kish_invitee.pk}": "علی کریمی",
            f"att-attendance-{art_invitee.pk}": "excused",
            f"att-attended_by-{art_invitee.pk}": "",
        },
    )
    assert response.status_code == 302
    assert Invitee.objects.get(pk=kish_invitee.pk).attended_by == "علی کریمی"
    item = meeting.agenda_items.get()
    client.post(url, {"form": "minutes", "min-summary": "آغاز", f"min-item-{item.pk}": "گفتگو شد"})
    assert AgendaItem.objects.get(pk=item.pk).minutes == "گفتگو شد"
    client.post(url, {"form": "decision", "decision-text": "برگزاری برنامه", "decision-agenda_item": item.pk})
    decision = meeting.decisions.get()
    assert decision.agenda_item == item
    response = client.post(
        url,
        {
            "form": f"action-{decision.pk}",
            f"action-{decision.pk}-description": "ارسال فهرست قاریان",
            f"action-{decision.pk}-owner": f"zone:{kish.pk}",
            f"action-{decision.pk}-due_on": "۱۴۲۰/۰۱/۱۵",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    action = ActionItem.objects.get()
    assert (action.zone, action.kind, action.due_on.year) == (kish, Side.ZONE, 2041)
    # A form with a mistake is shown again with the reason, nothing saved.
    response = client.post(url, {"form": f"decision-{decision.pk}", f"decision-{decision.pk}-text": ""})
    assert response.status_code == 200
    assert meeting.decisions.get().text == "برگزاری برنامه"


def test_circulate_and_approve_pages(client_for, secretariat, kish):
    meeting = held_meeting(kish)
    record_everyone_present(secretariat, meeting)
    client = client_for(secretariat)
    assert client.get(reverse("coordination:minutes-circulate", args=[meeting.pk])).status_code == 200
    until = timezone.localdate() + dt.timedelta(days=5)
    response = client.post(
        reverse("coordination:minutes-circulate", args=[meeting.pk]),
        {"comments_until_0": until.isoformat(), "comments_until_1": "14:00"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "in_comment"
    assert timezone.localtime(meeting.comments_until).hour == 14
    assert client.get(reverse("coordination:minutes-approve", args=[meeting.pk])).status_code == 200
    client.post(reverse("coordination:minutes-approve", args=[meeting.pk]))
    assert Meeting.objects.get(pk=meeting.pk).status == "approved"


def test_commenting_from_the_meeting_page(client_for, secretariat, kish_deputy, qeshm_deputy, kish):
    meeting = held_meeting(kish)
    circulated(secretariat, meeting)
    url = reverse("coordination:minutes-comment", args=[meeting.pk])
    assert client_for(kish_deputy).post(url, {"text": "موافقیم"}).status_code == 302
    assert client_for(qeshm_deputy).post(url, {"text": "نشت"}).status_code == 404  # not invited: not seen
    assert list(MinutesComment.objects.values_list("text", flat=True)) == ["موافقیم"]


def test_the_meeting_page_carries_the_minutes_in_persian(client_for, secretariat, kish_deputy, kish):
    meeting = held_meeting(kish)
    decision = services.record_decision(secretariat, meeting, text="برگزاری جشنواره")
    make_action_item(decision, zone=kish, description="معرفی داوران")
    circulated(secretariat, meeting)
    client = client_for(kish_deputy)
    client.cookies["django_language"] = "fa"
    page = client.get(reverse("coordination:meeting", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="fa")
    assert page.status_code == 200
    text = page.content.decode()
    assert "برگزاری جشنواره" in text
    assert "معرفی داوران" in text
    assert reverse("coordination:minutes-comment", args=[meeting.pk]) in text


def test_the_minutes_page_costs_the_same_with_more_decisions(
    client_for, secretariat, kish, qeshm, django_assert_num_queries
):
    """The secretariat's page that writes the minutes: each decision brings its forms and action items
    without a query of its own."""
    meeting = held_meeting(kish, qeshm)
    decision = services.record_decision(secretariat, meeting, text="یک")
    make_action_item(decision, zone=kish)
    client = client_for(secretariat)
    url = reverse("coordination:minutes-edit", args=[meeting.pk])
    client.get(url)  # the session's first reads are not the page's
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for text in ("دو", "سه", "چهار"):
        more = services.record_decision(secretariat, meeting, text=text)
        make_action_item(more, zone=qeshm)
        make_action_item(more)
    with django_assert_num_queries(len(small.captured_queries)):
        page = client.get(url)
    assert "چهار" in page.content.decode()


def test_saving_attendance_unchanged_says_nothing_changed(client_for, secretariat, kish, art_bureau):
    meeting = held_meeting(kish, institutions=[art_bureau])
    secretariat.language = "en"  # the messages read in English
    secretariat.save(update_fields=["language"])
    client = client_for(secretariat)
    url = reverse("coordination:minutes-edit", args=[meeting.pk])
    kish_invitee, art_invitee = meeting.invitees.get(zone=kish), meeting.invitees.get(institution=art_bureau)
    sent = {
        "form": "attendance",
        f"att-attendance-{kish_invitee.pk}": "present",
        f"att-attended_by-{kish_invitee.pk}": " علی کریمی ",
        f"att-attendance-{art_invitee.pk}": "excused",
        f"att-attended_by-{art_invitee.pk}": "someone the record drops",
    }

    def said(data):
        response = client.post(url, data, follow=True)  # the page shows the message, then it is gone
        assert response.redirect_chain
        assert response.status_code == 200
        return [str(message) for message in response.context["messages"]]

    assert said(sent) == ["Attendance is recorded."]
    # The same again (the name as the page now shows it, the excused one's name dropped as before).
    assert said({**sent, f"att-attended_by-{kish_invitee.pk}": "علی کریمی"}) == [
        "Nothing in the attendance changed; it is as it was."
    ]
    assert said({**sent, f"att-attendance-{art_invitee.pk}": "absent"}) == ["Attendance is recorded."]
    assert Invitee.objects.get(pk=art_invitee.pk).attendance == "absent"
