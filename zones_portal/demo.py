"""Demo people and institutions for ``seed_demo``; safe to run again and again."""

from __future__ import annotations

from base64 import b32decode
from collections.abc import Callable

from django.conf import settings

from zones_portal.models import Institution, Membership, User, Zone
from zones_portal.twofactor import services as twofactor

ART_BUREAU = {
    "slug": "artbureau",
    "name_fa": "حوزه هنری انقلاب اسلامی",
    "name_en": "Art Bureau of the Islamic Revolution",
    "website": "https://hozehonari.ir",
}
KANOON = {
    "slug": "kanoon",
    "name_fa": "کانون پرورش فکری کودکان و نوجوانان",
    "name_en": "Institute for the Intellectual Development of Children and Young Adults",
    "website": "https://kanoon.ir",
}

# The demo secretariat's authenticator key (base32, as an app asks for it), published in the README:
# the admin needs two-step sign-in, and a demo must open without anyone's phone.
DEMO_TOTP_SECRET = "ZONESPORTALDEMOSECRETAUTHENTICAT"  # noqa: S105  (published on purpose)

DEPUTY_NAMES = {
    "kish": ("علی", "کریمی"),
    "qeshm": ("زهرا", "محمدی"),
    "chabahar": ("عبدالله", "بلوچ‌زهی"),
    "aras": ("رضا", "آذری"),
    "anzali": ("مریم", "گیلانی"),
    "arvand": ("حسین", "موسوی"),
    "maku": ("فاطمه", "رحیمی"),
}


def _person(username: str, first: str, last: str, *, staff: bool = False) -> User:
    user, _created = User.objects.update_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@portal.example",
            "is_staff": staff,
            "is_active": True,
        },
    )
    user.set_password(settings.DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _belongs(
    user: User,
    role: str,
    *,
    zone: Zone | None = None,
    institution: Institution | None = None,
    title: str = "",
) -> None:
    Membership.objects.update_or_create(
        user=user, defaults={"role": role, "zone": zone, "institution": institution, "job_title": title}
    )


def seed(say: Callable[[str], None]) -> list[str]:
    """Creates the demo accounts and returns their usernames."""
    usernames = []
    secretariat = _person("secretariat", "سارا", "امینی", staff=True)
    _belongs(secretariat, Membership.Role.SECRETARIAT, title="مدیر فرهنگی، هنری و صنایع خلاق")
    twofactor.give_known_secret(secretariat, b32decode(DEMO_TOTP_SECRET).hex())
    usernames.append(secretariat.username)

    for zone in Zone.objects.filter(is_active=True):
        first, last = DEPUTY_NAMES.get(zone.slug, ("معاون", zone.name_fa))
        deputy = _person(f"deputy-{zone.slug}", first, last)
        _belongs(deputy, Membership.Role.DEPUTY, zone=zone, title="معاون فرهنگی، اجتماعی و گردشگری")
        usernames.append(deputy.username)

    for data in (ART_BUREAU, KANOON):
        institution, _created = Institution.objects.update_or_create(slug=data["slug"], defaults=data)
        partner = _person(f"partner-{institution.slug}", "نماینده", institution.name_fa)
        _belongs(partner, Membership.Role.INSTITUTION, institution=institution)
        usernames.append(partner.username)

    say(f"{len(usernames)} demo accounts, 2 institutions.")
    say(
        f"{secretariat.username} asks for a two-step code after the password: "
        f"python manage.py otp_code {secretariat.username} prints it "
        f"(or add the key {DEMO_TOTP_SECRET} to an authenticator app)."
    )
    return usernames
