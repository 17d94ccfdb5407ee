"""Blind review: the judges of a blind round see the work and an entry number, never who sent it (pages,
titles, file names, exports), until the secretariat reveals the names after scoring has closed."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contests.models import Entry, Round
from contests.services import rounds as services
from talent.models import Application, PortfolioFile
from tests.contests.world import enter, make_round, panel, quran_call
from tests.events.test_validation import PDF
from tests.factories import InstitutionFactory, make_application
from zones_portal.dates import format_date
from zones_portal.lifecycle import InvalidMoveError

pytestmark = pytest.mark.django_db


@pytest.fixture
def blind(kish, qeshm):
    """A blind joint round hosted by Qeshm; its one entry comes from Kish, nominated by an institution,
    with a file whose name carries the contestant's name."""
    call = quran_call()
    judges = panel(2)
    round_ = make_round(
        call,
        qeshm,
        stage=2,
        kind=Round.Kind.JOINT,
        name="دور داوری پنهان",
        advance_rule=Round.Advance.FINAL,
        advance_count=1,
        blind=True,
        judges=judges,
        status=Round.Status.SCORING,
    )
    (entry,) = enter(round_, kish, 1)
    Application.objects.filter(pk=entry.application_id).update(
        full_name="مریم نام‌دار",
        email="maryam.namdar@example.org",
        phone="09121234567",
        birth_date=dt.date(2004, 3, 9),
        nominated_by=InstitutionFactory(
            slug="kanoon-x", name_fa="کانون نامزدکننده", name_en="Nominating House"
        ),
        statement="تلاوت سوره یوسف",
    )
    entry.application.refresh_from_db()
    PortfolioFile.objects.create(
        application=entry.application,
        file=SimpleUploadedFile("maryam-namdar.pdf", PDF),
        original_name="maryam-namdar-tilavat.pdf",
        kind="pdf",
        size=len(PDF),
    )
    return round_, entry, judges


def secrets_of(application: Application, zone) -> list[str]:
    birth = application.birth_date
    return [
        application.full_name,
        "نام‌دار",
        "namdar",
        application.email,
        application.phone,
        application.tracking_code,
        zone.name_fa,
        zone.name_en,
        "کانون نامزدکننده",
        "Nominating House",
        format_date(birth),
        birth.isoformat(),
    ]


def assert_hidden(content: str, application, zone) -> None:
    for secret in secrets_of(application, zone):
        assert secret not in content, secret


def test_the_judges_pages_show_the_work_and_a_number_only(blind, kish, client_for):
    round_, entry, (judge, _other) = blind
    client = client_for(judge)
    for url in (
        reverse("contests:rounds"),
        reverse("contests:judge-queue", args=[round_.pk]),
        reverse("contests:judge-entry", args=[round_.pk, entry.number]),
        reverse("contests:round", args=[round_.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_hidden(response.content.decode(), entry.application, kish)
    page = client.get(reverse("contests:judge-entry", args=[round_.pk, entry.number])).content.decode()
    assert "تلاوت سوره یوسف" in page
    assert "(PDF)" in page


def test_the_judges_get_files_under_a_plain_name(blind, client_for):
    round_, entry, (judge, _other) = blind
    response = client_for(judge).get(reverse("contests:entry-file", args=[round_.pk, entry.number, 1]))
    assert response.status_code == 200
    assert 'filename="file-1.pdf"' in response["Content-Disposition"]
    assert "namdar" not in response["Content-Disposition"]
    assert (
        client_for(judge).get(reverse("contests:entry-file", args=[round_.pk, entry.number, 2])).status_code
        == 404
    )


def test_a_judge_who_stepped_aside_no_longer_reaches_the_entry_or_its_files(blind, client_for):
    round_, entry, (judge, _other) = blind
    services.declare_conflict(judge, entry, "خویشاوند")
    client = client_for(judge)
    assert client.get(reverse("contests:judge-entry", args=[round_.pk, entry.number])).status_code == 404
    assert client.get(reverse("contests:entry-file", args=[round_.pk, entry.number, 1])).status_code == 404


def test_the_results_export_carries_numbers_until_the_names_are_revealed(
    blind, kish, secretariat, client_for
):
    round_, entry, _judges = blind
    client = client_for(secretariat)
    for kind in ("csv", "xlsx"):
        response = client.get(reverse("contests:round-results", args=[round_.pk, kind]))
        assert response.status_code == 200
    csv_text = client.get(reverse("contests:round-results", args=[round_.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert_hidden(csv_text, entry.application, kish)
    services.close_scoring(secretariat, round_)
    services.reveal(secretariat, round_)
    revealed = client.get(reverse("contests:round-results", args=[round_.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "مریم نام‌دار" in revealed
    assert entry.application.email not in revealed  # contact details are never exported


def test_only_the_secretariat_reveals_and_only_after_scoring_closes(
    blind, kish_deputy, qeshm_deputy, secretariat, client_for
):
    round_, _entry, (judge, _other) = blind
    with pytest.raises(InvalidMoveError):
        services.reveal(secretariat, round_)
    services.close_scoring(secretariat, round_)
    for outsider in (qeshm_deputy, kish_deputy, judge):
        with pytest.raises(PermissionDenied):
            services.reveal(outsider, round_)
    response = client_for(qeshm_deputy).post(reverse("contests:round-reveal", args=[round_.pk]))
    assert response.status_code == 302
    assert Round.objects.get(pk=round_.pk).revealed_at is None
    client_for(secretariat).post(reverse("contests:round-reveal", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.revealed_by == secretariat
    assert round_.revealed_at is not None
    first = round_.revealed_at
    services.reveal(secretariat, round_)  # again: nothing changes
    assert Round.objects.get(pk=round_.pk).revealed_at == first
    page = client_for(judge).get(reverse("contests:round", args=[round_.pk])).content.decode()
    assert "دور داوری پنهان" in page


def test_revealed_judges_see_the_name_on_the_entry_page(blind, secretariat, client_for):
    round_, entry, (judge, _other) = blind
    services.close_scoring(secretariat, round_)
    services.reveal(secretariat, round_)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.SCORING)  # reopened after the reveal
    page = (
        client_for(judge)
        .get(reverse("contests:judge-entry", args=[round_.pk, entry.number]))
        .content.decode()
    )
    assert "مریم نام‌دار" in page
    assert "maryam-namdar-tilavat.pdf" in page


def test_a_round_that_is_not_blind_cannot_be_revealed(kish, secretariat):
    round_ = make_round(quran_call(), kish, status=Round.Status.CLOSED)
    with pytest.raises(InvalidMoveError):
        services.reveal(secretariat, round_)


# Review fixes: no reopening after the reveal, no links, numbers that say nothing ---------------------


def test_a_revealed_round_does_not_open_for_scoring_again(blind, secretariat, client_for):
    round_, _entry, _judges = blind
    services.close_scoring(secretariat, round_)
    services.reopen_scoring(secretariat, round_, "یک داور جا مانده بود")  # before the reveal: allowed
    services.close_scoring(secretariat, round_)
    services.reveal(secretariat, round_)
    with pytest.raises(InvalidMoveError) as refused:
        services.reopen_scoring(secretariat, round_, "دوباره")
    assert refused.value.messages == [str(services.REVEALED_STAYS_CLOSED)]
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED
    client = client_for(secretariat)
    page = client.get(reverse("contests:round", args=[round_.pk])).content.decode()
    assert reverse("contests:round-reopen", args=[round_.pk]) not in page
    assert "داوری بی‌نام، نام‌ها آشکار شده" in page
    assert "آغاز دوباره داوری" not in page  # no button to open scoring again
    response = client.post(reverse("contests:round-reopen", args=[round_.pk]), {"reason": "دوباره"})
    assert response.status_code == 200  # the form again, with the refusal
    assert Round.objects.get(pk=round_.pk).status == Round.Status.CLOSED


def test_a_blind_round_hides_the_portfolio_links(blind, kish, secretariat, client_for):
    round_, entry, (judge, _other) = blind
    Application.objects.filter(pk=entry.application_id).update(
        portfolio_links="https://www.youtube.com/@maryam-namdar-kish"
    )
    url = reverse("contests:judge-entry", args=[round_.pk, entry.number])
    page = client_for(judge).get(url).content.decode()
    assert "maryam-namdar-kish" not in page
    assert "links-hidden" in page
    services.close_scoring(secretariat, round_)
    services.reveal(secretariat, round_)
    Round.objects.filter(pk=round_.pk).update(status=Round.Status.SCORING)  # as if scored after the reveal
    assert "maryam-namdar-kish" in client_for(judge).get(url).content.decode()


def test_a_blind_round_draws_its_numbers_afresh_as_it_opens(kish, qeshm, secretariat):
    """Contestants carried in zone by zone would otherwise be numbered zone by zone."""
    call = quran_call()
    round_ = make_round(
        call, qeshm, stage=2, kind=Round.Kind.JOINT, blind=True, judges=panel(1), advance_rule="final"
    )
    entries = enter(round_, kish, 10) + enter(round_, qeshm, 10)
    assert [e.number for e in entries] == list(range(1, 21))
    draws = set()
    for _attempt in range(3):
        Round.objects.filter(pk=round_.pk).update(status=Round.Status.DRAFT)
        services.open_scoring(secretariat, round_)
        numbers = [Entry.objects.get(pk=e.pk).number for e in entries]
        assert len(set(numbers)) == 20
        assert all(1 <= n <= services.BLIND_NUMBERS_FROM for n in numbers)
        draws.add(tuple(numbers))
    assert len(draws) > 1  # random, not a fixed reordering
    assert tuple(range(1, 21)) not in draws


def test_a_contestant_carried_into_a_blind_round_gets_a_drawn_number(kish, secretariat):
    call = quran_call()
    final = make_round(call, kish, stage=2, kind=Round.Kind.JOINT, blind=True, advance_rule="final")
    (judge,) = panel(1)
    preliminary = make_round(call, kish, judges=[judge], status=Round.Status.SCORING, next_round=final)
    (entry,) = enter(preliminary, kish, 1)
    services.score_entry(judge, entry, {c.pk: 8 for c in preliminary.criteria.all()})
    services.close_scoring(secretariat, preliminary)
    Entry.objects.create(
        round=final, application=make_application(call, kish, discipline="quran"), number=1
    )  # one already there, numbered 1
    services.decide(secretariat, preliminary, anyway=True)
    carried = Entry.objects.get(round=final, came_from__isnull=False)
    assert carried.number != 1
    assert 1 <= carried.number <= services.BLIND_NUMBERS_FROM
