"""The meetings pages as the secretariat, a deputy, a partner and an outsider see them: each with a
meeting that must not leak, the two-step sign-in for the secretariat's changes, and the list's cost."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coordination.models import AgendaItem, Meeting
from coordination.services import meetings as services
from tests.factories import make_meeting, secretariat_user
from zones_portal.dates import format_date, persian_digits

pytestmark = pytest.mark.django_db


def in_english(client_for, person) -> Client:
    """A client whose pages are in English: the person's saved choice comes before any cookie."""
    person.language = "en"
    person.save(update_fields=["language"])
    return client_for(person)


@pytest.fixture
def council(kish, qeshm, art_bureau):
    """A meeting of Kish and the Art Bureau, and one of Qeshm alone that the others must not see."""
    ours = make_meeting(zones=[kish], institutions=[art_bureau], title="Kish and Art Bureau council")
    theirs = make_meeting(zones=[qeshm], title="Qeshm private session", reference="T-Q")
    return ours, theirs


# The list -----------------------------------------------------------------------------------------------


def test_the_list_shows_each_person_the_meetings_they_are_invited_to(
    client_for, council, secretariat, kish_deputy, art_bureau_partner, kanoon_partner
):
    url = reverse("coordination:meetings")
    for person, shown, hidden in (
        (kish_deputy, ["Kish and Art Bureau council"], ["Qeshm private session"]),
        (art_bureau_partner, ["Kish and Art Bureau council"], ["Qeshm private session"]),
        (kanoon_partner, [], ["Kish and Art Bureau council", "Qeshm private session"]),
        (secretariat, ["Kish and Art Bureau council", "Qeshm private session"], []),
    ):
        page = client_for(person).get(url).content.decode()
        for title in shown:
            assert title in page
        for title in hidden:
            assert title not in page
    assert "Schedule a meeting" not in in_english(client_for, kish_deputy).get(url).content.decode()
    assert "Schedule a meeting" in in_english(client_for, secretariat).get(url).content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(anonymous, council):
    response = anonymous.get(reverse("coordination:meetings"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_upcoming_meetings_come_first_soonest_first_then_the_past(client_for, kish, kish_deputy):
    make_meeting(zones=[kish], title="Last month", days_ahead=-30)
    make_meeting(zones=[kish], title="In three weeks", days_ahead=21)
    make_meeting(zones=[kish], title="Next week", days_ahead=7)
    make_meeting(zones=[kish], title="Called off", days_ahead=3, status="cancelled")
    make_meeting(zones=[kish], title="Two months ago", days_ahead=-60)
    page = in_english(client_for, kish_deputy).get(reverse("coordination:meetings")).content.decode()
    order = ["Coming up", "Next week", "In three weeks", "Past and cancelled", "Called off", "Last month"]
    order.append("Two months ago")
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)


def test_the_list_shows_my_answer_and_my_calendar_address(client_for, kish, kish_deputy):
    meeting = make_meeting(zones=[kish])
    services.answer_invitation(kish_deputy, meeting.invitees.get(), answer="apologies")
    page = in_english(client_for, kish_deputy).get(reverse("coordination:meetings")).content.decode()
    assert "Sends apologies" in page
    assert "Subscribe in your calendar" in page
    assert "/coordination/meetings/calendar/" in page


@pytest.mark.parametrize("count", [3, 25])
def test_the_list_costs_the_same_however_many_meetings(
    client_for, kish, qeshm, kish_deputy, count, django_assert_num_queries
):
    for index in range(count):
        make_meeting(zones=[kish, qeshm], days_ahead=index - 10)
    client = client_for(kish_deputy)
    with django_assert_num_queries(6):
        response = client.get(reverse("coordination:meetings"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 25])
def test_the_list_costs_the_secretariat_the_same_too(
    client_for, kish, secretariat, count, django_assert_num_queries
):
    for index in range(count):
        make_meeting(zones=[kish], days_ahead=index - 10)
    client = client_for(secretariat)
    with django_assert_num_queries(6):
        response = client.get(reverse("coordination:meetings"))
    assert response.status_code == 200


# The meeting's page -------------------------------------------------------------------------------------


def test_a_meeting_not_invited_to_is_not_found(client_for, council, kish_deputy, kanoon_partner, anonymous):
    _ours, theirs = council
    assert client_for(kish_deputy).get(reverse("coordination:meeting", args=[theirs.pk])).status_code == 404
    assert (
        client_for(kanoon_partner).get(reverse("coordination:meeting", args=[theirs.pk])).status_code == 404
    )
    assert anonymous.get(reverse("coordination:meeting", args=[theirs.pk])).status_code == 302


def test_an_invitee_sees_the_agenda_and_its_own_proposals_not_another_invitees(
    client_for, council, kish_deputy, art_bureau_partner, secretariat
):
    ours, _theirs = council
    services.propose_agenda_item(secretariat, ours, title="Report of the secretariat")
    services.propose_agenda_item(kish_deputy, ours, title="Kish Quran programme")
    services.propose_agenda_item(art_bureau_partner, ours, title="Art Bureau export fair")
    url = reverse("coordination:meeting", args=[ours.pk])
    kish_page = in_english(client_for, kish_deputy).get(url).content.decode()
    assert "Report of the secretariat" in kish_page
    assert "Kish Quran programme" in kish_page
    assert "Art Bureau export fair" not in kish_page  # not even in the history
    assert "Withdraw" in kish_page
    assert "The agenda closes on" in kish_page
    assert "Send the answer" in kish_page
    office = in_english(client_for, secretariat).get(url).content.decode()
    assert "Art Bureau export fair" in office
    assert "Kish Quran programme" in office
    assert "Accept" in office
    assert "Record as held" not in office


def test_the_page_speaks_persian_with_the_reference_in_persian_digits(
    client_for, kish, kish_deputy, secretariat
):
    starts = timezone.now() + dt.timedelta(days=20)
    meeting = services.schedule_meeting(
        secretariat,
        title="نشست شورا",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        agenda_cutoff=starts - dt.timedelta(days=2),
        online_link="https://meet.example.ir/x",
        zones=[kish],
    )
    page = client_for(kish_deputy).get(reverse("coordination:meeting", args=[meeting.pk])).content.decode()
    assert 'lang="fa" dir="rtl"' in page
    assert persian_digits(meeting.reference) in page
    assert meeting.reference not in page
    assert "https://meet.example.ir/x" in page
    assert format_date(meeting.starts_at, "datetime", "fa") in page


def test_an_invitee_answers_from_the_page(client_for, council, kish_deputy):
    ours, theirs = council
    client = client_for(kish_deputy)
    response = client.post(
        reverse("coordination:invitation", args=[ours.pk]), {"answer": "attending", "attendees": "علی کریمی"}
    )
    assert response.status_code == 302
    assert ours.invitees.get(zone__slug="kish").attendees == "علی کریمی"
    missing = client.post(reverse("coordination:invitation", args=[ours.pk]), {"answer": "attending"})
    assert missing.status_code == 200  # the form again, with the reason
    assert (
        client.post(reverse("coordination:invitation", args=[theirs.pk]), {"answer": "apologies"}).status_code
        == 404
    )


def test_an_invitee_proposes_and_withdraws(client_for, council, kish_deputy, art_bureau_partner):
    ours, _ = council
    client = client_for(kish_deputy)
    client.post(reverse("coordination:agenda-propose", args=[ours.pk]), {"title": "Kish Quran programme"})
    item = AgendaItem.objects.get(title="Kish Quran programme")
    assert item.status == "proposed"
    other = client_for(art_bureau_partner).post(reverse("coordination:agenda-item-withdraw", args=[item.pk]))
    assert other.status_code == 404  # another invitee's proposal is not theirs to see
    client.post(reverse("coordination:agenda-item-withdraw", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == "withdrawn"


def test_an_outsider_cannot_propose(client_for, council, qeshm_deputy):
    ours, _ = council
    response = client_for(qeshm_deputy).post(
        reverse("coordination:agenda-propose", args=[ours.pk]), {"title": "sneaky"}
    )
    assert response.status_code == 404
    assert not AgendaItem.objects.exists()


# The secretariat's changes --------------------------------------------------------------------------------


def meeting_form(zones, **overrides):
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=30))
    data = {
        "title": "Council of cultural deputies",
        "starts_at_0": starts.strftime("%Y-%m-%d"),
        "starts_at_1": "10:00",
        "ends_at_0": starts.strftime("%Y-%m-%d"),
        "ends_at_1": "12:00",
        "agenda_cutoff_0": (starts - dt.timedelta(days=3)).strftime("%Y-%m-%d"),
        "agenda_cutoff_1": "18:00",
        "place": "Tehran",
        "online_link": "",
        "notes": "",
        "zones": [zone.pk for zone in zones],
    }
    data.update(overrides)
    return data


def test_the_secretariat_schedules_from_the_form_with_all_zones_ticked(client_for, secretariat, kish, qeshm):
    client = in_english(client_for, secretariat)
    form = client.get(reverse("coordination:meeting-create")).content.decode()
    assert form.count("checked") >= 7  # every active zone ticked
    response = client.post(reverse("coordination:meeting-create"), meeting_form([kish, qeshm]))
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("coordination:meeting", args=[meeting.pk])
    assert meeting.invitees.count() == 2
    refused = client.post(reverse("coordination:meeting-create"), meeting_form([], place=""))
    assert refused.status_code == 200
    assert Meeting.objects.count() == 1


def test_the_form_takes_persian_digits_and_the_solar_hijri_calendar(client_for, secretariat, kish):
    client = client_for(secretariat)  # Persian
    data = meeting_form(
        [kish],
        starts_at_0="۱۴۰۶/۰۱/۲۰",
        starts_at_1="۱۰:۰۰",
        ends_at_0="۱۴۰۶/۰۱/۲۰",
        ends_at_1="۱۲:۳۰",
        agenda_cutoff_0="۱۴۰۶/۰۱/۱۵",
        agenda_cutoff_1="۱۸:۰۰",
    )
    response = client.post(reverse("coordination:meeting-create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = Meeting.objects.get()
    assert meeting.reference == "1406-01"
    assert timezone.localtime(meeting.ends_at).strftime("%H:%M") == "12:30"


def test_deputies_and_partners_may_not_schedule_or_change(
    client_for, council, kish_deputy, art_bureau_partner
):
    ours, _ = council
    for person in (kish_deputy, art_bureau_partner):
        client = client_for(person)
        assert client.get(reverse("coordination:meeting-create")).status_code == 403
        assert (
            client.post(reverse("coordination:meeting-cancel", args=[ours.pk]), {"reason": "x"}).status_code
            == 403
        )
        assert client.post(reverse("coordination:meeting-edit", args=[ours.pk]), {}).status_code == 403
        assert (
            client.post(
                reverse("coordination:agenda-decide", args=[ours.pk]), {"action": "reorder"}
            ).status_code
            == 403
        )
    ours.refresh_from_db()
    assert ours.status == "scheduled"


def test_the_secretariat_confirms_with_a_code_before_changing_anything(council, kish):
    officer = secretariat_user(username="unconfirmed")
    client = Client()
    client.force_login(officer)
    ours, _ = council
    response = client.post(reverse("coordination:meeting-cancel", args=[ours.pk]), {"reason": "x"})
    assert response.status_code == 302
    assert (
        reverse("twofactor:setup") in response["Location"]
        or reverse("twofactor:code") in response["Location"]
    )
    ours.refresh_from_db()
    assert ours.status == "scheduled"
    assert client.get(reverse("coordination:meetings")).status_code == 200  # reading needs no code


def test_the_secretariat_edits_cancels_and_holds(client_for, secretariat, council, kish, qeshm):
    ours, theirs = council
    client = in_english(client_for, secretariat)
    edit = client.get(reverse("coordination:meeting-edit", args=[ours.pk]))
    assert edit.status_code == 200
    client.post(
        reverse("coordination:meeting-edit", args=[ours.pk]), meeting_form([kish, qeshm], title="Renamed")
    )
    ours.refresh_from_db()
    assert ours.title == "Renamed"
    assert ours.invitees.count() == 2
    no_reason = client.post(reverse("coordination:meeting-cancel", args=[ours.pk]), {"reason": ""})
    assert no_reason.status_code == 200
    assert "Say why" in no_reason.content.decode()
    client.post(reverse("coordination:meeting-cancel", args=[ours.pk]), {"reason": "Postponed"})
    ours.refresh_from_db()
    assert ours.status == "cancelled"
    page = client.get(reverse("coordination:meeting", args=[ours.pk])).content.decode()
    assert "The meeting is cancelled." in page
    assert "Postponed" in page
    early = client.post(reverse("coordination:meeting-hold", args=[theirs.pk]), follow=True)
    assert "it can be recorded as held from then on" in early.content.decode()
    Meeting.objects.filter(pk=theirs.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=1), agenda_cutoff=timezone.now() - dt.timedelta(days=1)
    )
    client.post(reverse("coordination:meeting-hold", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.status == "held"


def test_the_secretariat_accepts_declines_and_orders_the_agenda(
    client_for, secretariat, kish_deputy, council
):
    ours, _ = council
    one = services.propose_agenda_item(secretariat, ours, title="one")
    two = services.propose_agenda_item(secretariat, ours, title="two")
    proposal = services.propose_agenda_item(kish_deputy, ours, title="kish")
    other = services.propose_agenda_item(kish_deputy, ours, title="other")
    client = client_for(secretariat)
    url = reverse("coordination:agenda-decide", args=[ours.pk])
    client.post(url, {"action": "accept", "item": proposal.pk, "position": "۱"})
    client.post(url, {"action": "decline", "item": other.pk, "reason": ""})  # refused: no reason
    other.refresh_from_db()
    assert other.status == "proposed"
    client.post(url, {"action": "decline", "item": other.pk, "reason": "Next time"})
    other.refresh_from_db()
    assert other.status == "declined"
    client.post(
        url,
        {
            "action": "reorder",
            f"position-{one.pk}": "3",
            f"position-{two.pk}": "1",
            f"position-{proposal.pk}": "2",
        },
    )
    order = list(
        ours.agenda_items.filter(status="accepted").order_by("position").values_list("title", flat=True)
    )
    assert order == ["two", "kish", "one"]
    kish_page = (
        in_english(client_for, kish_deputy)
        .get(reverse("coordination:meeting", args=[ours.pk]))
        .content.decode()
    )
    assert "Next time" in kish_page  # the proposer reads why


def test_the_menu_shows_the_desk_to_the_desk_people_only(
    client_for, secretariat, kish_deputy, art_bureau_partner
):
    from tests.factories import UserFactory

    url = reverse("coordination:meetings")
    for person in (secretariat, kish_deputy, art_bureau_partner):
        assert url in client_for(person).get(reverse("home")).content.decode()
    nobody = UserFactory(username="juror-only")
    assert url not in client_for(nobody).get(reverse("home")).content.decode()


def test_a_held_meeting_page_shows_its_minutes_section_and_history(
    client_for, secretariat, kish_deputy, kish
):
    meeting = make_meeting(zones=[kish], starts_at=timezone.now() - dt.timedelta(hours=2))
    services.hold_meeting(secretariat, meeting)
    office = in_english(client_for, secretariat).get(reverse("coordination:meeting", args=[meeting.pk]))
    assert office.status_code == 200
    assert reverse("coordination:minutes-edit", args=[meeting.pk]) in office.content.decode()
    assert "Held, minutes being written" in office.content.decode()  # the history's status move
    deputy = in_english(client_for, kish_deputy).get(reverse("coordination:meeting", args=[meeting.pk]))
    assert deputy.status_code == 200
    assert reverse("coordination:minutes-edit", args=[meeting.pk]) not in deputy.content.decode()
    assert "Send the answer" not in deputy.content.decode()  # answers close when the meeting starts


def test_the_secretariat_confirms_with_a_code_before_taking_its_own_item_off(council, secretariat):
    """The secretariat's own agenda item is withdrawn only after the two-step sign-in, like its other
    changes; an officer whose session was not confirmed is sent to confirm and the item stays."""
    ours, _ = council
    item = services.propose_agenda_item(secretariat, ours, title="گزارش دبیرخانه")
    officer = secretariat_user(username="unconfirmed-withdraw")
    client = Client()
    client.force_login(officer)
    response = client.post(reverse("coordination:agenda-item-withdraw", args=[item.pk]))
    assert response.status_code == 302
    assert (
        reverse("twofactor:setup") in response["Location"]
        or reverse("twofactor:code") in response["Location"]
    )
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.ACCEPTED


def test_the_history_leaves_out_the_invitees_named_when_scheduling_and_keeps_their_answers(
    client_for, secretariat, kish_deputy, kish, qeshm, anzali_zone
):
    """Scheduling writes no "created" entry per invitee (eight for the council, a long scroll on a
    phone); an answer, and an invitee added later, are still in the history."""
    import time_machine

    from coordination.history import meeting_timeline
    from coordination.models import Invitee
    from zones_portal.history import timeline

    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=14)
    meeting = services.schedule_meeting(
        secretariat,
        title="Council of the zones",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=2),
        agenda_cutoff=starts_at - dt.timedelta(days=4),
        place="Tehran",
        zones=[kish, qeshm],
    )
    services.answer_invitation(
        kish_deputy, meeting.invitees.get(zone=kish), answer="attending", attendees="Kish's deputy"
    )
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        services.update_meeting(secretariat, meeting, zones=[kish, qeshm, anzali_zone])
    entries, _more = timeline(*meeting_timeline(meeting, secretariat))

    def subject(zone):
        return f"Invitee {Invitee(kind='zone', zone=zone).organisation_name}"

    created = [entry.subject for entry in entries if entry.kind == "created"]
    assert created == [subject(anzali_zone), ""]  # the later invitee, and the meeting itself
    answered = [entry for entry in entries if entry.subject == subject(kish)]
    assert [(entry.kind, entry.changes[0].old, entry.changes[0].new) for entry in answered][:1] == [
        ("changed", "No answer yet", "Attending")
    ]
    assert not [entry for entry in entries if entry.subject == subject(qeshm)]
    page = in_english(client_for, secretariat).get(reverse("coordination:meeting", args=[meeting.pk]))
    assert page.content.decode().count(f"{subject(qeshm)}</span>") == 0


def test_the_answer_form_names_the_answer_once(client_for, kish, kish_deputy):
    meeting = make_meeting(zones=[kish])
    url = reverse("coordination:meeting", args=[meeting.pk])
    page = in_english(client_for, kish_deputy).get(url).content.decode()
    assert page.count("Your answer") == 1
    assert 'role="radiogroup" aria-labelledby="answer"' in page
    services.answer_invitation(kish_deputy, meeting.invitees.get(), answer="apologies")
    page = in_english(client_for, kish_deputy).get(url).content.decode()
    assert "Change your answer" in page
    assert page.count("Your answer") == 0
    # Sent wrong, the form comes back on a page of its own, where the field keeps its label.
    wrong = in_english(client_for, kish_deputy).post(
        reverse("coordination:invitation", args=[meeting.pk]), {}
    )
    assert wrong.status_code == 200
    assert wrong.content.decode().count("Your answer") == 1


def test_persian_text_on_an_english_page_reads_right_to_left(client_for, secretariat, kish, kish_deputy):
    """Titles, notes, answers, minutes, decisions, comments and action items that people write are each
    in an element with dir="auto", so a Persian sentence keeps its full stop at its end."""
    import re

    from coordination.models import Invitee, MinutesComment, Side
    from tests.factories import make_action_item, make_decision

    meeting = make_meeting(
        zones=[kish],
        title="نشست شورای معاونان.",
        notes="حضور معاونان الزامی است.",
        days_ahead=-3,
        status="in_comment",
        minutes_summary="نشست با تلاوت قرآن آغاز شد.",
    )
    Invitee.objects.filter(meeting=meeting).update(
        answer="attending", attendees="علی کریمی.", attendance="present", attended_by="علی کریمی."
    )
    AgendaItem.objects.create(
        meeting=meeting,
        kind=Side.SECRETARIAT,
        title="برنامه مشترک قرآنی.",
        description="شرح پیشنهاد.",
        status="accepted",
        minutes="گفتگو شد.",
        position=1,
    )
    decision = make_decision(meeting, text="برنامه برگزار شود.")
    make_action_item(decision, zone=kish, description="ارسال فهرست قاریان.")
    MinutesComment.objects.create(meeting=meeting, kind=Side.ZONE, zone=kish, text="بند دوم اصلاح شود.")
    page = in_english(client_for, secretariat).get(reverse("coordination:meeting", args=[meeting.pk]))
    html = page.content.decode()
    for text in (
        "نشست شورای معاونان.",
        "حضور معاونان الزامی است.",
        "علی کریمی.",
        "برنامه مشترک قرآنی.",
        "شرح پیشنهاد.",
        "نشست با تلاوت قرآن آغاز شد.",
        "گفتگو شد.",
        "برنامه برگزار شود.",
        "ارسال فهرست قاریان.",
        "بند دوم اصلاح شود.",
    ):
        assert re.search(r'dir="auto"[^>]*>\s*(<p>)?' + re.escape(text), html), text
    listing = in_english(client_for, secretariat).get(reverse("coordination:meetings")).content.decode()
    assert re.search(r'dir="auto"[^>]*>' + re.escape("نشست شورای معاونان."), listing)
    items = in_english(client_for, secretariat).get(reverse("coordination:action-items")).content.decode()
    assert re.search(r'dir="auto"[^>]*>\s*' + re.escape("ارسال فهرست قاریان."), items)
