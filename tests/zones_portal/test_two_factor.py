"""Two-step sign-in: an authenticator app's code after the password, recovery codes for a lost phone;
required of the secretariat before any admin page, optional for everyone else; wrong codes end in the
same pause as wrong passwords."""

import time

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD
from zones_portal.dates import persian_digits
from zones_portal.twofactor import services

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE = reverse("twofactor:code")
RECOVERY_CODES = ["1234567890", "2345678901"]


def code_for(key: str, later: int = 0) -> str:
    """What an authenticator app holding ``key`` shows ``later`` seconds from now. The portal accepts
    the next step's code too (clock drift), which lets a test use a device twice in one step."""
    totp = TOTP(bytes.fromhex(key), digits=6)
    totp.time = time.time() + later
    return f"{totp.token():06d}"


def turn_on(user) -> TOTPDevice:
    """An authenticator app and two known recovery codes, as set-up leaves them."""
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    codes = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    for code in RECOVERY_CODES:
        StaticToken.objects.create(device=codes, token=code)
    return device


def sign_in(client: Client, username: str, url: str = LOGIN, **extra: str):
    return client.post(url, {"username": username, "password": TEST_PASSWORD, **extra})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def in_persian(message: str) -> str:
    with translation.override("fa"):
        return gettext(message)


# Setting up


def test_a_deputy_sets_it_up_with_the_apps_first_code_and_gets_ten_recovery_codes(client_for, kish_deputy):
    client = client_for(kish_deputy)
    page = client.get(reverse("twofactor:setup"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg width="' in html
    assert 'class="qr-code"' in html
    key = client.session["twofactor_setup_key"]
    assert services.readable_secret(key) in html  # for typing by hand
    assert not TOTPDevice.objects.filter(user=kish_deputy).exists()  # nothing stored before the code

    response = client.post(reverse("twofactor:setup"), {"code": code_for(key)})
    assert response.status_code == 302
    assert response["Location"] == reverse("twofactor:recovery-codes")
    device = TOTPDevice.objects.get(user=kish_deputy)
    assert device.confirmed
    assert device.key == key
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id  # this session is verified
    tokens = list(StaticToken.objects.filter(device__user=kish_deputy).values_list("token", flat=True))
    assert len(tokens) == 10
    assert len(set(tokens)) == 10
    assert all(len(token) == 10 and token.isascii() and token.isdigit() for token in tokens)

    shown = client.get(reverse("twofactor:recovery-codes")).content.decode()
    download = client.get(reverse("twofactor:recovery-codes-file"))
    assert download["Content-Disposition"].startswith("attachment")
    for token in tokens:
        assert services.format_recovery_code(token) in shown
        assert services.format_recovery_code(token) in download.content.decode()
    assert "data-print" in shown

    client.post(reverse("twofactor:recovery-codes"))  # "I have kept them"
    again = client.get(reverse("twofactor:recovery-codes"))
    assert again.status_code == 302  # shown once
    assert tokens[0] not in client.get(again["Location"]).content.decode()
    history = LogEntry.objects.get(object_id=str(kish_deputy.pk))
    assert history.user_id == kish_deputy.pk


def test_a_wrong_code_at_set_up_is_refused_in_persian(client_for, kish_deputy):
    client = client_for(kish_deputy)
    client.get(reverse("twofactor:setup"))
    key = client.session["twofactor_setup_key"]
    wrong = code_for(key, later=600)
    response = client.post(reverse("twofactor:setup"), {"code": wrong})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert (
        in_persian(
            "That code is not right. Check that the phone's clock is set automatically and type the newest code."
        ).replace("'", "&#x27;")
        in html
    )
    assert not TOTPDevice.objects.filter(user=kish_deputy).exists()
    not_digits = client.post(reverse("twofactor:setup"), {"code": "abcdef"}).content.decode()
    assert in_persian("A code is made of digits only.") in not_digits


def test_codes_typed_with_persian_or_arabic_digits_work(client_for, kish_deputy, qeshm_deputy):
    client = client_for(kish_deputy)
    client.get(reverse("twofactor:setup"))
    code = code_for(client.session["twofactor_setup_key"])
    assert client.post(reverse("twofactor:setup"), {"code": persian_digits(code)}).status_code == 302

    turn_on(qeshm_deputy)
    anonymous = Client()
    sign_in(anonymous, "qeshm-deputy")
    arabic = "١٢٣٤٥ - ٦٧٨٩٠"  # a recovery code, typed with Arabic digits and spaced as shown
    assert anonymous.post(CODE, {"code": arabic}).status_code == 302
    assert signed_in(anonymous)


# Signing in


def test_a_deputy_without_it_signs_in_with_the_password_alone(kish_deputy):
    client = Client()
    response = sign_in(client, "kish-deputy")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert signed_in(client)


def test_with_it_on_the_password_alone_signs_nobody_in(kish_deputy):
    device = turn_on(kish_deputy)
    client = Client()
    response = sign_in(client, "kish-deputy", next="/events/")
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert not signed_in(client)
    assert client.get(reverse("home")).status_code == 302  # the dashboard is still closed
    page = client.get(CODE)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.content.decode()

    response = client.post(CODE, {"code": code_for(device.key)})
    assert response.status_code == 302
    assert response["Location"] == "/events/"
    assert signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


def test_an_apps_code_cannot_be_used_twice(kish_deputy):
    device = turn_on(kish_deputy)
    code = code_for(device.key)
    first = Client()
    sign_in(first, "kish-deputy")
    first.post(CODE, {"code": code})
    second = Client()
    sign_in(second, "kish-deputy")
    assert second.post(CODE, {"code": code}).status_code == 200
    assert not signed_in(second)


def test_a_recovery_code_works_once(kish_deputy):
    turn_on(kish_deputy)
    first = Client()
    sign_in(first, "kish-deputy")
    assert first.post(CODE, {"code": "12345-67890"}).status_code == 302
    assert signed_in(first)
    assert StaticToken.objects.filter(device__user=kish_deputy).count() == 1

    second = Client()
    sign_in(second, "kish-deputy")
    response = second.post(CODE, {"code": "1234567890"})
    assert response.status_code == 200
    assert not signed_in(second)
    assert (
        in_persian("That recovery code is not right, or it has already been used.")
        in response.content.decode()
    )


def test_a_half_finished_sign_in_expires(kish_deputy):
    device = turn_on(kish_deputy)
    client = Client()
    sign_in(client, "kish-deputy")
    session = client.session
    session["twofactor_pending"]["at"] -= services.SIGN_IN_SECONDS + 1
    session.save()
    response = client.post(CODE, {"code": code_for(device.key)})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)


def test_wrong_codes_end_in_the_same_pause_as_wrong_passwords(settings, kish_deputy):
    settings.AXES_FAILURE_LIMIT = 3
    device = turn_on(kish_deputy)
    client = Client(REMOTE_ADDR="10.9.0.1")
    sign_in(client, "kish-deputy")
    wrong = code_for(device.key, later=600)
    codes = [client.post(CODE, {"code": wrong}).status_code for _attempt in range(3)]
    assert codes == [200, 200, 429]
    assert AccessAttempt.objects.get(username="kish-deputy").failures_since_start == 3
    # Paused: neither the right code nor, from elsewhere, the right password opens it now.
    assert client.post(CODE, {"code": code_for(device.key)}).status_code == 429
    assert not signed_in(client)
    assert sign_in(Client(REMOTE_ADDR="10.9.0.2"), "kish-deputy").status_code == 429


@time_machine.travel("2026-11-28 09:00 +0330", tick=False)
def test_the_apps_back_off_refuses_codes_for_a_moment_after_a_wrong_one(kish_deputy):
    device = turn_on(kish_deputy)
    client = Client()
    sign_in(client, "kish-deputy")
    client.post(CODE, {"code": code_for(device.key, later=600)})
    response = client.post(CODE, {"code": code_for(device.key)})  # right, but within the second's wait
    assert not signed_in(client)
    wait = in_persian("Too many wrong codes in a row: wait %(seconds)s seconds, then type the newest code.")
    assert wait % {"seconds": "۱"} in response.content.decode()  # in Persian digits
    with time_machine.travel("2026-11-28 09:00:02 +0330", tick=False):
        assert client.post(CODE, {"code": code_for(device.key)}).status_code == 302
    assert signed_in(client)


# The secretariat and the admin


def test_the_secretariat_without_it_is_sent_from_the_admin_to_set_it_up(secretariat):
    client = Client()
    client.force_login(secretariat)
    for url in (reverse("admin:index"), reverse("admin:zones_portal_zone_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("twofactor:setup"))
    page = client.get(response["Location"], follow=True).content.decode()
    assert "<svg" in page
    assert (
        in_persian(
            "Secretariat staff must set up two-step sign-in before they use the administration: "
            "it takes a minute with an authenticator app on your phone."
        )
        in page
    )

    key = client.session["twofactor_setup_key"]
    done = client.post(response["Location"], {"code": code_for(key)})
    assert done.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200  # verified in this session


def test_the_secretariat_with_an_app_but_an_unconfirmed_session_is_asked_for_a_code(secretariat):
    device = turn_on(secretariat)
    client = Client()
    client.force_login(secretariat)
    response = client.get(reverse("admin:zones_portal_zone_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)
    assert client.get(reverse("home")).status_code == 200  # the dashboard stays open
    back = client.post(response["Location"], {"code": code_for(device.key)})
    assert back["Location"] == reverse("admin:zones_portal_zone_changelist")
    assert client.get(back["Location"]).status_code == 200


def test_the_admin_sign_in_asks_for_the_code_too(secretariat):
    device = turn_on(secretariat)
    client = Client()
    assert client.get(reverse("admin:login")).status_code == 200
    response = sign_in(client, "officer", reverse("admin:login"), next=reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"] == CODE
    assert not signed_in(client)
    done = client.post(CODE, {"code": code_for(device.key)})
    assert done["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_session_whose_device_was_removed_is_no_longer_confirmed(client_for, secretariat):
    client = client_for(secretariat)
    assert client.get(reverse("admin:index")).status_code == 200
    TOTPDevice.objects.filter(user=secretariat).delete()
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_secretariat_cannot_turn_it_off(client_for, secretariat):
    client = client_for(secretariat)
    device = TOTPDevice.objects.get(user=secretariat)
    page = client.get(reverse("twofactor:overview")).content.decode()
    assert reverse("twofactor:turn-off") not in page
    client.post(reverse("twofactor:turn-off"), {"off-code": code_for(device.key)})
    assert TOTPDevice.objects.filter(user=secretariat).exists()


def test_a_deputy_turns_it_off_with_a_current_code(client_for, kish_deputy):
    device = turn_on(kish_deputy)
    client = client_for(kish_deputy)
    refused = client.post(reverse("twofactor:turn-off"), {"off-code": code_for(device.key, later=600)})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=kish_deputy).exists()
    device.throttle_reset()
    response = client.post(reverse("twofactor:turn-off"), {"off-code": code_for(device.key)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=kish_deputy).exists()
    assert not StaticDevice.objects.filter(user=kish_deputy).exists()
    assert reverse("twofactor:setup") in client.get(response["Location"]).content.decode()
    assert sign_in(Client(), "kish-deputy")["Location"] == reverse("home")


def test_new_recovery_codes_replace_the_old_ones(client_for, kish_deputy):
    device = turn_on(kish_deputy)
    client = client_for(kish_deputy)
    refused = client.post(reverse("twofactor:renew"), {"renew-code": "۱۲۳"})
    assert refused.status_code == 200
    assert in_persian("An app's code has six digits; a recovery code has ten.").replace("'", "&#x27;") in (
        refused.content.decode()
    )
    response = client.post(reverse("twofactor:renew"), {"renew-code": code_for(device.key)})
    assert response["Location"] == reverse("twofactor:recovery-codes")
    tokens = set(StaticToken.objects.filter(device__user=kish_deputy).values_list("token", flat=True))
    assert len(tokens) == 10
    assert not tokens & set(RECOVERY_CODES)


def test_moving_to_a_new_phone_needs_a_confirmed_session(client_for, kish_deputy):
    turn_on(kish_deputy)
    client = client_for(kish_deputy)  # signed in, but this session never typed a code
    response = client.get(reverse("twofactor:setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)


# The admin: seeing and resetting someone's two-step sign-in


def test_the_secretariat_sees_and_resets_a_lost_phone(client_for, secretariat, kish_deputy):
    turn_on(kish_deputy)
    client = client_for(secretariat)
    change = reverse("admin:zones_portal_user_change", args=[kish_deputy.pk])
    page = client.get(change).content.decode()
    reset_url = reverse("admin:zones_portal_user_reset_two_step", args=[kish_deputy.pk])
    assert reset_url in page
    assert TOTPDevice.objects.get(user=kish_deputy).key not in page  # never the secret
    assert client.get(reset_url).status_code == 200  # asks first
    assert TOTPDevice.objects.filter(user=kish_deputy).exists()
    assert client.post(reset_url)["Location"] == change
    assert not TOTPDevice.objects.filter(user=kish_deputy).exists()
    assert not StaticDevice.objects.filter(user=kish_deputy).exists()
    entry = LogEntry.objects.get(object_id=str(kish_deputy.pk))
    assert entry.user_id == secretariat.pk
    assert "kish-deputy" in entry.get_change_message()


def test_the_user_list_filters_and_resets_by_two_step_sign_in(
    client_for, secretariat, kish_deputy, qeshm_deputy
):
    turn_on(kish_deputy)
    client = client_for(secretariat)
    listing = reverse("admin:zones_portal_user_changelist")
    on = client.get(listing, {"two_step": "on"}).content.decode()
    off = client.get(listing, {"two_step": "off"}).content.decode()
    assert "kish-deputy" in on
    assert "qeshm-deputy" not in on
    assert "qeshm-deputy" in off
    assert "kish-deputy" not in off
    client.post(listing, {"action": "reset_two_step", ACTION_CHECKBOX_NAME: [kish_deputy.pk]})
    assert not TOTPDevice.objects.filter(user=kish_deputy).exists()


def test_django_otps_own_device_pages_are_not_in_the_admin(client_for, secretariat):
    from django.contrib import admin

    assert not admin.site.is_registered(TOTPDevice)
    assert not admin.site.is_registered(StaticDevice)


# The demo


def test_the_demo_secretariat_has_a_known_secret_and_a_command_prints_its_code(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")  # again: still one device
    device = TOTPDevice.objects.get(user__username="secretariat")
    assert device.confirmed
    capsys.readouterr()
    call_command("otp_code", "secretariat")
    printed = capsys.readouterr().out.strip()
    assert printed == code_for(device.key) or printed == code_for(device.key, later=-30)
    client = Client()
    client.post(LOGIN, {"username": "secretariat", "password": settings.DEMO_PASSWORD})
    assert client.post(CODE, {"code": printed})["Location"] == reverse("home")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_code_command_refuses_a_live_portal(settings, secretariat):
    settings.DEBUG = False
    turn_on(secretariat)
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("otp_code", "officer")
