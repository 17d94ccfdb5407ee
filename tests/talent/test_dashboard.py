import pytest
from django.urls import reverse

from talent.models import Artist, Discipline
from tests.factories import UserFactory, make_application, make_call

pytestmark = pytest.mark.django_db


def test_a_deputy_sees_the_calls_open_to_their_zone_with_their_zones_count(
    client_for, kish_deputy, kish, qeshm
):
    for_kish = make_call(title="برای کیش و قشم", zones=[kish, qeshm])
    make_call(title="فقط قشم", zones=[qeshm])
    make_call(title="همه مناطق")
    make_application(for_kish, kish)
    make_application(for_kish, kish)
    make_application(for_kish, qeshm)
    html = client_for(kish_deputy).get(reverse("talent:zone-calls")).content.decode()
    assert "برای کیش و قشم" in html
    assert "همه مناطق" in html
    assert "فقط قشم" not in html
    row = html[html.index("برای کیش و قشم") :]
    row = row[: row.index("</tr>")]
    assert "<td>2</td>" in row  # from Kish
    assert "<td>3</td>" in row  # in all


def test_the_network_filters_by_zone_and_discipline_and_guards_contacts(
    client_for, kish_deputy, qeshm_deputy, kish, qeshm
):
    painter = Artist.objects.create(full_name="نقاش کیشی", zone=kish, email="painter@example.org")
    painter.disciplines.add(Discipline.objects.get(slug="painting"))
    singer = Artist.objects.create(full_name="خواننده قشمی", zone=qeshm, email="singer@example.org")
    singer.disciplines.add(Discipline.objects.get(slug="music"))
    kish_view = client_for(kish_deputy).get(reverse("talent:network")).content.decode()
    assert "painter@example.org" in kish_view  # their own zone's artist
    assert "singer@example.org" not in kish_view  # another zone's: through the secretariat
    assert "خواننده قشمی" in kish_view
    filtered = (
        client_for(qeshm_deputy).get(reverse("talent:network") + "?discipline=painting").content.decode()
    )
    assert ("نقاش کیشی" in filtered, "خواننده قشمی" in filtered) == (True, False)
    by_zone = client_for(qeshm_deputy).get(reverse("talent:network") + "?zone=qeshm").content.decode()
    assert ("نقاش کیشی" in by_zone, "خواننده قشمی" in by_zone) == (False, True)


def test_the_network_is_not_public(anonymous, client_for):
    assert anonymous.get(reverse("talent:network")).status_code == 302
    assert client_for(UserFactory()).get(reverse("talent:network")).status_code == 403


@pytest.mark.parametrize("count", [5, 200])
def test_the_network_runs_a_fixed_number_of_queries(
    client_for, kish_deputy, kish, qeshm, count, django_assert_num_queries
):
    painting = Discipline.objects.get(slug="painting")
    for index in range(count):
        artist = Artist.objects.create(full_name=f"هنرمند {index}", zone=[kish, qeshm][index % 2])
        artist.disciplines.add(painting)
    client = client_for(kish_deputy)
    client.get(reverse("talent:network"))
    with django_assert_num_queries(7):
        assert client.get(reverse("talent:network")).status_code == 200


@pytest.mark.parametrize("count", [5, 200])
def test_the_zone_calls_page_runs_a_fixed_number_of_queries(
    client_for, kish_deputy, kish, count, django_assert_num_queries
):
    calls = [make_call(title=f"فراخوان {i}", zones=[kish]) for i in range(3)]
    for index in range(count):
        make_application(calls[index % 3], kish)
    client = client_for(kish_deputy)
    client.get(reverse("talent:zone-calls"))
    with django_assert_num_queries(7):
        assert client.get(reverse("talent:zone-calls")).status_code == 200
