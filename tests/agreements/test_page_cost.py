"""The agreements page after years of use: a page of what is owed and a page of agreements, each page
costing the same number of queries however many there are, and the pager reaching the rest."""

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from agreements.models import Obligation, Party
from agreements.views import PAGE_SIZE
from tests.factories import make_agreement

pytestmark = pytest.mark.django_db


def section(html, key):
    start = html.index(f'<section class="card" id="{key}">')
    return html[start : html.index("</section>", start)]


def owed_rows(html):
    return re.findall(r"<tr(?: class=\"overdue\")?>\s*<td>([^<]+)</td>", section(html, "owed"))


def agreement_rows(html):
    return re.findall(r'<td><a href="/agreements/\d+/">([^<]+)</a></td>', section(html, "agreements"))


def years_of_agreements(kish, art_bureau, count):
    """``count`` agreements Kish, the Art Bureau and the secretariat are party to, each with one
    obligation for each party (one in three of them done), due a day apart."""
    today = timezone.localdate()
    for index in range(count):
        agreement = make_agreement(zones=[kish], institutions=[art_bureau], title=f"تفاهم‌نامه {index:03d}")
        Obligation.objects.bulk_create(
            Obligation(
                agreement=agreement,
                party=party,
                description="تعهد " * 300,
                due_on=today + dt.timedelta(days=index - count // 2),
                status="done" if index % 3 == 0 else "pending",
                evidence_note="سند" if index % 3 == 0 else "",
            )
            for party in Party.objects.filter(agreement=agreement)
        )


@pytest.mark.parametrize("count", [5, 200])
@pytest.mark.parametrize("person", ["kish_deputy", "secretariat"])
def test_the_agreements_page_costs_the_same_and_shows_a_page_of_each_section(
    client_for, request, person, kish, art_bureau, count, django_assert_num_queries
):
    years_of_agreements(kish, art_bureau, count)
    client = client_for(request.getfixturevalue(person))
    client.get(reverse("agreements:list"))
    # Session, person, scope (with the menu's jury link); what is owed: count and page; agreements:
    # count, page and their parties; the bell.
    cache.clear()  # the page as built: once built, its content is kept (zones_portal.fragments)
    with django_assert_num_queries(9):
        response = client.get(reverse("agreements:list"))
    html = response.content.decode()
    assert len(owed_rows(html)) == min(count, PAGE_SIZE)
    assert len(agreement_rows(html)) == min(count, PAGE_SIZE)


def test_what_is_owed_reads_overdue_then_next_due_then_done_latest_first(client_for, kish_deputy, kish):
    agreement = make_agreement(zones=[kish])
    party = agreement.parties.get(kind="zone")
    today = timezone.localdate()
    for name, due_in_days, status in [
        ("انجام‌شده قدیمی", -900, "done"),
        ("انجام‌شده تازه", -3, "done"),
        ("سررسید دور", 40, "pending"),
        ("دیرکرد", -10, "pending"),
        ("سررسید نزدیک", 2, "in_progress"),
    ]:
        Obligation.objects.create(
            agreement=agreement,
            party=party,
            description=name,
            due_on=today + dt.timedelta(days=due_in_days),
            status=status,
            evidence_note="سند" if status == "done" else "",
        )
    html = client_for(kish_deputy).get(reverse("agreements:list")).content.decode()
    assert owed_rows(html) == ["دیرکرد", "سررسید نزدیک", "سررسید دور", "انجام‌شده تازه", "انجام‌شده قدیمی"]


def test_the_pagers_reach_the_rest_and_keep_each_other(client_for, kish_deputy, kish, art_bureau):
    years_of_agreements(kish, art_bureau, PAGE_SIZE + 3)
    client = client_for(kish_deputy)
    url = reverse("agreements:list")
    first = client.get(url).content.decode()
    assert '<span class="count">۲۸</span>' in section(first, "owed")  # in the reader's digits
    second = client.get(url, {"owed-page": 2, "agreements-page": 2}).content.decode()
    assert len(owed_rows(second)) == 3
    assert len(agreement_rows(second)) == 3
    titles = agreement_rows(first) + agreement_rows(second)
    assert len(set(titles)) == PAGE_SIZE + 3
    assert 'href="?agreements-page=2#owed" rel="prev"' in section(second, "owed")
    assert 'href="?owed-page=2#agreements" rel="prev"' in section(second, "agreements")
    # The long text of what is owed is cut on the list, as before.
    assert all(len(text) <= 120 for text in owed_rows(first))


# Kept content (zones_portal.fragments): a repeat costs the top bar; a change shows at once; one scope's
# page never reaches another.


def test_a_repeat_of_the_agreements_page_costs_only_its_top_bar(
    client_for, kish_deputy, kish, art_bureau, django_assert_num_queries
):
    years_of_agreements(kish, art_bureau, 5)
    client = client_for(kish_deputy)
    first = client.get(reverse("agreements:list")).content.decode()
    with django_assert_num_queries(3):  # session, person, scope with the jury link (the bell is cached)
        again = client.get(reverse("agreements:list")).content.decode()
    assert owed_rows(again) == owed_rows(first)


def test_a_reported_obligation_shows_on_the_kept_page_at_once(client_for, kish_deputy, kish):
    from agreements import services

    agreement = make_agreement(zones=[kish])
    obligation = Obligation.objects.create(
        agreement=agreement,
        party=agreement.parties.get(kind="zone"),
        description="گزارش نمایشگاه",
        due_on=timezone.localdate() + dt.timedelta(days=5),
    )
    client = client_for(kish_deputy)
    assert "obligation-pending" in section(client.get(reverse("agreements:list")).content.decode(), "owed")
    services.report_obligation(kish_deputy, obligation, status="in_progress", evidence_note="در جریان")
    assert "obligation-in_progress" in section(
        client.get(reverse("agreements:list")).content.decode(), "owed"
    )


def test_a_deputy_never_gets_another_scopes_kept_agreements_page(
    client_for, secretariat, kish_deputy, qeshm_deputy, kish, qeshm
):
    kish_only = make_agreement(zones=[kish], title="تفاهم‌نامه کیش")
    zone_party = kish_only.parties.get(kind="zone")
    Obligation.objects.create(
        agreement=kish_only, party=zone_party, description="تعهد کیش", due_on=timezone.localdate()
    )
    assert "تفاهم‌نامه کیش" in client_for(secretariat).get(reverse("agreements:list")).content.decode()
    assert "تعهد کیش" in client_for(kish_deputy).get(reverse("agreements:list")).content.decode()
    qeshms = client_for(qeshm_deputy).get(reverse("agreements:list")).content.decode()
    assert "تفاهم‌نامه کیش" not in qeshms
    assert "تعهد کیش" not in qeshms
