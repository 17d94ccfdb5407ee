"""A history of every change (issue 14, part 1): timelines with who and when, and nothing erased.

Every field change of an event and of an obligation shows in its timeline, on the admin's change page
and on the dashboard's page, for a Persian and an English reader; the API's changes carry the key's
person; a superseded evidence file stays downloadable to those who may see it; the admin deletes no
domain record; and a page of a timeline costs the same queries however long the history.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import capfirst

from agreements import services as agreement_services
from agreements.models import Agreement, Obligation
from events import services as event_services
from events.history import event_timeline
from events.models import Event, EventCategory, ReportAttachment
from talent.models import Application
from tests.events.test_validation import PDF, PNG
from tests.factories import make_agreement, make_application, make_call, make_event, make_obligation
from zones_portal.dates import format_date
from zones_portal.history import CURSOR_PARAM, Kind, parse_cursor, timeline
from zones_portal.models import ApiToken, Zone

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for():
    """``api_for(user)``: an API client carrying a fresh key of that person."""
    from rest_framework.test import APIClient

    def make(user) -> APIClient:
        client = APIClient()
        _token, key = ApiToken.issue(user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


# Reading a timeline off a page ---------------------------------------------------------------------


def history_section(html: str) -> str:
    start = html.index('id="history"')
    return html[start : html.index("</section>", start)]


def whole_timeline(client, url: str) -> str:
    """Every page of a record's timeline, following its "older changes" links."""
    sections = []
    while url:
        section = history_section(client.get(url).content.decode())
        sections.append(section)
        older = re.search(r'href="([^"]+)" rel="next"', section)
        url = (
            (url.split("?", maxsplit=1)[0] + older.group(1).replace("&amp;", "&").split("#")[0])
            if older
            else ""
        )
    return "\n".join(sections)


def entries(section: str) -> list[str]:
    return section.split('<li class="timeline-entry')[1:]


def entry_showing(section: str, label: str, value: str) -> str:
    """The entry that shows ``label`` changed to ``value``."""
    for entry in entries(section):
        match = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", entry, re.S)
        if match and value in match.group(1).split("<ins>")[-1]:
            return entry
    raise AssertionError(f"no entry shows {label} → {value}")


def label_of(model, field: str, language: str) -> str:
    with translation.override(language):
        return str(capfirst(model._meta.get_field(field).verbose_name))


def in_language(language: str, thing) -> str:
    with translation.override(language):
        return str(thing)


def reader(user, language: str):
    user.language = language
    user.save(update_fields=["language"])
    return user


# Every field change of an event ----------------------------------------------------------------------


@pytest.fixture
def changed_event(kish_deputy, secretariat, kish, qeshm, art_bureau):
    """An event proposed by Kish, every field then changed by its deputy, submitted, corrected by the
    secretariat and approved."""
    start = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=30)
    event = event_services.create_event(
        kish_deputy,
        title="شب شعر",
        category=EventCategory.objects.get(slug="festival"),
        host_zone=kish,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        participating_zones=[qeshm],
    )
    agreement = make_agreement(zones=[kish], title="تفاهم‌نامه شعر")
    new = {
        "title": "شب شعر خلیج فارس",
        "description": "شعرخوانی شاعران جوان",
        "category": EventCategory.objects.get(slug="workshop"),
        "venue": "تالار مرکزی",
        "starts_at": start + dt.timedelta(days=2),
        "ends_at": start + dt.timedelta(days=2, hours=4),
        "expected_audience": 250,
        "agreement": agreement,
    }
    event_services.update_event(
        kish_deputy,
        event,
        co_organisers=[art_bureau],
        participating_zones=[Zone.objects.get(slug="aras")],
        **new,
    )
    event_services.submit_event(kish_deputy, event)
    event_services.update_event(secretariat, event, venue="تالار بزرگ")
    event_services.approve_event(secretariat, event)
    return event, new


def expected_event_changes(new: dict, language: str, art_bureau) -> dict[str, str]:
    with translation.override(language):
        return {
            label_of(Event, "title", language): new["title"],
            label_of(Event, "description", language): new["description"],
            label_of(Event, "category", language): str(new["category"]),
            label_of(Event, "venue", language): new["venue"],
            label_of(Event, "starts_at", language): format_date(new["starts_at"], "datetime", language),
            label_of(Event, "ends_at", language): format_date(new["ends_at"], "datetime", language),
            label_of(Event, "expected_audience", language): "250",
            label_of(Event, "agreement", language): new["agreement"].title,
            label_of(Event, "co_organisers", language): str(art_bureau),
        }


def check_event_timeline(section: str, event: Event, new: dict, language: str, art_bureau, deputy) -> None:
    the_change = event.history.filter(history_user=deputy, history_type="~").order_by("history_id").first()
    when = format_date(the_change.history_date, "datetime", language)
    for label, value in expected_event_changes(new, language, art_bureau).items():
        entry = entry_showing(section, label, value)
        assert deputy.get_full_name() in entry, label  # who
        assert when[:-1] in entry, label  # when, to the minute (the last digit may tick over)
    # The old values read too, as the page shows values: the first title, the first start in the calendar.
    title = entry_showing(section, label_of(Event, "title", language), new["title"])
    assert "<del>شب شعر</del>" in title
    # The invitations: Qeshm's removed and Aras's added, by the deputy.
    aras = in_language(language, Zone.objects.get(slug="aras"))
    assert any(aras in entry and deputy.get_full_name() in entry for entry in entries(section))
    # The secretariat's correction after submission, and its decision, with who.
    venue = entry_showing(section, label_of(Event, "venue", language), "تالار بزرگ")
    assert "سارا امینی" in venue
    assert "<del>تالار مرکزی</del>" in venue
    approved = in_language(language, Event.Status.APPROVED.label)
    assert any(approved in entry and "سارا امینی" in entry for entry in entries(section))


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_field_change_of_an_event_shows_on_its_page_with_who_and_when(
    changed_event, client_for, kish_deputy, art_bureau, language
):
    event, new = changed_event
    client = client_for(reader(kish_deputy, language))
    section = whole_timeline(client, reverse("events:detail", args=[event.pk]))
    check_event_timeline(section, event, new, language, art_bureau, kish_deputy)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_field_change_of_an_event_shows_on_its_admin_page_with_who_and_when(
    changed_event, client_for, secretariat, kish_deputy, art_bureau, language
):
    event, new = changed_event
    client = client_for(reader(secretariat, language))
    section = whole_timeline(client, reverse("admin:events_event_change", args=[event.pk]))
    check_event_timeline(section, event, new, language, art_bureau, kish_deputy)


def test_persian_readers_see_solar_hijri_dates_and_english_readers_gregorian(
    changed_event, client_for, kish_deputy
):
    event, new = changed_event
    persian = whole_timeline(client_for(reader(kish_deputy, "fa")), reverse("events:detail", args=[event.pk]))
    english = whole_timeline(client_for(reader(kish_deputy, "en")), reverse("events:detail", args=[event.pk]))
    assert format_date(new["starts_at"], "datetime", "fa") in persian
    assert str(new["starts_at"].year) not in re.sub(r'datetime="[^"]*"', "", persian)
    assert format_date(new["starts_at"], "datetime", "en") in english


# Every field change of an obligation --------------------------------------------------------------------


@pytest.fixture
def changed_obligation(secretariat, kish_deputy, kish):
    agreement = make_agreement(zones=[kish], title="تفاهم‌نامه خوشنویسی")
    ours = agreement.parties.get(kind="secretariat")
    kish_party = agreement.parties.get(kind="zone")
    due = timezone.localdate() + dt.timedelta(days=20)
    obligation = agreement_services.add_obligation(
        secretariat, agreement, description="برگزاری کارگاه", party=ours, due_on=due
    )
    new = {
        "description": "برگزاری دو کارگاه خوشنویسی",
        "party": kish_party,
        "due_on": due + dt.timedelta(days=15),
    }
    agreement_services.update_obligation(secretariat, obligation, **new)
    agreement_services.report_obligation(
        kish_deputy,
        obligation,
        status="in_progress",
        evidence_note="کارگاه نخست برگزار شد",
        evidence_link="https://kish.example/first",
    )
    agreement_services.report_obligation(
        kish_deputy, obligation, status="done", evidence_file=SimpleUploadedFile("گزارش کارگاه.pdf", PDF)
    )
    obligation.refresh_from_db()
    return obligation, new


def check_obligation_timeline(section: str, obligation: Obligation, new: dict, language: str, deputy) -> None:
    secretariat_name = "سارا امینی"
    for field, value in (
        ("description", new["description"]),
        ("party", in_language(language, new["party"])),
        ("due_on", format_date(new["due_on"], "date", language)),
    ):
        entry = entry_showing(section, label_of(Obligation, field, language), value)
        assert secretariat_name in entry
    old_party = in_language(language, obligation.agreement.parties.get(kind="secretariat"))
    assert f"<del>{old_party}</del>" in entry_showing(
        section, label_of(Obligation, "party", language), in_language(language, new["party"])
    )
    evidence = (
        ("evidence_note", "کارگاه نخست برگزار شد"),
        ("evidence_link", "https://kish.example/first"),
        ("evidence_file", "گزارش کارگاه.pdf"),
        ("done_on", format_date(obligation.done_on, "date", language)),
    )
    for field, value in evidence:
        entry = entry_showing(section, label_of(Obligation, field, language), value)
        assert deputy.get_full_name() in entry
        version = obligation.history.filter(history_user=deputy).order_by("history_id").last()
        assert format_date(version.history_date, "datetime", language)[:-1] in entry
    file_entry = entry_showing(section, label_of(Obligation, "evidence_file", language), "گزارش کارگاه.pdf")
    assert "/agreements/obligations/" in file_entry  # a link to the version that held it
    for status in (Obligation.Status.IN_PROGRESS, Obligation.Status.DONE):
        label = in_language(language, status.label)
        assert any(label in entry and deputy.get_full_name() in entry for entry in entries(section))


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_field_change_of_an_obligation_shows_on_its_agreement_page(
    changed_obligation, client_for, kish_deputy, language
):
    obligation, new = changed_obligation
    client = client_for(reader(kish_deputy, language))
    section = whole_timeline(client, reverse("agreements:detail", args=[obligation.agreement_id]))
    check_obligation_timeline(section, obligation, new, language, kish_deputy)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_every_field_change_of_an_obligation_shows_on_its_admin_page(
    changed_obligation, client_for, secretariat, kish_deputy, language
):
    obligation, new = changed_obligation
    client = client_for(reader(secretariat, language))
    for url in (
        reverse("admin:agreements_obligation_change", args=[obligation.pk]),
        reverse("admin:agreements_agreement_change", args=[obligation.agreement_id]),
    ):
        check_obligation_timeline(whole_timeline(client, url), obligation, new, language, kish_deputy)


# Who, wherever the change comes from -----------------------------------------------------------------------


def test_changes_made_through_the_api_carry_the_keys_person(
    api_for, art_bureau_partner, art_bureau, kish, qeshm
):
    client = api_for(art_bureau_partner)
    start = timezone.now() + dt.timedelta(days=20)
    proposed = client.post(
        "/api/v1/events/",
        {
            "title": "نمایشگاه آثار برگزیده",
            "category": "exhibition",
            "host_zone": "qeshm",
            "participating_zones": ["kish"],
            "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(days=2)).isoformat(),
        },
        format="json",
    )
    assert proposed.status_code == 201, proposed.content
    event = Event.objects.get(pk=proposed.json()["id"])
    assert {row.history_user for row in event.history.all()} == {art_bureau_partner}
    assert {row.history_user for row in event.participations.get().history.all()} == {art_bureau_partner}

    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    obligation = make_obligation(agreement, agreement.parties.get(kind="institution"))
    reported = client.patch(
        f"/api/v1/obligations/{obligation.pk}/",
        {"status": "done", "evidence_link": "https://hozehonari.example/report"},
        format="json",
    )
    assert reported.status_code == 200
    latest = obligation.history.latest()
    assert (latest.history_user, latest.evidence_link) == (
        art_bureau_partner,
        "https://hozehonari.example/report",
    )

    # A write whose service is told no person (a nomination is the applicant's) still names the key's
    # person: the request does.
    call = make_call(zones=[kish])
    nominated = client.post(
        f"/api/v1/talent-calls/{call.pk}/nominations/",
        {
            "full_name": "رضا خوشنویس",
            "birth_date": "2001-02-03",
            "zone": "kish",
            "email": "reza@example.org",
            "discipline": "calligraphy",
            "statement": "خوشنویس جوان",
            "consent": True,
        },
        format="json",
    )
    assert nominated.status_code == 201, nominated.content
    assert Application.history.get().history_user == art_bureau_partner


def test_what_the_portal_does_by_itself_is_recorded_as_the_portals(kish, client_for, kish_deputy):
    event = make_event(kish, status="approved", starts_in_days=-2, hours=1)
    event_services.mark_finished_events_held()
    held = event.history.latest()
    assert (held.status, held.history_user) == ("held", None)
    section = history_section(
        client_for(kish_deputy).get(reverse("events:detail", args=[event.pk])).content.decode()
    )
    assert "سامانه" in entries(section)[0] or "portal" in entries(section)[0]


# Nothing erased ---------------------------------------------------------------------------------------------


def test_a_superseded_evidence_file_stays_downloadable_to_those_who_may_see_it(
    client_for, kish_deputy, secretariat, qeshm_deputy, kanoon_partner, anonymous, kish
):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    agreement_services.report_obligation(
        kish_deputy, obligation, status="in_progress", evidence_file=SimpleUploadedFile("نخست.png", PNG)
    )
    agreement_services.report_obligation(
        kish_deputy, obligation, status="done", evidence_file=SimpleUploadedFile("دوم.pdf", PDF)
    )
    first = obligation.history.filter(evidence_file_name="نخست.png").earliest()
    url = reverse("agreements:evidence-version", args=[obligation.pk, first.history_id])
    for person in (kish_deputy, secretariat):
        response = client_for(person).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
    for outsider in (qeshm_deputy, kanoon_partner):
        assert client_for(outsider).get(url).status_code == 404
    assert anonymous.get(url).status_code == 302  # to the sign-in page
    # The current file is the new one; the old one is linked from the timeline of those who see it.
    current = client_for(kish_deputy).get(reverse("agreements:evidence", args=[obligation.pk]))
    assert b"".join(current.streaming_content) == PDF
    page = client_for(kish_deputy).get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert url in history_section(page)
    # Another obligation's version is not reachable through this one's address.
    other = make_obligation(agreement, agreement.parties.get(kind="zone"))
    wrong = reverse("agreements:evidence-version", args=[other.pk, first.history_id])
    assert client_for(kish_deputy).get(wrong).status_code == 404


def test_a_report_attachment_taken_back_is_withdrawn_not_erased(
    client_for, kish_deputy, qeshm_deputy, kish, qeshm
):
    event = make_event(kish, status="held", starts_in_days=-3, invite=(qeshm,))
    event_services.file_report(
        kish_deputy,
        event,
        attendance=1,
        artists_count=1,
        outcomes="—",
        attachments=[SimpleUploadedFile("اشتباه.pdf", PDF)],
    )
    attachment = ReportAttachment.objects.get()
    client_for(kish_deputy).post(reverse("events:attachment-remove", args=[attachment.pk]))
    attachment.refresh_from_db()
    assert attachment.withdrawn_by == kish_deputy
    assert not ReportAttachment.objects.current().exists()
    # Still downloadable to those who see the event (an invited zone too), and shown as withdrawn.
    download = client_for(qeshm_deputy).get(reverse("events:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == PDF
    tracks, moves = event_timeline(event)
    shown, _following = timeline(tracks, moves)
    assert shown[0].kind == Kind.WITHDRAWN
    assert shown[0].who == kish_deputy
    # Withdrawing twice is refused with a sentence, not an error page.
    again = client_for(kish_deputy).post(
        reverse("events:attachment-remove", args=[attachment.pk]), follow=True
    )
    assert again.status_code == 200
    assert ReportAttachment.objects.get().withdrawn_at == attachment.withdrawn_at


def test_a_withdrawn_obligation_leaves_the_lists_and_stays_in_the_history(
    client_for, secretariat, kish_deputy, kish, api_for
):
    agreement = make_agreement(zones=[kish])
    kept = make_obligation(agreement, agreement.parties.get(kind="zone"), description="تعهد ماندگار")
    mistaken = make_obligation(
        agreement, agreement.parties.get(kind="zone"), description="تعهد اشتباه", due_in_days=-3
    )
    admin = client_for(secretariat)
    changelist = reverse("admin:agreements_obligation_changelist")
    form = {"action": "withdraw_selected", ACTION_CHECKBOX_NAME: [mistaken.pk]}
    asked = admin.post(changelist, form)
    assert 'name="reason"' in asked.content.decode()  # a reason is asked for first
    admin.post(changelist, {**form, "apply": "1", "reason": "دوبار ثبت شده بود"})
    mistaken.refresh_from_db()
    assert mistaken.status == Obligation.Status.WITHDRAWN
    assert mistaken.status_changes.get(to_status="withdrawn").changed_by == secretariat

    page = client_for(kish_deputy).get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    listed = page.split('id="obligations"')[1].split("</section>")[0]
    assert "تعهد ماندگار" in listed
    assert "تعهد اشتباه" not in listed
    assert "دوبار ثبت شده بود" in history_section(page)
    assert "تعهد اشتباه" not in client_for(kish_deputy).get(reverse("agreements:list")).content.decode()
    assert "تعهد اشتباه" not in admin.get(changelist).content.decode()
    assert "تعهد اشتباه" in admin.get(changelist, {"withdrawn": "yes"}).content.decode()
    api_row = api_for(kish_deputy).get(f"/api/v1/agreements/{agreement.pk}/").json()
    assert [row["id"] for row in api_row["obligations"]] == [kept.pk]
    with (
        translation.override("en"),  # the requests above left Persian active in this thread
        pytest.raises(agreement_services.InvalidMoveError, match="withdrawn"),
    ):
        agreement_services.report_obligation(kish_deputy, mistaken, status="done", evidence_note="x")


def test_the_admin_offers_no_delete_for_domain_records(client_for, secretariat, kish, qeshm):
    event = make_event(kish, status="submitted", invite=(qeshm,))
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    call = make_call(zones=[kish])
    application = make_application(call, kish)
    client = client_for(secretariat)
    for name, obj in (
        ("events_event", event),
        ("agreements_agreement", agreement),
        ("agreements_obligation", obligation),
        ("talent_talentcall", call),
        ("talent_application", application),
    ):
        changelist = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert 'value="delete_selected"' not in changelist, name
        change = client.get(reverse(f"admin:{name}_change", args=[obj.pk])).content.decode()
        assert reverse(f"admin:{name}_delete", args=[obj.pk]) not in change, name
        assert "-DELETE" not in change, name  # no inline row can be deleted either
        assert client.post(reverse(f"admin:{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()
    assert Obligation.objects.filter(pk=obligation.pk).exists()
    assert Application.objects.filter(pk=application.pk).exists()


# The admin's evidence edit saves, or says why not -------------------------------------------------------


def test_editing_only_the_evidence_in_the_admin_saves_it_through_the_service(client_for, secretariat, kish):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    url = reverse("admin:agreements_obligation_change", args=[obligation.pk])
    client = client_for(secretariat)
    saved = client.post(
        url,
        {"status": "pending", "evidence_note": "نامه شماره ۱۲", "evidence_link": "", "_save": "1"},
        follow=True,
    )
    obligation.refresh_from_db()
    assert obligation.evidence_note == "نامه شماره ۱۲"
    assert obligation.history.latest().history_user == secretariat
    assert [m.level_tag for m in saved.context["messages"]] == ["success"]
    refused = client.post(
        url,
        {"status": "missed", "evidence_note": "چیز دیگری", "evidence_link": "", "_save": "1"},
        follow=True,
    )
    with translation.override("fa"):
        why = str(
            translation.gettext("Only in progress or done can be recorded here; missed is set by the portal.")
        )
    said = [(m.level_tag, str(m)) for m in refused.context["messages"]]
    assert said == [("error", why)]  # the refusal, and no word of success
    obligation.refresh_from_db()
    assert (obligation.status, obligation.evidence_note) == ("pending", "نامه شماره ۱۲")


# Memberships and API keys --------------------------------------------------------------------------------------


def test_membership_and_api_key_changes_are_recorded_with_who(
    client_for, secretariat, kish_deputy, kish, qeshm
):
    membership = kish_deputy.membership
    client = client_for(secretariat)
    change = reverse("admin:zones_portal_user_change", args=[kish_deputy.pk])
    page = client.get(change)
    data = form_data(page)
    data.update({"membership-0-zone": str(qeshm.pk), "membership-0-job_title": "معاون فرهنگی", "_save": "1"})
    moved = client.post(change, data)
    assert moved.status_code == 302, moved.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.zone == qeshm
    latest = membership.history.latest()
    assert (latest.history_user, latest.zone_id) == (secretariat, qeshm.pk)

    token, _key = ApiToken.issue(kish_deputy, name="calendar sync")
    client.post(
        reverse("admin:zones_portal_apitoken_changelist"),
        {"action": "revoke_selected", ACTION_CHECKBOX_NAME: [token.pk]},
    )
    revoked = token.history.latest()
    assert revoked.revoked_at is not None
    assert revoked.history_user == secretariat
    assert not hasattr(revoked, "digest")  # the key's digest is never copied into the history
    assert "digest" not in {f.name for f in type(revoked)._meta.fields}

    section = history_section(client.get(change).content.decode())
    assert in_language("fa", qeshm) in section
    assert "سارا امینی" in section
    assert "calendar sync" in section
    token_page = history_section(
        client.get(reverse("admin:zones_portal_apitoken_change", args=[token.pk])).content.decode()
    )
    assert label_of(ApiToken, "revoked_at", "fa") in token_page


def form_data(response) -> dict[str, str]:
    """What the admin's change form would post back unchanged: its fields and its inlines' rows."""
    data: dict[str, str] = {}
    context = response.context
    forms = [context["adminform"].form]
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        forms += list(formset.forms)
        management = formset.management_form
        for name, field in management.fields.items():
            data[management.add_prefix(name)] = str(management.initial.get(name, field.initial) or 0)
    for form in forms:
        for name, field in form.fields.items():
            if field.disabled:
                continue
            value = form.initial.get(name, field.initial)
            if callable(value):
                value = value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if isinstance(value, (list, tuple)):
                data[key] = [str(getattr(v, "pk", v)) for v in value]
            elif value is True:
                data[key] = "on"
            else:
                data[key] = str(getattr(value, "pk", value))
    return data


# Cost and paging ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("edits", [3, 60])
def test_a_timeline_page_costs_the_same_queries_however_long_the_history(
    edits, kish_deputy, kish, qeshm, art_bureau, django_assert_num_queries, client_for
):
    start = timezone.now() + dt.timedelta(days=30)
    event = event_services.create_event(
        kish_deputy,
        title="شب شعر",
        category=EventCategory.objects.get(slug="festival"),
        host_zone=kish,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        participating_zones=[qeshm],
        co_organisers=[art_bureau],
    )
    for index in range(edits):
        event_services.update_event(kish_deputy, event, venue=f"تالار {index}", expected_audience=index + 1)
    event_services.submit_event(kish_deputy, event)
    tracks, moves = event_timeline(event)
    # The event's versions and those before them, its co-organisers, the invitations' versions and those
    # before them, the report, its attachments, and the status moves.
    with django_assert_num_queries(8):
        shown, _following = timeline(tracks, moves, size=20)
    assert len(shown) == (20 if edits > 20 else edits + 6)
    client = client_for(kish_deputy)
    client.get(reverse("events:detail", args=[event.pk]))
    with django_assert_num_queries(17):
        assert client.get(reverse("events:detail", args=[event.pk])).status_code == 200


def test_a_long_timeline_pages_without_gaps_or_repeats(kish_deputy, kish):
    event = make_event(kish, status="draft", title="آغاز")
    for index in range(45):
        event_services.update_event(kish_deputy, event, title=f"عنوان {index}")
    tracks, moves = event_timeline(event)
    seen, cursor, pages = [], None, 0
    while True:
        shown, cursor = timeline(tracks, moves, cursor=cursor, size=20)
        seen += [entry.changes[0].new for entry in shown]
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    assert seen == [f"عنوان {index}" for index in reversed(range(45))] + ["آغاز"]


def test_a_bad_cursor_starts_the_timeline_over(client_for, kish_deputy, kish):
    event = make_event(kish, status="draft")
    for bad in (
        "",
        "x",
        "2026-13-45T00:00~0~1",
        "a~b~c",
        "1~2",
        "9" * 400,
        "2026-01-01T00:00:00+03:30~0~" + "9" * 30,
        "2026-01-01T00:00:00+03:30~-1~5",
    ):
        assert parse_cursor(bad) is None
        response = client_for(kish_deputy).get(reverse("events:detail", args=[event.pk]), {CURSOR_PARAM: bad})
        assert response.status_code == 200


def test_only_the_secretariat_and_the_zones_see_a_calls_history(
    client_for, kish_deputy, anonymous, secretariat, kish
):
    call = make_call(zones=[kish])
    call.title = "فراخوان خوشنویسی"
    call.save()
    url = reverse("talent:call", args=[call.pk])
    assert 'id="history"' not in anonymous.get(url).content.decode()
    for person in (kish_deputy, secretariat):
        assert "فراخوان خوشنویسی" in history_section(client_for(person).get(url).content.decode())


# Backups keep every version of a file ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_holds_the_superseded_evidence_files_too(kish, tmp_path):
    from tests.factories import zone_user

    deputy = zone_user(kish, username="kish-backup")
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    agreement_services.report_obligation(
        deputy, obligation, status="in_progress", evidence_file=SimpleUploadedFile("a.pdf", PDF)
    )
    first = Obligation.objects.get(pk=obligation.pk).evidence_file.name
    agreement_services.report_obligation(
        deputy, obligation, status="done", evidence_file=SimpleUploadedFile("b.png", PNG)
    )
    call_command("backup", str(tmp_path / "backup"), stdout=StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    names = {entry["name"] for entry in manifest["files"]}
    assert first in names
    assert Obligation.objects.get(pk=obligation.pk).evidence_file.name in names
    assert (tmp_path / "backup" / "files" / Path(first)).exists()
    assert not Agreement.objects.filter(status="withdrawn").exists()


def test_rows_older_than_their_history_get_a_first_version_and_then_read_change_by_change(
    kish_deputy, kish, art_bureau
):
    event = make_event(kish, status="draft")
    event.co_organisers.set([art_bureau])
    Event.history.all().delete()  # as a row saved before the portal kept histories
    assert "events.Event: 1" in run_command("record_history_baseline")
    assert "0 rows recorded" in run_command("record_history_baseline")  # the second run changes nothing
    first = event.history.get()
    assert first.history_type == "~"
    assert [link.institution for link in first.co_organisers.all()] == [art_bureau]
    event_services.update_event(kish_deputy, event, venue="تالار تازه")
    shown, _following = timeline(*event_timeline(event))
    change = next(entry for entry in shown if entry.kind == Kind.CHANGED)
    assert [(c.field, c.new) for c in change.changes] == [("venue", "تالار تازه")]
    assert shown[-1].kind == Kind.RECORDED


def run_command(name: str) -> str:
    out = StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def test_the_change_pages_of_artists_and_reminder_rules_show_their_timelines(client_for, secretariat, kish):
    from reminders.models import RuleSetting
    from talent.models import Artist, Discipline

    artist = Artist.objects.create(full_name="نقاش کیشی", zone=kish)
    artist.disciplines.set([Discipline.objects.get(slug="calligraphy")])
    rule = RuleSetting.objects.create(rule="event_upcoming", offsets=[14, 7, 1])
    rule.offsets = [10, 2]
    rule.save()
    client = client_for(secretariat)
    artist_page = history_section(
        client.get(reverse("admin:talent_artist_change", args=[artist.pk])).content.decode()
    )
    assert "خوشنویسی" in artist_page  # the discipline linked, by name
    rule_page = history_section(
        client.get(reverse("admin:reminders_rulesetting_change", args=[rule.pk])).content.decode()
    )
    assert "<del>14، 7، 1</del>" in rule_page
    assert "<ins>10، 2</ins>" in rule_page


# What the review found --------------------------------------------------------------------------------------


def test_an_event_timeline_names_no_agreement_the_reader_may_not_see(kish, qeshm, qeshm_deputy, client_for):
    """A zone invited to an event need not be a party to the agreement it carries out."""
    agreement = make_agreement(zones=(kish,), title="تفاهم‌نامه محرمانه")
    event = make_event(kish, status="approved", agreement=agreement, invite=(qeshm,))
    client = client_for(qeshm_deputy)
    assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 404
    page = client.get(reverse("events:detail", args=[event.pk])).content.decode()
    assert 'id="history"' in page
    assert "تفاهم‌نامه محرمانه" not in page


def test_the_admin_offers_no_clearing_of_an_obligations_evidence_file(client_for, secretariat, kish):
    agreement = make_agreement(zones=[kish])
    obligation = make_obligation(agreement, agreement.parties.get(kind="zone"))
    agreement_services.report_obligation(
        secretariat, obligation, status="in_progress", evidence_file=SimpleUploadedFile("a.pdf", PDF)
    )
    obligation.refresh_from_db()
    kept = obligation.evidence_file.name
    url = reverse("admin:agreements_obligation_change", args=[obligation.pk])
    client = client_for(secretariat)
    assert "evidence_file-clear" not in client.get(url).content.decode()
    # A hand-made "clear" is not an upload: the file stays and nothing fails.
    response = client.post(
        url,
        {
            "status": "in_progress",
            "evidence_note": "",
            "evidence_link": "",
            "evidence_file-clear": "on",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.evidence_file.name == kept


def test_people_are_made_inactive_not_deleted(client_for, secretariat, kish_deputy):
    client = client_for(secretariat)
    change = client.get(reverse("admin:zones_portal_user_change", args=[kish_deputy.pk])).content.decode()
    assert reverse("admin:zones_portal_user_delete", args=[kish_deputy.pk]) not in change
    response = client.post(reverse("admin:zones_portal_user_delete", args=[kish_deputy.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert type(kish_deputy).objects.filter(pk=kish_deputy.pk).exists()
