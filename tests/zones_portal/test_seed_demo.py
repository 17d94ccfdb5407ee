import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from zones_portal.models import Institution, Membership, User, Zone

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "institutions": Institution.objects.count(),
        "zones": Zone.objects.count(),
    }


def test_seed_demo_twice_leaves_the_same_counts(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    assert first["users"] == 17  # the secretariat, seven deputies, two partners, two jurors, five judges
    assert "Accounts (password: demo12345)" in capsys.readouterr().out


def test_seed_demo_creates_the_cast_with_the_demo_password(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "another-demo-pass"
    call_command("seed_demo")
    # Sign-in goes through django-axes, which needs the request it guards.
    request = RequestFactory().post("/accounts/login/")
    secretariat = authenticate(request, username="secretariat", password="another-demo-pass")
    assert secretariat is not None
    assert secretariat.is_staff
    assert secretariat.membership.role == Membership.Role.SECRETARIAT
    for zone in Zone.objects.all():
        deputy = User.objects.get(username=f"deputy-{zone.slug}")
        assert deputy.membership.zone == zone
        assert deputy.membership.role == Membership.Role.DEPUTY
    art_bureau = User.objects.get(username="partner-artbureau").membership.institution
    assert art_bureau.name_fa == "حوزه هنری انقلاب اسلامی"
    assert User.objects.get(username="partner-kanoon").membership.institution.slug == "kanoon"


def test_seed_demo_refuses_a_live_portal(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing to load demo data while DEBUG is off"):
        call_command("seed_demo")
    assert User.objects.count() == 0
    call_command("seed_demo", "--force")
    assert User.objects.count() == 17
