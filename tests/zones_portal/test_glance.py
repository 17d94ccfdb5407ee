"""The home page's at-a-glance panels: what waits for the reader, counted, linked."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import (
    UserFactory,
    make_agreement,
    make_application,
    make_call,
    make_event,
    make_obligation,
)

pytestmark = pytest.mark.django_db


def panels(client):
    response = client.get(reverse("home"))
    return {panel.title: panel.count for panel in response.context["panels"]}


def test_a_deputy_sees_what_waits_for_their_zone(client_for, kish_deputy, kish, qeshm):
    make_event(qeshm, status="approved", invite=(kish,))
    make_event(kish, status="held", starts_in_days=-3)
    make_event(kish, status="approved")
    make_event(qeshm, status="held", starts_in_days=-3)  # another zone's report: not Kish's
    agreement = make_agreement(zones=[kish])
    make_obligation(agreement, agreement.parties.get(kind="zone"), due_in_days=-2)
    make_obligation(agreement, agreement.parties.get(kind="zone"), due_in_days=10)
    shown = panels(client_for(kish_deputy))
    assert shown == {
        "دعوت‌های بی‌پاسخ": 1,
        "گزارش‌های ثبت‌نشده": 1,
        "رویدادهای پیش رو": 1,
        "تعهدات سررسیدگذشته": 1,
        "تعهدات تا ۳۰ روز آینده": 1,
        "اقدامات سررسیدگذشته": 0,
        "اقدامات بر عهده ما": 0,
        "بخشنامه‌های در انتظار اعلام رویت": 0,
    }


def test_the_secretariat_and_a_juror_see_their_own_work(client_for, secretariat, kish):
    make_event(kish, status="submitted")
    assert panels(client_for(secretariat))["رویدادهای در انتظار تصمیم شما"] == 1
    juror = UserFactory(username="juror-glance")
    make_application(make_call(jurors=[juror]), kish)
    assert panels(client_for(juror)) == {"درخواست‌های در انتظار امتیاز شما": 1}


@pytest.mark.parametrize("count", [5, 100])
def test_the_home_page_costs_the_same_whatever_the_numbers(
    client_for, kish_deputy, kish, qeshm, count, django_assert_num_queries
):
    for _ in range(count):
        make_event(qeshm, status="approved", invite=(kish,))
        make_event(kish, status="held", starts_in_days=-3)
    client = client_for(kish_deputy)
    client.get(reverse("home"))
    cache.clear()  # the page as built: once counted, panels are kept (zones_portal.glance)
    with django_assert_num_queries(18):  # 9 for the cards, one per section of rows (issue 15), 5 for the desk
        assert client.get(reverse("home")).status_code == 200
