import pytest
from django.urls import reverse

from zones_portal.models import User

pytestmark = pytest.mark.django_db


def test_the_secretariat_uses_the_admin_in_persian(client_for, secretariat):
    client = client_for(secretariat)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()
    for name in ("zones_portal_zone", "zones_portal_institution", "zones_portal_user"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_the_user_list_names_each_persons_zone(
    client_for, secretariat, kish_deputy, django_assert_max_num_queries
):
    client = client_for(secretariat)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:zones_portal_user_changelist"))
    assert "کیش" in response.content.decode()


@pytest.mark.parametrize("who", ["kish_deputy", "art_bureau_partner"])
def test_deputies_and_partners_do_not_reach_the_admin(request, client_for, who):
    user = request.getfixturevalue(who)
    user.is_staff = True  # even a wrongly set staff flag does not open it
    user.save()
    response = client_for(user).get(reverse("admin:zones_portal_zone_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_secretariat_member_cannot_make_a_superuser(client_for, secretariat, kish_deputy):
    client = client_for(secretariat)
    url = reverse("admin:zones_portal_user_change", args=[kish_deputy.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page
    assert User.objects.filter(is_superuser=True).count() == 0


def test_the_secretariat_adds_a_deputy_with_membership_inline(client_for, secretariat, qeshm):
    client = client_for(secretariat)
    response = client.post(
        reverse("admin:zones_portal_user_add"),
        {
            "username": "new-deputy",
            "usable_password": "true",
            "password1": "Zx9!long-enough-pass",
            "password2": "Zx9!long-enough-pass",
            "membership-TOTAL_FORMS": "0",
            "membership-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(username="new-deputy")
    change = reverse("admin:zones_portal_user_change", args=[user.pk])
    form = {
        "username": "new-deputy",
        "first_name": "نرگس",
        "last_name": "قشمی",
        "email": "n@example.org",
        "language": "fa",
        "is_active": "on",
        "date_joined_0": "2026-11-28",
        "date_joined_1": "10:00:00",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-role": "deputy",
        "membership-0-zone": str(qeshm.pk),
        "membership-0-institution": "",
        "membership-0-job_title": "",
        "membership-0-user": str(user.pk),
    }
    response = client.post(change, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.membership.zone == qeshm


def test_an_inconsistent_membership_is_refused_in_the_admin(client_for, secretariat, art_bureau):
    client = client_for(secretariat)
    user = User.objects.create_user("someone")
    change = reverse("admin:zones_portal_user_change", args=[user.pk])
    form = {
        "username": "someone",
        "language": "fa",
        "is_active": "on",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "0",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-role": "deputy",
        "membership-0-zone": "",
        "membership-0-institution": str(art_bureau.pk),
        "membership-0-user": str(user.pk),
    }
    response = client.post(change, form)
    assert response.status_code == 200
    assert not hasattr(User.objects.get(pk=user.pk), "membership")
