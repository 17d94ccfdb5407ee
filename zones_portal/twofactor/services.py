"""Every rule of two-step sign-in, for the dashboard's pages, the admin and the management commands.

A person's authenticator app is a confirmed django-otp ``TOTPDevice``; their recovery codes are the
tokens of one ``StaticDevice``. A code typed at sign-in is checked against the device its length names
(six digits: the app; ten: a recovery code), under django-otp's own back-off (each wrong code doubles
the wait before the next is looked at), and every wrong code also counts as a failed sign-in for
django-axes, so guessing codes ends in the same pause as guessing passwords.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import time
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

import segno
from axes.handlers.proxy import AxesProxyHandler
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from zones_portal import permissions
from zones_portal.dates import latin_digits, persian_digits, uses_jalali
from zones_portal.models import User

log = logging.getLogger("zones_portal.twofactor")

TOTP_DIGITS = 6
RECOVERY_CODE_COUNT = 10
# Digits only: on a Persian keyboard letters come out as Persian letters, digits are normalised.
RECOVERY_CODE_DIGITS = 10
# Between the password and the code: long enough to find the phone, short enough that a forgotten
# half-signed-in browser does not stay one step from the account.
SIGN_IN_SECONDS = 10 * 60
# How long the recovery codes just made stay in the session, to be shown, downloaded or printed.
FRESH_CODES_SECONDS = 15 * 60

APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"

_PENDING = "twofactor_pending"
_SETUP_KEY = "twofactor_setup_key"
_FRESH_CODES = "twofactor_fresh_codes"

# Names in the admin's history of a person (LogEntry translates them when it shows them).
_TWO_STEP = gettext_noop("two-step sign-in")
_RECOVERY_CODES = gettext_noop("recovery codes")

# Spaces, hyphens and the Persian kashida people type or paste between groups of digits.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u0640_]")
_TOTP_CODE = re.compile(f"[0-9]{{{TOTP_DIGITS}}}")


class SignInPausedError(Exception):
    """Signing in is paused for this account or address (django-axes): no code is looked at."""


def requires_two_factor(user: Any) -> bool:
    """The admin is where decisions are made for every zone: whoever can reach it must use two steps."""
    return permissions.can_use_admin(user)


def is_verified(user: Any) -> bool:
    """Whether this session was confirmed with a code (django-otp's middleware answers; a user object
    just signed in carries the device itself)."""
    check = getattr(user, "is_verified", None)
    if callable(check):
        return bool(check())
    return getattr(user, "otp_device", None) is not None


def app_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def is_on(user: User) -> bool:
    """Two-step sign-in is on when the person has a confirmed authenticator app."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def asks_for_code(user: User) -> bool:
    """Whether signing in needs a code after the password: any confirmed device, a leftover set of
    recovery codes included, since it would let someone in."""
    return is_on(user) or StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(text: str) -> str:
    """A code as typed or pasted, in Latin digits: Persian (۰–۹) and Arabic (٠–٩) digits become Latin,
    and spaces and hyphens between groups are dropped."""
    return _SEPARATORS.sub("", latin_digits(text or ""))


def format_recovery_code(code: str) -> str:
    """``1234567890`` as ``12345-67890``: easier to read out and copy by hand."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


# Checking a code


def sign_in_paused(request: HttpRequest, user: User) -> bool:
    """django-axes' own judgement: too many wrong passwords or codes for this account or address."""
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


def verify_code(request: HttpRequest, user: User, code: str) -> Device:
    """The device that accepts ``code`` (already normalised), which is then used up: an app's code
    cannot be replayed, a recovery code works once.

    Raises ``SignInPausedError`` when django-axes has paused this account or address, and ValidationError,
    in the reader's language, for a wrong code; a wrong code is recorded as a failed sign-in.
    """
    if sign_in_paused(request, user):
        raise SignInPausedError
    model = TOTPDevice if len(code) == TOTP_DIGITS else StaticDevice
    locked_until = None
    with transaction.atomic():
        for device in model.objects.devices_for_user(user, confirmed=True).select_for_update():
            allowed, details = device.verify_is_allowed()
            if not allowed:
                locked_until = (details or {}).get("locked_until")
                continue
            if device.verify_token(code):
                return device
    # Outside the transaction: the device's back-off, saved above, stays saved.
    user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
    log.info("A wrong two-step code for user %s", user.pk)
    if locked_until is not None:
        seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        shown = persian_digits(str(seconds)) if uses_jalali() else str(seconds)
        raise ValidationError(
            _("Too many wrong codes in a row: wait %(seconds)s seconds, then type the newest code."),
            code="throttled",
            params={"seconds": shown},
        )
    if model is TOTPDevice:
        message = _("That code is not right. Type the six digits your authenticator app shows now.")
    else:
        message = _("That recovery code is not right, or it has already been used.")
    raise ValidationError(message, code="wrong")


def mark_verified(request: HttpRequest, device: Device) -> None:
    """This session was confirmed with ``device`` (django-otp keeps its id in the session)."""
    otp_login(request, device)


# Signing in: the password, then the code


@dataclass(frozen=True)
class PendingSignIn:
    """Someone who gave the right password and still owes a code."""

    user: User
    backend: str
    next_url: str


def begin_sign_in(request: HttpRequest, user: User, next_url: str) -> None:
    """The password was right but the account asks for a code: nobody is signed in until it comes.

    Only the account's id waits in the (still anonymous) session, for ``SIGN_IN_SECONDS``, under a
    new session key: a key planted beforehand cannot be used to type codes for this account.
    """
    request.session.cycle_key()
    request.session[_PENDING] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        "next": next_url,
        "at": time.time(),
    }


def pending_sign_in(request: HttpRequest) -> PendingSignIn | None:
    data = request.session.get(_PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("at", 0)) > SIGN_IN_SECONDS:
        forget_sign_in(request)
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        forget_sign_in(request)
        return None
    return PendingSignIn(user=user, backend=str(data.get("backend", "")), next_url=str(data.get("next", "")))


def forget_sign_in(request: HttpRequest) -> None:
    request.session.pop(_PENDING, None)


def finish_sign_in(request: HttpRequest, pending: PendingSignIn, device: Device) -> None:
    """Signs the person in (django-axes records it and clears their failures) and marks the session
    verified by the device that took the code."""
    forget_sign_in(request)
    auth_login(request, pending.user, backend=pending.backend or None)
    mark_verified(request, device)
    log.info("User %s signed in with two steps", pending.user.pk)


# Setting up


def setup_key(request: HttpRequest) -> str:
    """The secret offered to the person's app until they confirm it, kept in their session only: no
    unconfirmed device is stored, and reloading the page keeps the QR code they may have scanned."""
    key = request.session.get(_SETUP_KEY)
    if not isinstance(key, str) or not key:
        key = random_hex(20)
        request.session[_SETUP_KEY] = key
    return key


def may_set_up(request: HttpRequest, user: User) -> bool:
    """A first set-up needs only the signed-in session; replacing a working app (a new phone) needs
    a session that was itself confirmed with a code, or whoever borrowed the browser could swap it."""
    return not asks_for_code(user) or is_verified(request.user)


def provisioning_uri(user: User, key: str) -> str:
    """The ``otpauth://`` address the QR code carries (issuer: settings ``OTP_TOTP_ISSUER``)."""
    return TOTPDevice(user=user, key=key, digits=TOTP_DIGITS).config_url


def readable_secret(key: str) -> str:
    """The secret as authenticator apps ask for it when typed by hand: base32, in groups of four."""
    text = b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG, drawn here: no image service, no script. Black on white with the
    standard quiet zone, as phone cameras expect, whatever the page's colours."""
    return segno.make(uri, error="m", micro=False).svg_inline(
        scale=5, dark="#000", light="#fff", title=title, svgclass="qr-code"
    )


@transaction.atomic
def confirm_setup(request: HttpRequest, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turns two-step sign-in on once the app shows the right code for the offered secret.

    Replaces any earlier app and recovery codes, marks this session verified, and returns the device
    and the new recovery codes (to show once).
    """
    if not may_set_up(request, user):
        raise PermissionDenied(_("Confirm this session with a code before you move to a new phone."))
    key = request.session.get(_SETUP_KEY)
    if not isinstance(key, str) or not key:
        raise ValidationError(_("The set-up page expired; scan the new QR code."), code="expired")
    totp = TOTP(bytes.fromhex(key), digits=TOTP_DIGITS)
    if not _TOTP_CODE.fullmatch(code) or not totp.verify(int(code), tolerance=1):
        raise ValidationError(
            _(
                "That code is not right. Check that the phone's clock is set automatically and type the newest code."
            ),
            code="wrong",
        )
    replacing = is_on(user)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=APP_DEVICE_NAME, key=key, digits=TOTP_DIGITS, confirmed=True, last_t=totp.t()
    )
    codes = _new_recovery_codes(user)
    request.session.pop(_SETUP_KEY, None)
    mark_verified(request, device)
    if replacing:
        _record(user, user, [{"changed": {"fields": [_TWO_STEP]}}])
    else:
        _record(user, user, [{"added": {"name": _TWO_STEP, "object": user.get_username()}}])
    log.info("User %s turned on two-step sign-in", user.pk)
    return device, codes


# Recovery codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [
        f"{secrets.randbelow(10**RECOVERY_CODE_DIGITS):0{RECOVERY_CODE_DIGITS}d}"
        for _n in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def renew_recovery_codes(request: HttpRequest, user: User, code: str) -> list[str]:
    """New recovery codes for old ones (used up, or seen by someone else), on a current code."""
    verify_code(request, user, code)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        _record(user, user, [{"changed": {"fields": [_RECOVERY_CODES]}}])
    log.info("User %s made new recovery codes", user.pk)
    return codes


def keep_fresh_codes(request: HttpRequest, codes: list[str]) -> None:
    request.session[_FRESH_CODES] = {"codes": codes, "at": time.time()}


def fresh_codes(request: HttpRequest) -> list[str]:
    """The recovery codes just made, while they may still be shown (they are stored only as the
    device's tokens, which nobody is shown again)."""
    data = request.session.get(_FRESH_CODES)
    if not isinstance(data, dict) or time.time() - float(data.get("at", 0)) > FRESH_CODES_SECONDS:
        request.session.pop(_FRESH_CODES, None)
        return []
    return [str(code) for code in data.get("codes", [])]


def forget_fresh_codes(request: HttpRequest) -> None:
    request.session.pop(_FRESH_CODES, None)


# Turning off, and resetting a lost phone


def turn_off(request: HttpRequest, user: User, code: str) -> None:
    """The person turns it off themselves, on a current code; never whoever must use it."""
    if requires_two_factor(user):
        raise PermissionDenied(
            _("Secretariat staff cannot turn off two-step sign-in: the administration requires it.")
        )
    verify_code(request, user, code)
    with transaction.atomic():
        _remove_devices(user)
        _record(user, user, [{"deleted": {"name": _TWO_STEP, "object": user.get_username()}}])
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    log.info("User %s turned off two-step sign-in", user.pk)


@transaction.atomic
def reset(actor: User, user: User) -> bool:
    """The secretariat removes someone's app and recovery codes (a lost phone): they sign in with
    their password alone and, if they use the admin, set up a new phone first. Recorded in the
    person's admin history. Returns whether there was anything to remove."""
    if not permissions.can_use_admin(actor):
        raise PermissionDenied(_("Only the secretariat can reset someone's two-step sign-in."))
    if not _remove_devices(user):
        return False
    _record(actor, user, [{"deleted": {"name": _TWO_STEP, "object": user.get_username()}}])
    log.info("User %s reset the two-step sign-in of user %s", actor.pk, user.pk)
    return True


def _remove_devices(user: User) -> int:
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    removed_codes, _by_model = StaticDevice.objects.filter(user=user).delete()
    return removed + removed_codes


def _record(actor: User, person: User, change_message: list[dict[str, Any]]) -> None:
    """An entry in the person's history in the admin: who changed their two-step sign-in, and when."""
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[person],
        action_flag=CHANGE,
        change_message=change_message,
        single_object=True,
    )


# The demo


def give_known_secret(user: User, key: str) -> TOTPDevice:
    """For ``seed_demo`` only: an authenticator app whose secret is published in the README."""
    TOTPDevice.objects.filter(user=user).exclude(key=key).delete()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        key=key,
        defaults={"name": APP_DEVICE_NAME, "digits": TOTP_DIGITS, "confirmed": True},
    )
    return device


def current_code(device: TOTPDevice) -> str:
    """What the person's app shows now (for the demo's ``otp_code`` command)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
