"""Issuing certificates: to a call's selected contestants, and to the placed contestants of a decided
round, one action for the whole list.

Issuing is idempotent: a contestant's certificate for a round (or for being selected) is made once, and
issuing again hands back the one there is. When its wording has changed since (the template was edited,
or a call now has a template of its own), the secretariat may choose to issue it again: the same
certificate (serial and check code stay, so a copy already handed out still checks) gets a new PDF, and
the old PDF stays in storage and in the certificate's history.

Serials run per Solar Hijri year (``1405/0012``, stored in Latin digits, printed in Persian ones); two
people issuing at once may pick the same next number, so the insert retries on the unique serial.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import jdatetime
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contests import certificates as document
from contests import permissions
from contests.models import Certificate, CertificateTemplate, Entry, Round, new_check_code
from talent.models import Application, TalentCall
from zones_portal.dates import format_date, latin_digits, persian_digits
from zones_portal.lifecycle import InvalidMoveError
from zones_portal.permissions import AnyUser, is_secretariat, scope_of

# A certificate is printed in Persian whatever the language of the person issuing it.
CERTIFICATE_LANGUAGE = "fa"
SERIAL_ATTEMPTS = 5

# The entries of a decided round that get a certificate: the final's placed contestants and, in an
# earlier round, those who went on; each with a place (the round's ranking).
PLACED = (Entry.Status.WINNER, Entry.Status.ADVANCED)

NOT_DECIDED = gettext_lazy("Certificates are issued once the round's results are decided.")
ONLY_SECRETARIAT_AGAIN = gettext_lazy("Only the secretariat issues a certificate again.")


# Who may -----------------------------------------------------------------------------------------


def can_issue_for_round(user: AnyUser | None, round_: Round) -> bool:
    """Those who run the round: the secretariat, and a zone's deputy for their preliminary."""
    return permissions.can_run_round(user, round_)


def can_issue_for_call(user: AnyUser | None, call: TalentCall) -> bool:
    """Selecting is the secretariat's decision, and so is certifying it."""
    return is_secretariat(user)


def can_download(user: AnyUser | None, certificate: Certificate) -> bool:
    if is_secretariat(user):
        return True
    return certificate.round is not None and permissions.can_run_round(user, certificate.round)


def certificates_for(user: AnyUser | None) -> QuerySet[Certificate]:
    """The certificates a person may list and download (``can_download`` as one query)."""
    scope = scope_of(user)
    certificates = Certificate.objects.all()
    if scope.secretariat:
        return certificates
    if scope.is_deputy and scope.zone_id is not None:
        return certificates.filter(round__kind=Round.Kind.PRELIMINARY, round__zone_id=scope.zone_id)
    return certificates.none()


# What is issued ----------------------------------------------------------------------------------


def template_for(kind: str, call: TalentCall) -> CertificateTemplate | None:
    """The call's own template of this kind, else the default one."""
    return (
        CertificateTemplate.objects.filter(kind=kind)
        .filter(Q(call=call) | Q(call__isnull=True))
        .select_related("call")
        .order_by(F("call_id").asc(nulls_last=True))
        .first()
    )


def placed_entries(round_: Round) -> QuerySet[Entry]:
    return (
        round_.entries.filter(status__in=PLACED, rank__isnull=False)
        .select_related("application__zone", "application__call")
        .order_by("rank", "number")
    )


def selected_applications(call: TalentCall) -> QuerySet[Application]:
    return (
        call.applications.filter(status=Application.Status.SELECTED)
        .select_related("zone", "call")
        .order_by("full_name", "pk")
    )


def is_stale(certificate: Certificate, template: CertificateTemplate | None) -> bool:
    """Whether the certificate's wording is no longer what its template says now."""
    if template is None:
        return False
    return certificate.template_id != template.pk or template.updated_at > certificate.issued_at


@dataclass
class Issued:
    """What one issuing action did, for the message the person reads."""

    issued: list[Certificate] = field(default_factory=list)
    reissued: list[Certificate] = field(default_factory=list)
    unchanged: list[Certificate] = field(default_factory=list)
    stale: list[Certificate] = field(default_factory=list)

    def add(self, certificate: Certificate, outcome: str) -> None:
        getattr(self, outcome).append(certificate)


@transaction.atomic
def issue_for_round(actor: AnyUser, round_: Round, *, again: bool = False) -> Issued:
    """A certificate for each placed contestant of a decided round."""
    round_ = Round.objects.select_related("call", "zone").get(pk=round_.pk)
    if not can_issue_for_round(actor, round_):
        raise PermissionDenied(_("Only those who run this round issue its certificates."))
    if round_.status != Round.Status.DECIDED:
        raise InvalidMoveError(NOT_DECIDED)
    _check_again(actor, again)
    template = _template_or_refuse(CertificateTemplate.Kind.ROUND_WINNER, round_.call)
    done = Issued()
    for entry in placed_entries(round_):
        done.add(*_issue(actor, template, entry.application, round_, entry.rank, again=again))
    return done


@transaction.atomic
def issue_for_call(actor: AnyUser, call: TalentCall, *, again: bool = False) -> Issued:
    """A certificate for each contestant the call selected."""
    if not can_issue_for_call(actor, call):
        raise PermissionDenied(_("Only the secretariat issues certificates to selected contestants."))
    _check_again(actor, again)
    template = _template_or_refuse(CertificateTemplate.Kind.SELECTED, call)
    done = Issued()
    for application in selected_applications(call):
        done.add(*_issue(actor, template, application, None, None, again=again))
    return done


def _check_again(actor: AnyUser, again: bool) -> None:
    if again and not is_secretariat(actor):
        raise PermissionDenied(ONLY_SECRETARIAT_AGAIN)


def _template_or_refuse(kind: str, call: TalentCall) -> CertificateTemplate:
    template = template_for(kind, call)
    if template is None:
        raise InvalidMoveError(
            _("There is no certificate template for “%(kind)s”: add one in the admin first.")
            % {"kind": CertificateTemplate.Kind(kind).label}
        )
    return template


def _issue(
    actor: AnyUser,
    template: CertificateTemplate,
    application: Application,
    round_: Round | None,
    place: int | None,
    *,
    again: bool,
) -> tuple[Certificate, str]:
    # One contestant's certificates are issued one at a time: the row lock stands in for a unique
    # constraint where round is NULL (a selected contestant), which the database would not enforce.
    Application.objects.select_for_update().filter(pk=application.pk).first()
    existing = (
        Certificate.objects.select_related("template")
        .filter(application=application, round=round_, template__kind=template.kind)
        .first()
    )
    if existing is not None:
        if not is_stale(existing, template):
            return existing, "unchanged"
        if not again:
            return existing, "stale"
        existing.template = template
        existing.place = place
        existing.issued_at = timezone.now()
        existing.issued_by = actor
        _attach_pdf(existing, application, round_)
        existing.save()
        return existing, "reissued"
    certificate = Certificate(
        template=template,
        application=application,
        round=round_,
        place=place,
        issued_at=timezone.now(),
        issued_by=actor,
    )
    for _attempt in range(SERIAL_ATTEMPTS):
        certificate.serial = next_serial(certificate.issued_at)
        certificate.code = new_check_code()
        _attach_pdf(certificate, application, round_)
        try:
            with transaction.atomic():
                certificate.save()
        except IntegrityError:
            # Someone took this serial (or, once in a lifetime, this code) a moment ago: next one.
            certificate.file.delete(save=False)
            certificate.pk = None
            continue
        return certificate, "issued"
    raise InvalidMoveError(_("Certificates are being issued by someone else right now; try again."))


def solar_year(moment: dt.datetime) -> int:
    return jdatetime.date.fromgregorian(date=timezone.localtime(moment).date()).year


def next_serial(moment: dt.datetime) -> str:
    """The next free serial of the Solar Hijri year ``moment`` falls in: ``1405/0001``, ``1405/0002`` …
    (past 9999 the number simply grows, so the longest serial is the latest)."""
    year = solar_year(moment)
    last = (
        Certificate.objects.filter(serial__startswith=f"{year}/")
        .annotate(length=Length("serial"))
        .order_by("-length", "-serial")
        .values_list("serial", flat=True)
        .first()
    )
    number = int(last.split("/", 1)[1]) + 1 if last else 1
    return f"{year}/{number:04d}"


def check_url(code: str) -> str:
    return f"{settings.PORTAL_URL}{reverse('contests:certificate-check')}?code={code}"


def wording_values(
    application: Application, round_: Round | None, place: int | None, issued_at: dt.datetime
) -> dict[str, str]:
    return {
        "name": application.full_name,
        # Titles in Persian digits, as the wording around them; a person's name as they wrote it.
        "call": persian_digits(application.call.title),
        "round": persian_digits(round_.name) if round_ is not None else "",
        "place": document.persian_ordinal(place) if place else "",
        "zone": application.zone.name_fa,
        "date": format_date(issued_at, "date", language=CERTIFICATE_LANGUAGE),
    }


def page_for(
    template: CertificateTemplate,
    values: dict[str, str],
    *,
    serial: str,
    code: str,
    issued_at: dt.datetime,
    sample: bool = False,
) -> document.CertificatePage:
    """What one certificate prints, in Persian words and digits (the name as written; the address and
    code stay Latin)."""
    with translation.override(CERTIFICATE_LANGUAGE):
        return document.CertificatePage(
            issuer=_(
                "Secretariat of the Supreme Council of Free Trade-Industrial and Special Economic Zones"
            ),
            heading=document.fill(persian_digits(template.heading), values),
            body=document.fill(persian_digits(template.body), values),
            signatory_name=template.signatory_name,
            signatory_title=template.signatory_title,
            date=format_date(issued_at, "date", language=CERTIFICATE_LANGUAGE),
            serial=persian_digits(serial),
            code=code,
            check_url=check_url(code),
            sample=sample,
        )


def render_pdf(page: document.CertificatePage) -> bytes:
    with translation.override(CERTIFICATE_LANGUAGE):
        return document.render(page)


def _attach_pdf(certificate: Certificate, application: Application, round_: Round | None) -> None:
    values = wording_values(application, round_, certificate.place, certificate.issued_at)
    page = page_for(
        certificate.template,
        values,
        serial=certificate.serial,
        code=certificate.code,
        issued_at=certificate.issued_at,
    )
    certificate.file.save("certificate.pdf", ContentFile(render_pdf(page)), save=False)


def preview(template: CertificateTemplate) -> bytes:
    """The template as it would print, each placeholder showing what it stands for: the admin's
    preview, marked as a sample so it cannot pass for a certificate."""
    now = timezone.now()
    with translation.override(CERTIFICATE_LANGUAGE):
        values = {name: f"[{label}]" for name, label in document.PLACEHOLDERS.items()}
        values["date"] = format_date(now, "date", language=CERTIFICATE_LANGUAGE)
        if template.call_id is not None:
            values["call"] = persian_digits(template.call.title)
        if template.kind == CertificateTemplate.Kind.ROUND_WINNER:
            values["place"] = document.persian_ordinal(1)
        page = page_for(
            template, values, serial=f"{solar_year(now)}/0000", code="SAMPLE", issued_at=now, sample=True
        )
    return render_pdf(page)


def allowed_placeholders(kind: str) -> tuple[str, ...]:
    if kind == CertificateTemplate.Kind.SELECTED:
        return tuple(name for name in document.PLACEHOLDERS if name not in document.ROUND_ONLY)
    return tuple(document.PLACEHOLDERS)


def wording_errors(kind: str, heading: str, body: str) -> dict[str, list[str]]:
    """Per field, what stops a template's wording from being filled in (the admin form shows them)."""
    allowed = allowed_placeholders(kind)
    errors = {
        "heading": document.wording_errors(heading, allowed=allowed),
        "body": document.wording_errors(body, allowed=allowed),
    }
    return {name: messages for name, messages in errors.items() if messages}


# Checking ----------------------------------------------------------------------------------------


def normalise_code(text: str) -> str:
    """A code as people type it: any digits, any case, with spaces or dashes."""
    return "".join(ch for ch in latin_digits(text or "").upper() if ch.isalnum())


def find_by_code(text: str) -> Certificate | None:
    code = normalise_code(text)
    if not code:
        return None
    return (
        Certificate.objects.select_related("application__call", "round", "template").filter(code=code).first()
    )
