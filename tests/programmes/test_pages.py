"""The programme pages: who sees which programme, the secretariat's view of every zone for a year (those
not started among them), the zone's drafting, the two-step sign-in before deciding, and the comparison."""

import pytest
from django.urls import reverse
from django.utils import translation

from programmes import services
from programmes.calendar import quarter_name
from tests.programmes.helpers import make_activity, make_programme, make_year
from zones_portal.models import Zone

pytestmark = pytest.mark.django_db


def test_a_zone_sees_only_its_own_programme_and_institutions_none(
    client_for, kish, qeshm, kish_deputy, qeshm_deputy, art_bureau_partner
):
    year = make_year()
    mine = make_programme(kish, year)
    theirs = make_programme(qeshm, year, summary="برنامه محرمانه قشم")
    make_activity(theirs, title="فعالیت قشم")
    kish_client = client_for(kish_deputy)
    assert kish_client.get(reverse("programmes:detail", args=[mine.pk])).status_code == 200
    assert kish_client.get(reverse("programmes:detail", args=[theirs.pk])).status_code == 404
    listing = kish_client.get(reverse("programmes:list")).content.decode()
    assert "فعالیت قشم" not in listing
    assert reverse("programmes:detail", args=[theirs.pk]) not in listing
    partner = client_for(art_bureau_partner)
    assert partner.get(reverse("programmes:list")).status_code == 403
    assert partner.get(reverse("programmes:detail", args=[theirs.pk])).status_code == 404
    assert client_for(qeshm_deputy).get(reverse("programmes:detail", args=[theirs.pk])).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(anonymous, kish):
    programme = make_programme(kish)
    response = anonymous.get(reverse("programmes:detail", args=[programme.pk]))
    assert response.status_code == 302
    assert "login" in response.url


def test_the_secretariat_sees_every_zone_for_the_year_with_those_not_started(
    client_for, secretariat, kish, qeshm, django_assert_num_queries
):
    year = make_year()
    programme = make_programme(kish, year, status="submitted")
    make_activity(programme, budget_zone=1_000_000)
    client = client_for(secretariat)
    client.get(reverse("programmes:list"))  # warm the session and the user's scope
    with django_assert_num_queries(6) as small:
        page = client.get(reverse("programmes:list"), {"year": 1405})
    body = page.content.decode()
    assert kish.name_fa in body
    assert qeshm.name_fa in body
    with translation.override("fa"):
        assert translation.gettext("Not started") in body
    for zone in Zone.objects.exclude(pk=kish.pk)[:3]:
        make_activity(make_programme(zone, year, status="approved"))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("programmes:list"), {"year": 1405})


def test_the_zone_drafts_on_the_page_and_its_deputy_submits(client_for, kish, kish_deputy):
    year = make_year()
    client = client_for(kish_deputy)
    response = client.post(reverse("programmes:create", args=[year.year]), {"summary": "سال فرهنگ"})
    programme = kish.programmes.get()
    assert response.url == reverse("programmes:detail", args=[programme.pk])
    from events.models import EventCategory

    category = EventCategory.objects.get(slug="festival")
    response = client.post(
        reverse("programmes:activity-create", args=[programme.pk]),
        {
            "title": "جشنواره تابستانی",
            "category": category.pk,
            "quarter": "2",
            "month": "5",
            "expected_audience": "۱۲۰۰",
            "budget_zone": "۵۰۰۰۰۰۰۰",
            "budget_secretariat": "0",
            "budget_partner": "0",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    activity = programme.activities.get()
    assert (activity.month, activity.expected_audience, activity.budget_zone) == (5, 1200, 50_000_000)
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    with translation.override("fa"):
        summer = quarter_name(2)
    assert "جشنواره تابستانی" in page
    assert summer in page
    assert "مرداد" in page
    assert "۵۰٬۰۰۰٬۰۰۰" in page
    client.post(reverse("programmes:submit", args=[programme.pk]))
    programme.refresh_from_db()
    assert programme.status == "submitted"


def test_a_month_outside_the_quarter_is_shown_on_the_form(client_for, kish, kish_deputy):
    from events.models import EventCategory

    programme = make_programme(kish)
    response = client_for(kish_deputy).post(
        reverse("programmes:activity-create", args=[programme.pk]),
        {
            "title": "x",
            "category": EventCategory.objects.first().pk,
            "quarter": "1",
            "month": "7",
            "expected_audience": "0",
            "budget_zone": "0",
            "budget_secretariat": "0",
            "budget_partner": "0",
        },
    )
    assert response.status_code == 200
    assert not programme.activities.exists()


def test_deciding_asks_the_secretariat_for_the_second_step(secretariat, kish, kish_deputy, client_for):
    from django.test import Client

    programme = make_programme(kish)
    make_activity(programme)
    services.submit_programme(kish_deputy, programme)
    unverified = Client()
    unverified.force_login(secretariat)
    response = unverified.post(reverse("programmes:return", args=[programme.pk]), {"comment": "اصلاح شود"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/")
    programme.refresh_from_db()
    assert programme.status == "submitted"
    assert client_for(kish_deputy).post(reverse("programmes:approve", args=[programme.pk])).status_code == 403
    client = client_for(secretariat)
    response = client.post(reverse("programmes:return", args=[programme.pk]), {"comment": ""})
    assert response.status_code == 200  # the comment is required
    client.post(reverse("programmes:return", args=[programme.pk]), {"comment": "بودجه را اصلاح کنید"})
    programme.refresh_from_db()
    assert programme.status == "returned"
    page = client_for(kish_deputy).get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert "بودجه را اصلاح کنید" in page


def test_the_comparison_page_shows_what_changed_between_submitted_and_approved(
    client_for, kish, kish_deputy, secretariat
):
    programme = make_programme(kish)
    kept = make_activity(programme, title="کارگاه عکاسی", budget_zone=100)
    dropped = make_activity(programme, title="شب شعر")
    services.submit_programme(kish_deputy, programme)
    services.return_programme(secretariat, programme, "شب شعر حذف شود")
    services.delete_activity(kish_deputy, dropped)
    services.update_activity(kish_deputy, kept, quarter=3)
    services.submit_programme(kish_deputy, programme)
    services.approve_programme(secretariat, programme)
    page = client_for(kish_deputy).get(reverse("programmes:compare", args=[programme.pk]), {"a": 1, "b": 3})
    body = page.content.decode()
    with translation.override("fa"):
        spring, autumn = quarter_name(1), quarter_name(3)
    assert "شب شعر" in body
    assert "<del>" in body
    assert spring in body
    assert autumn in body
    assert (
        client_for(kish_deputy).get(reverse("programmes:version", args=[programme.pk, 9])).status_code == 404
    )


def test_the_comparison_shows_by_default_what_the_review_changed(client_for, kish, kish_deputy, secretariat):
    """After a return the resubmitted revision and its approval are the same (v2, v3): the default
    compares the first submission with the approved one."""
    programme = make_programme(kish)
    dropped = make_activity(programme, title="شب شعر")
    make_activity(programme, title="کارگاه عکاسی")
    services.submit_programme(kish_deputy, programme)
    services.return_programme(secretariat, programme, "شب شعر حذف شود")
    services.delete_activity(kish_deputy, dropped)
    services.submit_programme(kish_deputy, programme)
    services.approve_programme(secretariat, programme)
    page = client_for(kish_deputy).get(reverse("programmes:compare", args=[programme.pk]))
    assert (page.context["comparison"].older.number, page.context["comparison"].newer.number) == (1, 3)
    body = page.content.decode()
    assert "<del>شب شعر</del>" in body
    with translation.override("fa"):
        assert translation.gettext("Nothing changed between these versions.") not in body


def test_an_empty_programme_offers_no_submit_and_says_why(client_for, kish, kish_deputy):
    programme = make_programme(kish)
    client = client_for(kish_deputy)
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    submit = reverse("programmes:submit", args=[programme.pk])
    assert submit not in page
    assert 'id="submit-waits"' in page
    make_activity(programme)
    page = client.get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert submit in page
    assert 'id="submit-waits"' not in page


def test_the_year_switcher_and_activity_tables_are_built_for_a_phone(
    client_for, kish, kish_deputy, secretariat
):
    make_year(1406, due_on=None)
    programme = make_programme(kish, make_year())
    make_activity(programme, title="کارگاه عکاسی")
    listing = client_for(secretariat).get(reverse("programmes:list"), {"year": 1405}).content.decode()
    switcher = listing[
        listing.index('<nav class="filters"') : listing.index("</nav>", listing.index('<nav class="filters"'))
    ]
    assert 'class="button primary" href="?year=1405" aria-current="page">۱۴۰۵</a>' in switcher
    assert 'class="button" href="?year=1406">۱۴۰۶</a>' in switcher
    assert "css/programmes-exports.css" in listing
    page = client_for(kish_deputy).get(reverse("programmes:detail", args=[programme.pk])).content.decode()
    assert '<table class="table stacked activity-rows">' in page
    assert "css/programmes-exports.css" in page
