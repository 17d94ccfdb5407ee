"""/api/v1/action-items/: scoped like obligations; the owner reports evidence and completes (JSON or
multipart); nothing of a meeting whose minutes are not circulated leaks."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coordination.models import ActionItem
from tests.factories import make_action_item, make_decision, make_meeting

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
URL = "/api/v1/action-items/"


@pytest.fixture
def world(kish, qeshm, art_bureau, kanoon):
    """Kish and the Art Bureau were invited to a meeting whose minutes are circulated; Kanoon was invited to
    one whose minutes are still being written (its item could leak to anyone but the secretariat)."""
    decision = make_decision(
        make_meeting(zones=[kish], institutions=[art_bureau], days_ahead=-3, status="in_comment")
    )
    draft = make_decision(make_meeting(institutions=[kanoon], days_ahead=-1, status="held"))
    return {
        "kish_owes": make_action_item(decision, zone=kish),
        "art_owes": make_action_item(decision, institution=art_bureau),
        "qeshm_owes": make_action_item(decision, zone=qeshm),
        "kanoon_draft": make_action_item(draft, institution=kanoon),
        "dropped": make_action_item(decision, zone=kish, status="dropped", drop_reason="منتفی"),
    }


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


# Who sees what: the secretariat everything not dropped; invitees the circulated meeting's; an owner not
# invited only its own; nobody but the secretariat the draft meeting's.
SEES = {
    "secretariat": {"kish_owes", "art_owes", "qeshm_owes", "kanoon_draft"},
    "kish_deputy": {"kish_owes", "art_owes", "qeshm_owes"},
    "art_bureau_partner": {"kish_owes", "art_owes", "qeshm_owes"},
    "qeshm_deputy": {"qeshm_owes"},
    "kanoon_partner": set(),
}


@pytest.mark.parametrize("role", list(SEES))
def test_the_list_is_scoped(request, api_for, world, role):
    response = api_for(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 200
    assert _ids(response) == {world[name].pk for name in SEES[role]}
    for name in set(world) - SEES[role] - {"dropped"}:
        assert api_for(request.getfixturevalue(role)).get(f"{URL}{world[name].pk}/").status_code == 404


def test_anonymous_gets_401(api_for, world):
    assert api_for(None).get(URL).status_code == 401
    assert (
        api_for(None)
        .patch(f"{URL}{world['kish_owes'].pk}/", {"evidence_note": "x"}, format="json")
        .status_code
        == 401
    )


def test_filters_by_status_zone_and_due_range(api_for, secretariat, world):
    client = api_for(secretariat)
    assert _ids(client.get(URL, {"zone": "qeshm"})) == {world["qeshm_owes"].pk}
    assert _ids(client.get(URL, {"status": "dropped"})) == {world["dropped"].pk}
    assert _ids(client.get(URL, {"due_after": "2100-01-01"})) == set()
    assert client.get(URL, {"due_after": "not a date"}).status_code == 400


def test_the_list_costs_the_same_at_two_sizes(api_for, kish_deputy, kish, world, django_assert_num_queries):
    client = api_for(kish_deputy)
    client.get(URL)
    with django_assert_num_queries(4):
        client.get(URL)
    for _number in range(10):
        make_action_item(world["kish_owes"].decision, zone=kish)
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert response.json()["count"] == 13


# PATCH: only what the caller owes; 403 on a visible item it does not owe; 404 outside its sight.
PATCHES = {
    "kish_deputy": {"kish_owes": 200, "art_owes": 403, "qeshm_owes": 403, "kanoon_draft": 404},
    "art_bureau_partner": {"art_owes": 200, "kish_owes": 403, "kanoon_draft": 404},
    "qeshm_deputy": {"qeshm_owes": 200, "kish_owes": 404},
    "kanoon_partner": {"kanoon_draft": 404},
    "secretariat": {"kish_owes": 403},  # the secretariat reads the API
}


@pytest.mark.parametrize("role", list(PATCHES))
def test_reports_by_role(request, api_for, world, role):
    client = api_for(request.getfixturevalue(role))
    for name, expected in PATCHES[role].items():
        response = client.patch(f"{URL}{world[name].pk}/", {"evidence_note": "گزارش"}, format="json")
        assert response.status_code == expected, (name, response.content)
        assert ActionItem.objects.get(pk=world[name].pk).evidence_note == ("گزارش" if expected == 200 else "")


def test_complete_needs_evidence_then_marks_done(api_for, kish_deputy, world):
    client = api_for(kish_deputy)
    url = f"{URL}{world['kish_owes'].pk}/"
    refused = client.patch(url, {"complete": True}, format="json")
    assert refused.status_code == 400
    assert "evidence_note" in refused.json()
    done = client.patch(url, {"complete": True, "evidence_link": "https://kish.ir/report"}, format="json")
    assert done.status_code == 200
    assert done.json()["status"] == "done"
    assert done.json()["evidence_link"] == "https://kish.ir/report"


def test_multipart_file_is_judged_by_content(api_for, kish_deputy, world):
    client = api_for(kish_deputy)
    url = f"{URL}{world['kish_owes'].pk}/"
    bad = client.patch(
        url,
        {"evidence_file": SimpleUploadedFile("r.pdf", b"not a pdf"), "complete": "true"},
        format="multipart",
    )
    assert bad.status_code == 400
    assert "evidence_file" in bad.json()
    good = client.patch(
        url, {"evidence_file": SimpleUploadedFile("r.pdf", PDF), "complete": "true"}, format="multipart"
    )
    assert good.status_code == 200
    assert good.json()["has_evidence_file"]
    assert good.json()["status"] == "done"


def test_a_read_only_key_cannot_report(api_for, kish_deputy, world):
    response = api_for(kish_deputy, write_enabled=False).patch(
        f"{URL}{world['kish_owes'].pk}/", {"evidence_note": "x"}, format="json"
    )
    assert response.status_code == 403


def test_an_empty_report_is_refused(api_for, kish_deputy, world):
    response = api_for(kish_deputy).patch(f"{URL}{world['kish_owes'].pk}/", {}, format="json")
    assert response.status_code == 400


def test_a_meeting_one_does_not_see_filters_to_nothing_not_a_400(api_for, kish_deputy, world):
    """The schema promises an integer: an id that names no meeting of theirs gives an empty list, and the
    same as a meeting that exists but is not theirs (Kanoon's), so an id tells nothing."""
    hidden = world["kanoon_draft"].decision.meeting_id
    for meeting in (0, hidden):
        response = api_for(kish_deputy).get("/api/v1/action-items/", {"meeting": meeting})
        assert response.status_code == 200
        assert response.json()["results"] == []
    assert api_for(kish_deputy).get("/api/v1/action-items/", {"meeting": "x"}).status_code == 400
