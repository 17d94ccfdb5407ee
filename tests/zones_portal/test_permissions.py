"""Who may see and change zones and institutions, decided by zones_portal.permissions alone."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tests.factories import UserFactory, zone_user
from zones_portal import permissions, services
from zones_portal.models import Institution, Membership, Zone

pytestmark = pytest.mark.django_db


def test_a_kish_deputy_cannot_change_a_qeshm_record(kish_deputy, kish, qeshm):
    assert permissions.can_change_zone(kish_deputy, kish.pk)
    assert not permissions.can_change_zone(kish_deputy, qeshm.pk)
    assert list(Zone.objects.editable_by(kish_deputy)) == [kish]
    with pytest.raises(PermissionDenied):
        services.update_zone_contacts(kish_deputy, qeshm, phone="076-1234")
    qeshm.refresh_from_db()
    assert qeshm.phone == ""


def test_a_deputy_changes_their_own_zone(kish_deputy, kish):
    services.update_zone_contacts(kish_deputy, kish, phone="076-4445-0000", email="culture@kish.example")
    kish.refresh_from_db()
    assert (kish.phone, kish.email) == ("076-4445-0000", "culture@kish.example")


def test_zone_staff_act_for_their_zone_but_do_not_edit_its_details(kish, qeshm):
    staff = zone_user(kish, role=Membership.Role.ZONE_STAFF)
    assert permissions.acts_for_zone(staff, kish.pk)
    assert not permissions.acts_for_zone(staff, qeshm.pk)
    assert not permissions.can_change_zone(staff, kish.pk)
    assert not Zone.objects.editable_by(staff).exists()


def test_the_secretariat_changes_any_zone(secretariat, qeshm):
    assert permissions.is_secretariat(secretariat)
    assert Zone.objects.editable_by(secretariat).count() == 7
    services.update_zone_contacts(secretariat, qeshm, website="https://qeshm.example")
    qeshm.refresh_from_db()
    assert qeshm.website == "https://qeshm.example"


@pytest.mark.parametrize("who", ["art_bureau_partner", "anonymous_user", "no_membership"])
def test_outsiders_change_no_zone(request, who, kish):
    user = {
        "art_bureau_partner": lambda: request.getfixturevalue("art_bureau_partner"),
        "anonymous_user": AnonymousUser,
        "no_membership": UserFactory,
    }[who]()
    assert not permissions.can_change_zone(user, kish.pk)
    assert not Zone.objects.editable_by(user).exists()
    with pytest.raises(PermissionDenied):
        services.update_zone_contacts(user, kish, phone="1")


def test_an_inactive_zone_is_seen_only_by_the_secretariat_and_its_own_people(
    secretariat, kish_deputy, qeshm_deputy, kish
):
    kish.is_active = False
    kish.save()
    assert kish in Zone.objects.visible_to(secretariat)
    assert kish in Zone.objects.visible_to(kish_deputy)
    assert kish not in Zone.objects.visible_to(qeshm_deputy)
    assert kish not in Zone.objects.visible_to(AnonymousUser())


def test_an_institution_is_edited_only_by_its_own_people(
    art_bureau_partner, kanoon_partner, art_bureau, kanoon, secretariat
):
    assert list(Institution.objects.editable_by(art_bureau_partner)) == [art_bureau]
    assert list(Institution.objects.editable_by(kanoon_partner)) == [kanoon]
    assert set(Institution.objects.editable_by(secretariat)) == {art_bureau, kanoon}
    assert not Institution.objects.visible_to(AnonymousUser()).exists()


def test_a_deactivated_account_loses_its_standing(kish_deputy, kish):
    kish_deputy.is_active = False
    kish_deputy.save()
    permissions.forget_scope(kish_deputy)
    assert not permissions.can_change_zone(kish_deputy, kish.pk)


def test_a_superuser_counts_as_secretariat():
    root = UserFactory(is_superuser=True, is_staff=True)
    assert permissions.is_secretariat(root)
    assert permissions.can_use_admin(root)


def test_is_staff_alone_does_not_open_the_admin(kish):
    deputy_with_staff_flag = zone_user(kish, is_staff=True)
    assert not permissions.can_use_admin(deputy_with_staff_flag)
