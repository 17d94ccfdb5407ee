"""Issue 15: withdrawing asks first. The status page links to a confirmation page: GET shows what will be
withdrawn and changes nothing, only its POST withdraws (through the service, recorded); it works only in
the browser that proved, with the tracking code and the email, that the application is theirs."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_application, make_call

pytestmark = pytest.mark.django_db


def look_up(client, application, email="Narges@example.org"):
    return client.post(reverse("talent:status"), {"tracking_code": application.tracking_code, "email": email})


@pytest.fixture
def application(qeshm):
    return make_application(
        make_call(title="فراخوان خوشنویسی"), qeshm, email="narges@example.org", full_name="نرگس بندری"
    )


def test_the_status_page_only_links_to_the_confirmation(anonymous, application):
    url = reverse("talent:withdraw", args=[application.pk])
    page = look_up(anonymous, application).content.decode()
    assert f'href="{url}"' in page
    # The old one-click form is gone: posting its field to the status page withdraws nothing.
    anonymous.post(
        reverse("talent:status"),
        {"tracking_code": application.tracking_code, "email": "narges@example.org", "withdraw": "yes"},
    )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_get_asks_and_changes_nothing_post_withdraws_and_is_recorded(anonymous, application):
    look_up(anonymous, application)
    url = reverse("talent:withdraw", args=[application.pk])
    asked = anonymous.get(url)
    assert asked.status_code == 200
    html = asked.content.decode()
    assert "فراخوان خوشنویسی" in html
    assert application.tracking_code in html
    assert 'method="post"' in html
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not application.status_changes.exists()

    done = anonymous.post(url)
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"
    [change] = application.status_changes.all()
    assert (change.from_status, change.to_status) == ("submitted", "withdrawn")
    after = anonymous.get(done["Location"]).content.decode()
    assert "button danger" not in after  # nothing left to confirm
    assert application.get_status_display() in after


def test_without_looking_up_first_nothing_is_shown_or_withdrawn(application):
    stranger = Client()
    url = reverse("talent:withdraw", args=[application.pk])
    for response in (stranger.get(url), stranger.post(url)):
        assert response.status_code == 302
        assert response["Location"] == reverse("talent:status")
    assert "نرگس بندری" not in stranger.get(url, follow=True).content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_proving_one_application_does_not_open_another(anonymous, application, qeshm):
    other = make_application(application.call, qeshm, email="someone@example.org", full_name="دیگری")
    look_up(anonymous, application)
    response = anonymous.post(reverse("talent:withdraw", args=[other.pk]))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == "submitted"


def test_the_proof_runs_out(anonymous, application):
    look_up(anonymous, application)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        response = anonymous.post(reverse("talent:withdraw", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_decided_application_is_not_offered_and_a_post_is_refused_in_words(anonymous, qeshm):
    decided = make_application(make_call(), qeshm, email="narges@example.org", status="selected")
    look_up(anonymous, decided)
    url = reverse("talent:withdraw", args=[decided.pk])
    assert "button danger" not in anonymous.get(url).content.decode()
    refused = anonymous.post(url)
    assert refused.status_code == 200
    assert refused.content.decode().count("دیگر نمی‌توان از این درخواست انصراف داد.") == 1
    decided.refresh_from_db()
    assert decided.status == "selected"


def test_the_withdrawal_page_answers_only_get_and_post(anonymous, application):
    look_up(anonymous, application)
    assert anonymous.put(reverse("talent:withdraw", args=[application.pk])).status_code == 405
