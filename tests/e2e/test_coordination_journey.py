"""The coordination desk's journey on a 390-pixel phone (issue 16's "done when"), in Persian: the
secretariat schedules a council meeting typing Jalali dates in Persian digits; Kish's deputy proposes an
agenda item and answers the invitation; the secretariat accepts the item, records the meeting as held,
writes attendance, minutes, a decision and an action item Kish owes, and circulates the minutes; the
deputy finds the action item on the home page, marks it done with a note and a PDF, and comments on the
minutes; the secretariat approves them. Then a circular is written and sent to every zone, Kish
acknowledges it, and the secretariat's table shows who has and who has not; the scorecard shows the
desk's columns. No page along the way scrolls sideways."""

import datetime as dt

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination.models import Acknowledgement, ActionItem, Circular, Invitee, Meeting, MinutesComment
from tests.e2e.pages import OVERFLOW
from tests.factories import TEST_PASSWORD, secretariat_user, zone_user
from zones_portal.dates import input_date, persian_digits
from zones_portal.models import Zone
from zones_portal.twofactor.services import current_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "نشست ویژه معاونان فرهنگی درباره برنامه‌های نوروزی"
AGENDA = "برنامه مشترک قرآنی نوروز در کیش و قشم"
ACTION = "تهیه برنامه اجرایی محفل قرآنی مشترک"
CIRCULAR = "دستورالعمل گزارش‌دهی برنامه‌های نوروزی"


def persian_date_and_time(moment: dt.datetime) -> tuple[str, str]:
    """A moment as a person types it into the portal's Jalali date and time boxes, in Persian digits."""
    local = timezone.localtime(moment)
    return input_date(local, "fa"), persian_digits(local.strftime("%H:%M"))


def test_the_coordination_journey_on_a_phone(live_server, browser):
    kish = Zone.objects.get(slug="kish")
    zone_user(kish, username="kish-desk", first_name="علی", last_name="کریمی")
    officer = secretariat_user(username="officer-desk")
    code = current_code(TOTPDevice.objects.create(user=officer, name="phone", confirmed=True))
    zones = Zone.objects.filter(is_active=True).count()
    base = live_server.url
    too_wide: list[str] = []

    def fits(page, step: str) -> None:
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["client"]:
            too_wide.append(f"{step}: {found['scroll']} px ({found['widest']})")

    def signed_in(username: str, second_step: str | None = None):
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", TEST_PASSWORD)
        page.click("button.primary")
        if second_step is not None:
            page.wait_for_selector("#id_code")
            page.fill("#id_code", second_step)
            page.click("button.primary")
        page.wait_for_url(f"{base}/")
        return context, page

    def submit(page, target) -> None:
        """Click a button or link that loads a new page, and wait for that page."""
        with page.expect_navigation():
            (page.locator(target) if isinstance(target, str) else target).click()

    officer_context, office = signed_in("officer-desk", second_step=code)
    deputy_context, deputy = signed_in("kish-desk")

    # The secretariat schedules the meeting ten days ahead, typing the dates in Persian digits.
    starts = timezone.localtime(timezone.now() + dt.timedelta(days=10)).replace(hour=10, minute=0)
    office.goto(f"{base}/coordination/meetings/new/")
    fits(office, "meeting form")
    office.fill("#id_title", TITLE)
    for field, moment in (
        ("starts_at", starts),
        ("ends_at", starts + dt.timedelta(hours=2)),
        ("agenda_cutoff", starts - dt.timedelta(days=3)),
    ):
        day, time = persian_date_and_time(moment)
        office.fill(f"#id_{field}_0", day)
        office.fill(f"#id_{field}_1", time)
    office.keyboard.press("Escape")  # the date picker closes
    office.fill("#id_place", "تهران، دبیرخانه، تالار جلسات")
    submit(office, "main form button.primary")
    office.wait_for_selector(f"h1:has-text('{TITLE}')")
    fits(office, "meeting page")
    meeting = Meeting.objects.get(title=TITLE)
    meeting_url = f"{base}/coordination/meetings/{meeting.pk}/"
    scheduled = (meeting.status, meeting.invitees.filter(zone=kish).exists(), office.inner_text("main"))

    # Kish's deputy proposes an item for the agenda and says who will attend.
    deputy.goto(meeting_url)
    fits(deputy, "meeting page, deputy")
    deputy.fill("#id_title", AGENDA)
    deputy.fill("#id_description", "محفل قرآنی مشترک در ایام نوروز با حضور قاریان دو منطقه.")
    submit(deputy, "form.proposal-form button.primary")
    deputy.check("input[name=answer][value=attending]")
    deputy.fill("#id_attendees", "علی کریمی، معاون فرهنگی")
    submit(deputy, "form:has(input[name=answer]) button.primary")
    fits(deputy, "answered")

    office.goto(meeting_url)
    submit(office, "button:has-text('پذیرش')")
    # The meeting's hour comes (its times move into the past, as the clock would move them).
    now = timezone.now()
    Meeting.objects.filter(pk=meeting.pk).update(
        agenda_cutoff=now - dt.timedelta(hours=3),
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now - dt.timedelta(hours=1),
    )
    office.goto(meeting_url)
    submit(office, "button:has-text('ثبت برگزاری')")

    # Attendance, minutes, a decision and its action item, on the minutes page.
    submit(office, "a:has-text('نگارش صورت‌جلسه')")
    fits(office, "minutes page")
    for invitee in Invitee.objects.filter(meeting=meeting):
        office.select_option(
            f"#id_att-attendance-{invitee.pk}", "present" if invitee.zone == kish else "absent"
        )
    submit(office, "form:has(input[name=form][value=attendance]) button.primary")
    office.fill("#id_min-summary", "برنامه‌های نوروزی مناطق بررسی شد.")
    office.locator("textarea[name^=min-item-]").first.fill("با برگزاری محفل مشترک موافقت شد.")
    submit(office, "form:has(input[name=form][value=minutes]) button.primary")
    office.fill("#id_decision-text", "محفل قرآنی مشترک کیش و قشم در نوروز برگزار شود.")
    office.select_option("#id_decision-agenda_item", label=AGENDA)
    submit(office, "form:has(input[name=form][value=decision]) button.primary")
    action_form = office.locator("details[id^=action-]").first
    action_form.locator("summary").click()
    action_form.locator("textarea[name$=description]").fill(ACTION)
    action_form.locator("select[name$=owner]").select_option(label="کیش")
    action_form.locator("input[name$=due_on]").fill(input_date(now + dt.timedelta(days=10), "fa"))
    office.keyboard.press("Escape")
    submit(office, action_form.locator("button[type=submit]"))
    fits(office, "minutes with a decision")
    decision_shown = office.inner_text("#decisions") if office.locator("#decisions").count() else ""

    office.goto(meeting_url)
    submit(office, "a:has-text('ارسال برای اظهار نظر')")
    day, _time = persian_date_and_time(now + dt.timedelta(days=5))
    office.locator("main form input[type=text]").nth(0).fill(day)
    office.keyboard.press("Escape")
    office.locator("main form input[type=text]").nth(1).fill("۱۴:۰۰")
    submit(office, "main form button.primary")

    # The deputy finds the action item on the home page and marks it done with a note and a PDF.
    deputy.goto(f"{base}/")
    fits(deputy, "home with the action item")
    on_home = deputy.locator(f"a:has-text('{ACTION}')").count()
    submit(deputy, f"a:has-text('{ACTION}')")
    fits(deputy, "action item")
    deputy.fill("textarea[name$=evidence_note]", "برنامه اجرایی تهیه و برای دبیرخانه ارسال شد.")
    deputy.set_input_files(
        "input[type=file]", {"name": "barnameh.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    submit(deputy, "button[name=complete]")
    fits(deputy, "action item done")
    deputy.goto(meeting_url)
    deputy.fill("form.comment-form textarea", "نام قاریان قشم نیز افزوده شود.")
    submit(deputy, "form.comment-form button.primary")

    office.goto(meeting_url)
    submit(office, "a:has-text('تصویب صورت‌جلسه')")
    submit(office, "main form button.primary")
    fits(office, "minutes approved")

    # A circular to every zone; Kish acknowledges; the secretariat sees who has and who has not.
    office.goto(f"{base}/coordination/circulars/new/")
    fits(office, "circular form")
    office.locator("input[name$=kind]").first.check()
    office.fill("input[name$=title]", CIRCULAR)
    office.fill("textarea[name$=body]", "گزارش برنامه‌های نوروزی تا ده روز پس از تعطیلات ثبت شود.")
    office.set_input_files(
        "input[type=file]", {"name": "bakhshnameh.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    office.fill("input[name$=acknowledge_by]", input_date(now + dt.timedelta(days=14), "fa"))
    office.keyboard.press("Escape")
    office.check("input[name$=all_zones]")
    submit(office, "main form button.primary")
    circular_url = office.url
    submit(office, ".page-header a.button.primary")  # Send
    submit(office, "main form button.primary")
    fits(office, "circular sent")

    deputy.goto(f"{base}/")
    circular_on_home = deputy.locator(f"a:has-text('{CIRCULAR}')").count()
    deputy.goto(circular_url)
    fits(deputy, "circular, deputy")
    submit(deputy, "main form button.primary")  # I have read it
    office.goto(circular_url)
    fits(office, "circular with acknowledgements")
    table = office.inner_text("main")
    office.goto(f"{base}/scorecard/")
    fits(office, "scorecard")
    scorecard = office.inner_text("main")
    officer_context.close()
    deputy_context.close()

    assert scheduled[:2] == ("scheduled", True)
    assert persian_digits(meeting.reference) in scheduled[2]  # its reference, in Persian digits
    meeting.refresh_from_db()
    assert meeting.status == "approved"
    assert meeting.agenda_items.get().status == "accepted"
    assert meeting.invitees.get(zone=kish).answer == "attending"
    assert persian_digits(f"{meeting.reference}/1") in decision_shown  # the decision's number
    assert on_home == 1  # the action item Kish owes was on its deputy's home page
    item = ActionItem.objects.get(description=ACTION)
    assert (item.status, item.zone) == ("done", kish)
    assert item.evidence_note
    assert item.evidence_file
    assert MinutesComment.objects.get(meeting=meeting).author.username == "kish-desk"
    circular = Circular.objects.get(title=CIRCULAR)
    assert circular.status == "sent"
    assert circular_on_home == 1  # it was waiting on the deputy's home page
    acknowledged = Acknowledgement.objects.filter(circular=circular).exclude(acknowledged_at=None)
    assert [row.zone for row in acknowledged] == [kish]
    assert persian_digits(f"1 از {zones}") in table  # acknowledged 1 of 7
    assert "علی کریمی" in table
    assert "میز هماهنگی" in scorecard
    assert too_wide == []
