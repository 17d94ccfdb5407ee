"""Factories for test data; the fixed cast of people lives in conftest.py."""

import factory

from zones_portal.models import Institution, Membership, User, Zone

TEST_PASSWORD = "a-test-password-7319"


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"zone-{n}")
    name_fa = factory.Sequence(lambda n: f"منطقه {n}")
    name_en = factory.Sequence(lambda n: f"Zone {n}")
    province_fa = "هرمزگان"
    province_en = "Hormozgan"
    kind = Zone.Kind.SPECIAL_ECONOMIC


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"institution-{n}")
    name_fa = factory.Sequence(lambda n: f"نهاد {n}")
    name_en = factory.Sequence(lambda n: f"Institution {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@portal.example")
    first_name = "نام"
    last_name = factory.Sequence(lambda n: f"خانوادگی {n}")
    language = "fa"

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        self.set_password(extracted or TEST_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Membership.Role.DEPUTY
    zone = factory.SubFactory(ZoneFactory)
    institution = None


def secretariat_user(**kwargs: object) -> User:
    user = UserFactory(is_staff=True, **kwargs)
    MembershipFactory(user=user, role=Membership.Role.SECRETARIAT, zone=None)
    return user


def zone_user(zone: Zone, role: str = Membership.Role.DEPUTY, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role=role, zone=zone)
    return user


def institution_user(institution: Institution, **kwargs: object) -> User:
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role=Membership.Role.INSTITUTION, zone=None, institution=institution)
    return user
