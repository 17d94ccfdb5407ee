import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import yaml
from django.utils import timezone

from events.models import Event
from talent.models import Application
from tests.factories import make_agreement, make_call, make_event, make_obligation

pytestmark = pytest.mark.django_db
TEHRAN = ZoneInfo("Asia/Tehran")


def place(event, moment):
    event.starts_at = moment
    event.ends_at = moment + dt.timedelta(hours=3)
    event.save()
    return event


@pytest.fixture
def calendar(kish, qeshm, anzali_zone):
    return {
        "kish_quran": place(
            make_event(kish, status="approved", category="quran", title="محفل قرآن کیش", description="تلاوت"),
            dt.datetime(2026, 12, 1, 18, tzinfo=TEHRAN),
        ),
        "qeshm_fair": place(
            make_event(
                qeshm, status="approved", category="export-fair", title="نمایشگاه صادرات", invite=(kish,)
            ),
            dt.datetime(2026, 12, 10, 10, tzinfo=TEHRAN),
        ),
        "anzali_held": place(
            make_event(anzali_zone, status="held", category="workshop", title="کارگاه عکاسی"),
            dt.datetime(2026, 11, 1, 9, tzinfo=TEHRAN),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zone=kish", {"kish_quran", "qeshm_fair"}),  # hosts one, takes part in the other
        ("zone=anzali", {"anzali_held"}),
        ("category=quran", {"kish_quran"}),
        ("status=held", {"anzali_held"}),
        ("starts_after=2026-12-01", {"kish_quran", "qeshm_fair"}),
        ("starts_after=2026-12-01T19:00:00%2B03:30", {"qeshm_fair"}),
        ("starts_before=2026-12-01", {"anzali_held"}),
        ("search=تلاوت", {"kish_quran"}),
        ("search=صادرات", {"qeshm_fair"}),
    ],
)
def test_every_event_filter(api_for, art_bureau_partner, calendar, query, expected):
    response = api_for(art_bureau_partner).get(f"/api/v1/events/?{query}")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {calendar[name].pk for name in expected}


def test_ordering_and_bad_filters(api_for, art_bureau_partner, calendar):
    client = api_for(art_bureau_partner)
    newest_first = [
        row["title"] for row in client.get("/api/v1/events/?ordering=-starts_at").json()["results"]
    ]
    assert newest_first == ["نمایشگاه صادرات", "محفل قرآن کیش", "کارگاه عکاسی"]
    bad = client.get("/api/v1/events/?starts_after=yesterday")
    assert bad.status_code == 400
    assert "starts_after" in bad.json()


def test_an_event_carries_the_contract_fields(api_for, art_bureau_partner, calendar, kish):
    event = calendar["qeshm_fair"]
    row = api_for(art_bureau_partner).get(f"/api/v1/events/{event.pk}/").json()
    assert row["status"] == "approved"
    assert (row["category"], row["host_zone"]) == ("export-fair", "qeshm")
    assert row["participating_zones"][0]["zone"] == "kish"
    assert row["participating_zones"][0]["answer"] == "invited"
    assert row["starts_at"] == "2026-12-10T10:00:00+03:30"
    assert {"co_organisers", "agreement", "ends_at", "description"} <= set(row)


def test_pagination_and_its_cap(api_for, art_bureau_partner, kish):
    for _ in range(105):
        make_event(kish, status="approved")
    client = api_for(art_bureau_partner)
    first = client.get("/api/v1/events/?page_size=5").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (105, 5, None)
    assert "page=2" in first["next"]
    capped = client.get("/api/v1/events/?page_size=1000").json()
    assert len(capped["results"]) == 100
    assert client.get("/api/v1/events/?page=99").status_code == 404


@pytest.mark.parametrize("page_size", [5, 100])
def test_event_list_queries_do_not_grow_with_the_page(
    api_for, art_bureau_partner, kish, qeshm, art_bureau, page_size, django_assert_num_queries
):
    for _ in range(100):
        event = make_event(kish, status="approved", invite=(qeshm,))
        event.co_organisers.add(art_bureau)
    client = api_for(art_bureau_partner)
    with django_assert_num_queries(7):
        assert client.get(f"/api/v1/events/?page_size={page_size}").status_code == 200


@pytest.mark.parametrize("page_size", [5, 100])
def test_agreement_list_queries_do_not_grow_with_the_page(
    api_for, secretariat, kish, art_bureau, page_size, django_assert_num_queries
):
    for _ in range(100):
        agreement = make_agreement(zones=[kish], institutions=[art_bureau])
        make_obligation(agreement, agreement.parties.get(kind="zone"))
    client = api_for(secretariat)
    with django_assert_num_queries(7):
        assert client.get(f"/api/v1/agreements/?page_size={page_size}").status_code == 200


@pytest.mark.parametrize("page_size", [5, 100])
def test_talent_call_list_queries_do_not_grow_with_the_page(
    api_for, art_bureau_partner, kish, page_size, django_assert_num_queries
):
    for index in range(100):
        make_call(title=f"فراخوان {index}", zones=[kish])
    client = api_for(art_bureau_partner)
    with django_assert_num_queries(7):
        assert client.get(f"/api/v1/talent-calls/?page_size={page_size}").status_code == 200


def test_an_institution_proposes_an_event(api_for, art_bureau_partner, art_bureau, qeshm, kish):
    start = timezone.now() + dt.timedelta(days=20)
    response = api_for(art_bureau_partner).post(
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
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.status, event.host_zone, list(event.co_organisers.all())) == (
        "submitted",
        qeshm,
        [art_bureau],
    )
    assert event.participations.get().invited_at is not None
    assert response.json()["status"] == "submitted"


def test_a_bad_proposal_gets_messages_per_field(api_for, art_bureau_partner):
    start = timezone.now() + dt.timedelta(days=20)
    response = api_for(art_bureau_partner).post(
        "/api/v1/events/",
        {
            "title": "",
            "category": "no-such-category",
            "host_zone": "qeshm",
            "participating_zones": ["qeshm"],
            "starts_at": start.isoformat(),
            "ends_at": start.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"title", "category"} <= set(response.json())
    fixed = api_for(art_bureau_partner).post(
        "/api/v1/events/",
        {
            "title": "الف",
            "category": "exhibition",
            "host_zone": "qeshm",
            "participating_zones": ["qeshm"],
            "starts_at": start.isoformat(),
            "ends_at": start.isoformat(),
        },
        format="json",
    )
    assert fixed.status_code == 400
    assert set(fixed.json()) == {"ends_at", "participating_zones"}
    assert not Event.objects.exists()


def test_an_institution_reports_an_obligation_done(api_for, art_bureau_partner, art_bureau, kish):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    obligation = make_obligation(agreement, agreement.parties.get(kind="institution"))
    client = api_for(art_bureau_partner)
    refused = client.patch(f"/api/v1/obligations/{obligation.pk}/", {"status": "done"}, format="json")
    assert refused.status_code == 400
    assert "evidence_note" in refused.json()
    done = client.patch(
        f"/api/v1/obligations/{obligation.pk}/",
        {"status": "done", "evidence_link": "https://hozehonari.example/report"},
        format="json",
    )
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    agreement_row = client.get(f"/api/v1/agreements/{agreement.pk}/").json()
    assert agreement_row["obligations"][0]["status"] == "done"
    assert {party["kind"] for party in agreement_row["parties"]} == {"secretariat", "zone", "institution"}


def test_a_nomination_goes_through_the_public_forms_checks(
    api_for, art_bureau_partner, art_bureau, kish, qeshm
):
    call = make_call(zones=[kish], max_age=30)
    client = api_for(art_bureau_partner)
    body = {
        "full_name": "رضا خوشنویس",
        "birth_date": "2001-02-03",
        "zone": "kish",
        "email": "reza@example.org",
        "discipline": "calligraphy",
        "statement": "نستعلیق",
        "portfolio_links": ["https://portfolio.example/reza"],
        "consent": True,
    }
    created = client.post(f"/api/v1/talent-calls/{call.pk}/nominations/", body, format="json")
    assert created.status_code == 201, created.content
    application = Application.objects.get(tracking_code=created.json()["tracking_code"])
    assert application.nominated_by == art_bureau
    again = client.post(f"/api/v1/talent-calls/{call.pk}/nominations/", body, format="json")
    assert again.status_code == 400
    assert "email" in again.json()
    elsewhere = client.post(
        f"/api/v1/talent-calls/{call.pk}/nominations/",
        {**body, "email": "x@example.org", "zone": "qeshm"},
        format="json",
    )
    assert set(elsewhere.json()) == {"zone"}
    closed = make_call(title="بسته", opens_in_days=-10, closes_in_days=-1)
    late = client.post(
        f"/api/v1/talent-calls/{closed.pk}/nominations/", {**body, "email": "y@example.org"}, format="json"
    )
    assert late.status_code == 400
    assert "non_field_errors" in late.json()


def test_talent_calls_show_public_fields_only(api_for, kish_deputy, kish):
    call = make_call(zones=[kish])
    make_call(title="پیش‌نویس", status="draft")
    rows = api_for(kish_deputy).get("/api/v1/talent-calls/").json()["results"]
    assert [row["id"] for row in rows] == [call.pk]
    assert set(rows[0]) == {
        "id",
        "title",
        "description",
        "disciplines",
        "eligible_zones",
        "min_age",
        "max_age",
        "opens_at",
        "closes_at",
        "phase",
        "criteria",
    }


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    import subprocess
    import sys

    from openapi_spec_validator import validate

    target = tmp_path / "schema.yml"
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(target)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr
    schema = yaml.safe_load(target.read_text())
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/zones/",
        "/api/v1/events/",
        "/api/v1/events/{id}/",
        "/api/v1/agreements/{id}/",
        "/api/v1/obligations/{id}/",
        "/api/v1/talent-calls/{id}/nominations/",
    ):
        assert path in paths, path
    parameters = {p["name"] for p in paths["/api/v1/events/"]["get"]["parameters"]}
    assert {
        "zone",
        "category",
        "status",
        "starts_after",
        "starts_before",
        "search",
        "ordering",
        "page",
        "page_size",
    } <= parameters
    assert {"400", "401", "403", "404", "429"} <= set(paths["/api/v1/events/"]["post"]["responses"])


def test_the_docs_are_served_by_the_portal(client_for, art_bureau_partner):
    import re

    from django.test import Client

    html = client_for(art_bureau_partner).get("/api/docs/").content.decode()
    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js))"', html)
    assert assets
    assert not [url for url in assets if url.startswith(("http://", "https://", "//"))]
    for url in assets:
        assert Client().get(url).status_code == 200, url
