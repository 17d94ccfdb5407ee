"""The admin's search box of every searchable model goes through the normaliser."""

from __future__ import annotations

import re

import pytest

from talent.models import Artist
from tests.exports.register_world import make_business, make_deal
from tests.factories import make_agreement, make_call, make_meeting

pytestmark = pytest.mark.django_db


def rows(html: str) -> str:
    return re.search(r'<table id="result_list".*?</table>', html, re.S)[0]


@pytest.mark.parametrize(
    ("path", "make", "stored", "typed"),
    [
        ("/admin/agreements/agreement/", lambda t: make_agreement(title=t), "تفاهم‌نامه كنسرت", "کنسرت"),
        ("/admin/talent/talentcall/", lambda t: make_call(title=t), "فراخوان کنسرت", "كنسرت"),
        ("/admin/coordination/meeting/", lambda t: make_meeting(title=t), "نشست می‌رود", "می رود"),
        ("/admin/talent/artist/", None, "علي كريمي", "علی کریمی"),
        ("/admin/exports/creativebusiness/", None, "کارگاه كتاب", "کتـــاب"),
        ("/admin/exports/exportdeal/", None, "كارگاه سفال", "سفال"),
    ],
)
def test_the_admin_search_finds_every_spelling(client_for, secretariat, kish, path, make, stored, typed):
    if path.endswith("artist/"):
        Artist.objects.create(full_name=stored, zone=kish)
        Artist.objects.create(full_name="زهرا محمدی", zone=kish)
    elif path.endswith("creativebusiness/"):
        make_business(kish, name=stored)
        make_business(kish, name="کارگاه فرش")
    elif path.endswith("exportdeal/"):
        make_deal(make_business(kish, name=stored), product="ظرف")
        make_deal(make_business(kish, name="کارگاه فرش"), product="قالیچه")
    else:
        make(stored)
        make("رکورد دیگر")
    response = client_for(secretariat).get(path, {"q": typed})
    assert response.status_code == 200
    table = rows(response.content.decode())
    assert table.count("<tr") == 2, table  # the header and the one match


def test_the_admin_keeps_its_own_search_for_fields_outside_the_search_text(client_for, secretariat, kish):
    Artist.objects.create(full_name="علی کریمی", zone=kish, email="ali@example.org")
    Artist.objects.create(full_name="زهرا محمدی", zone=kish, email="zahra@example.org")
    table = rows(client_for(secretariat).get("/admin/talent/artist/", {"q": "zahra@"}).content.decode())
    assert table.count("<tr") == 2
    assert "زهرا محمدی" in table
