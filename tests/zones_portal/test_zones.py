import pytest

from zones_portal.models import Membership, Zone

pytestmark = pytest.mark.django_db

SEVEN = {
    "kish": ("کیش", "Kish", "هرمزگان"),
    "qeshm": ("قشم", "Qeshm", "هرمزگان"),
    "chabahar": ("چابهار", "Chabahar", "سیستان و بلوچستان"),
    "aras": ("ارس", "Aras", "آذربایجان شرقی"),
    "anzali": ("انزلی", "Anzali", "گیلان"),
    "arvand": ("اروند", "Arvand", "خوزستان"),
    "maku": ("ماکو", "Maku", "آذربایجان غربی"),
}


def test_the_seven_free_zones_exist_after_migrate():
    zones = {zone.slug: zone for zone in Zone.objects.all()}
    assert set(zones) == set(SEVEN)
    for slug, (name_fa, name_en, province_fa) in SEVEN.items():
        assert (zones[slug].name_fa, zones[slug].name_en, zones[slug].province_fa) == (
            name_fa,
            name_en,
            province_fa,
        )
        assert zones[slug].kind == Zone.Kind.FREE
        assert zones[slug].is_active


def test_zones_are_listed_in_the_order_of_the_brief():
    assert list(Zone.objects.values_list("slug", flat=True)) == list(SEVEN)


def test_zone_name_follows_the_active_language(kish):
    from django.utils import translation

    with translation.override("fa"):
        assert str(kish) == "کیش"
    with translation.override("en"):
        assert str(kish) == "Kish"


def test_membership_roles_must_match_their_organisation(kish, art_bureau):
    from django.core.exceptions import ValidationError

    from tests.factories import UserFactory

    wrong = Membership(user=UserFactory(), role=Membership.Role.DEPUTY, institution=art_bureau)
    with pytest.raises(ValidationError) as excinfo:
        wrong.full_clean()
    assert set(excinfo.value.message_dict) == {"zone", "institution"}


def test_the_database_refuses_a_deputy_without_a_zone():
    from django.db import IntegrityError, transaction

    from tests.factories import UserFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=UserFactory(), role=Membership.Role.DEPUTY)
