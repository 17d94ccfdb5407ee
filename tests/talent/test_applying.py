"""The public side: open calls, applying without an account, the receipt, following an application."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from talent.models import Application, Discipline, PortfolioFile
from tests.events.test_validation import EXE, JPEG, PDF
from tests.factories import make_application, make_call

pytestmark = pytest.mark.django_db
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def form(zone, **changes):
    data = {
        "full_name": "نرگس بندری",
        "birth_date": "۱۳۸۰/۰۵/۲۰",
        "zone": zone.pk,
        "email": "Narges@Example.org",
        "phone": "0912",
        "discipline": Discipline.objects.get(slug="calligraphy").pk,
        "statement": "ده سال خوشنویسی نستعلیق",
        "portfolio_links": "https://portfolio.example/narges",
        "consent": "on",
    }
    data.update(changes)
    return data


def post(client, call, data, **kwargs):
    return client.post(reverse("talent:apply", args=[call.pk]), data, **kwargs)


def test_anyone_sees_the_open_calls_and_drafts_stay_hidden(anonymous):
    open_call = make_call(title="فراخوان باز")
    draft = make_call(title="پیش‌نویس", status="draft")
    listing = anonymous.get(reverse("talent:calls")).content.decode()
    assert "فراخوان باز" in listing
    assert "پیش‌نویس" not in listing
    assert anonymous.get(reverse("talent:call", args=[open_call.pk])).status_code == 200
    assert anonymous.get(reverse("talent:call", args=[draft.pk])).status_code == 404


def test_an_artist_applies_and_gets_a_tracking_code(anonymous, qeshm, django_capture_on_commit_callbacks):
    call = make_call()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            anonymous,
            call,
            form(qeshm, files=[SimpleUploadedFile("نمونه.pdf", PDF), SimpleUploadedFile("a.jpg", JPEG)]),
        )
    assert response.status_code == 302
    application = Application.objects.get()
    assert (application.email, application.zone, application.status) == (
        "narges@example.org",
        qeshm,
        "submitted",
    )
    assert application.birth_date == dt.date(2001, 8, 11)  # 20 Mordad 1380
    assert PortfolioFile.objects.filter(application=application).count() == 2
    confirmation = anonymous.get(response["Location"]).content.decode()
    assert application.tracking_code in confirmation
    [receipt] = mail.outbox
    assert receipt.to == ["narges@example.org"]
    assert application.tracking_code in receipt.subject
    assert application.tracking_code in receipt.body
    assert "دریافت کردیم" in receipt.body  # in the language the artist applied in
    assert 'dir="rtl"' in receipt.alternatives[0][0]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"birth_date": "1395/01/01"}, "birth_date", "این فراخوان برای متقاضیانی است که در"),
        (
            {"consent": ""},
            "consent",
            "برای ارسال درخواست، کادر «موافقم دبیرخانه اطلاعات مرا نگه دارد…» را علامت بزنید.",
        ),
    ],
)
def test_refusals_come_with_a_message_in_persian(anonymous, qeshm, changes, field, message):
    call = make_call(min_age=15, max_age=30)
    response = post(anonymous, call, form(qeshm, **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert not Application.objects.exists()


def test_an_applicant_outside_the_eligible_zones_is_refused(anonymous, kish, qeshm):
    call = make_call(zones=[kish])
    response = post(anonymous, call, form(qeshm))
    assert response.status_code == 200
    assert "این فراخوان فقط برای متقاضیان کیش است." in response.content.decode()
    assert not Application.objects.exists()


def test_the_age_range_counts_on_the_closing_day(kish):
    from talent import services

    call = make_call(max_age=20)
    closing = timezone.localtime(call.closes_at).date()  # the service counts in Tehran time
    turns_21_on_closing = closing.replace(year=closing.year - 21)
    errors = services.eligibility_errors(call, birth_date=turns_21_on_closing, zone=kish)
    assert "birth_date" in errors
    day_after = turns_21_on_closing + dt.timedelta(days=1)
    assert services.eligibility_errors(call, birth_date=day_after, zone=kish) == {}


def test_a_second_application_by_the_same_person_is_refused(anonymous, qeshm):
    call = make_call()
    make_application(call, qeshm, email="narges@example.org")
    response = post(anonymous, call, form(qeshm, email="NARGES@example.org"))
    assert response.status_code == 200
    assert "قبلاً" in response.content.decode()
    assert Application.objects.count() == 1


def test_applying_after_the_call_closes_or_before_it_opens(anonymous, qeshm):
    closed = make_call(opens_in_days=-20, closes_in_days=-1)
    response = post(anonymous, closed, form(qeshm))
    assert "دیگر پذیرفته نمی‌شود" in response.content.decode()
    upcoming = make_call(opens_in_days=2, closes_in_days=20)
    response = post(anonymous, upcoming, form(qeshm))
    assert "باز می‌شود" in response.content.decode()
    assert not Application.objects.exists()


def test_files_are_judged_by_content_with_a_limit_per_kind(kish):
    from django.core.exceptions import ValidationError

    from talent import services

    call = make_call()
    base = {
        "full_name": "الف",
        "birth_date": dt.date(2000, 1, 1),
        "zone": kish,
        "email": "a@example.org",
        "discipline": Discipline.objects.get(slug="calligraphy"),
        "statement": "—",
        "consent": True,
    }
    with pytest.raises(ValidationError) as refusal:
        services.apply(call, files=[SimpleUploadedFile("portfolio.pdf", EXE)], **base)
    assert "portfolio.pdf" in refusal.value.message_dict["files"][0]
    big_photo = SimpleUploadedFile("big.jpg", JPEG + b"0" * (11 * 1024 * 1024))
    with pytest.raises(ValidationError) as refusal:
        services.apply(call, files=[big_photo], **base)
    assert refusal.value.message_dict["files"] == ["big.jpg is larger than 10 MB."]
    big_pdf = SimpleUploadedFile("big.pdf", PDF + b"0" * (11 * 1024 * 1024))
    sound, video = SimpleUploadedFile("a.mp3", MP3), SimpleUploadedFile("a.mp4", MP4)
    application = services.apply(call, files=[big_pdf, sound, video], **base)
    assert sorted(application.files.values_list("kind", flat=True)) == ["mp3", "mp4", "pdf"]


def test_the_status_page_needs_the_code_and_the_matching_email(anonymous, qeshm):
    call = make_call()
    application = make_application(call, qeshm, email="narges@example.org", full_name="نرگس بندری")
    url = reverse("talent:status")
    wrong = anonymous.post(url, {"tracking_code": application.tracking_code, "email": "someone@example.org"})
    assert "نرگس بندری" not in wrong.content.decode()
    assert "هیچ درخواستی" in wrong.content.decode()
    right = anonymous.post(
        url,
        {"tracking_code": application.tracking_code.lower().replace("-", ""), "email": "Narges@example.org"},
    )
    assert "نرگس بندری" in right.content.decode()
    anonymous.post(reverse("talent:withdraw", args=[application.pk]))  # after "are you sure?" (issue 15)
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_the_form_is_rate_limited_per_client(anonymous, qeshm, settings):
    settings.TALENT_APPLY_RATE = (3, 3600)
    call = make_call()
    for attempt in range(3):
        assert (
            post(anonymous, call, form(qeshm, email=f"x{attempt}@example.org", consent="")).status_code == 200
        )
    refused = post(anonymous, call, form(qeshm, email="late@example.org"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not Application.objects.filter(email="late@example.org").exists()
    other_client = Client(REMOTE_ADDR="10.9.8.7")
    assert post(other_client, call, form(qeshm, email="other@example.org")).status_code == 302


def test_cross_site_posts_are_refused(qeshm):
    call = make_call()
    forged = Client(enforce_csrf_checks=True)
    assert post(forged, call, form(qeshm)).status_code == 403
    assert not Application.objects.exists()


@pytest.mark.parametrize("count", [5, 200])
def test_the_public_call_list_runs_a_fixed_number_of_queries(
    anonymous, kish, qeshm, count, django_assert_num_queries
):
    calls = [make_call(title=f"فراخوان {i}", zones=[kish, qeshm]) for i in range(3)]
    for index in range(count):
        make_application(calls[index % 3], kish)
    with django_assert_num_queries(5):
        assert anonymous.get(reverse("talent:calls")).status_code == 200


def apply_on_closing_day(zone, closing_day, birth_date, **ages):
    """Applies, an hour before the close, to a call that closes at noon (Tehran) on ``closing_day``."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from talent import services
    from talent.models import TalentCall

    closes_at = timezone.make_aware(dt.datetime.combine(closing_day, dt.time(12, 0)))
    call = make_call(**ages)
    TalentCall.objects.filter(pk=call.pk).update(
        opens_at=closes_at - dt.timedelta(days=30), closes_at=closes_at
    )
    call.refresh_from_db()
    try:
        services.apply(
            call,
            now=closes_at - dt.timedelta(hours=1),
            full_name="متقاضی مرزی",
            birth_date=birth_date,
            zone=zone,
            email=f"born-{birth_date.isoformat()}@example.org",
            discipline=Discipline.objects.get(slug="calligraphy"),
            statement="—",
            consent=True,
        )
    except ValidationError as refusal:
        assert not Application.objects.filter(call=call).exists()
        return refusal.message_dict
    assert Application.objects.filter(call=call, birth_date=birth_date).exists()
    return {}


@pytest.mark.parametrize(
    ("birth_date", "eligible"),
    [
        (dt.date(2008, 6, 15), True),  # turns 18 on the closing day
        (dt.date(2008, 6, 16), False),  # turns 18 the day after
        (dt.date(1995, 6, 16), True),  # 30 on the closing day, 31 the day after
        (dt.date(1995, 6, 15), False),  # turns 31 on the closing day
    ],
    ids=["18-on-closing-day", "18-day-after", "31-day-after", "31-on-closing-day"],
)
def test_the_age_range_includes_both_ends_to_the_day(kish, birth_date, eligible):
    errors = apply_on_closing_day(kish, dt.date(2026, 6, 15), birth_date, min_age=18, max_age=30)
    if eligible:
        assert errors == {}
    else:
        assert list(errors) == ["birth_date"]
        assert "aged 18 to 30" in errors["birth_date"][0]


@pytest.mark.parametrize(
    ("closing_day", "ages", "eligible"),
    [
        # Born on 29 February: in a common year the birthday counts from 1 March.
        (dt.date(2026, 2, 28), {"min_age": 18}, False),
        (dt.date(2026, 3, 1), {"min_age": 18}, True),
        (dt.date(2026, 2, 28), {"max_age": 17}, True),
        (dt.date(2026, 3, 1), {"max_age": 17}, False),
        # In a leap year it falls on the day itself.
        (dt.date(2028, 2, 28), {"min_age": 20}, False),
        (dt.date(2028, 2, 29), {"min_age": 20}, True),
        (dt.date(2028, 2, 28), {"max_age": 19}, True),
        (dt.date(2028, 2, 29), {"max_age": 19}, False),
    ],
    ids=[
        "min-common-year-28-feb",
        "min-common-year-1-mar",
        "max-common-year-28-feb",
        "max-common-year-1-mar",
        "min-leap-year-28-feb",
        "min-leap-year-29-feb",
        "max-leap-year-28-feb",
        "max-leap-year-29-feb",
    ],
)
def test_a_leap_day_birthday_on_both_ends_of_the_age_range(kish, closing_day, ages, eligible):
    errors = apply_on_closing_day(kish, closing_day, dt.date(2008, 2, 29), **ages)
    assert (errors == {}) is eligible
    if not eligible:
        assert list(errors) == ["birth_date"]
