"""Every write to talent calls, applications, scores and the artist network goes through here.

The public form, the API's nominations, the jury pages and the admin all call
these functions; none repeats a rule. Refusals raise ``ValidationError`` with
a message per field (bad input), ``PermissionDenied`` (wrong person) or
``InvalidMoveError`` (wrong moment).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from talent import permissions
from talent.models import (
    PORTFOLIO_LIMITS,
    PORTFOLIO_MAX_FILES,
    Application,
    ApplicationStatusChange,
    Artist,
    Assignment,
    JuryMember,
    PortfolioFile,
    Receipt,
    Score,
    TalentCall,
    age_on,
)
from zones_portal.dates import format_date
from zones_portal.files import check_upload, stored_as
from zones_portal.i18n import join_list
from zones_portal.lifecycle import InvalidMoveError, Lifecycle, Move, on_behalf_of, reject_unknown_fields
from zones_portal.mail import send_templated_mail
from zones_portal.models import Institution
from zones_portal.queueing import lease_kept, queue_after_commit, queue_now
from zones_portal.signals import call_opened
from zones_portal.widgets import latin_number, readers_number

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User, Zone

    Actor = User | AnonymousUser | None

Status = Application.Status
DUPLICATE = _(
    "An application with this email has already been sent to this call. Use its tracking code to follow it."
)
APPLICANT_FIELDS = (
    "full_name",
    "birth_date",
    "zone",
    "email",
    "phone",
    "discipline",
    "statement",
    "portfolio_links",
    "consent",
)


DECIDED_BY_THE_SECRETARIAT = _("Only the secretariat decides on applications.")
UNDECIDED = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.SHORTLISTED)
APPLICATION_LIFECYCLE = Lifecycle(
    Application,
    ApplicationStatusChange,
    "application",
    {
        "withdraw": Move(
            UNDECIDED,
            Status.WITHDRAWN,
            permissions.the_applicant,
            "",
            _("This application can no longer be withdrawn."),
        ),
        "review": Move((Status.SUBMITTED,), Status.UNDER_REVIEW, permissions.by_the_portal, "", ""),
        "shortlist": Move(
            (Status.SUBMITTED, Status.UNDER_REVIEW),
            Status.SHORTLISTED,
            permissions.can_manage_calls,
            DECIDED_BY_THE_SECRETARIAT,
            _("Only an application under review can be shortlisted."),
        ),
        "select": Move(
            UNDECIDED,
            Status.SELECTED,
            permissions.can_manage_calls,
            DECIDED_BY_THE_SECRETARIAT,
            _("Only an application under review or shortlisted can be selected."),
        ),
        "turn_down": Move(
            UNDECIDED,
            Status.NOT_SELECTED,
            permissions.can_manage_calls,
            DECIDED_BY_THE_SECRETARIAT,
            _("Only an application under review or shortlisted can be turned down."),
        ),
    },
    touched=(),
)


# Applying ------------------------------------------------------------------------------------------


def eligibility_errors(
    call: TalentCall, *, birth_date: dt.date | None, zone: Zone | None
) -> dict[str, list[str]]:
    """Why this person may not apply to this call (empty when they may). Age counts on the closing day."""
    errors: dict[str, list[str]] = {}
    if birth_date is not None:
        closing_day = timezone.localtime(call.closes_at).date()
        years = age_on(birth_date, closing_day)
        too_young = call.min_age is not None and years < call.min_age
        too_old = call.max_age is not None and years > call.max_age
        if too_young or too_old:
            errors["birth_date"] = [
                _("This call is for applicants aged %(min)s to %(max)s on %(day)s.")
                % {
                    "min": call.min_age if call.min_age is not None else 0,
                    "max": call.max_age if call.max_age is not None else "—",
                    "day": format_date(closing_day),
                }
            ]
    if zone is not None:
        eligible = list(call.eligible_zones.all())
        if eligible and zone not in eligible:
            errors["zone"] = [
                _("This call is open to applicants from %(zones)s only.") % {"zones": join_list(eligible)}
            ]
    return errors


def _check_files(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    if len(files) > PORTFOLIO_MAX_FILES:
        raise ValidationError(
            {"files": [_("Send at most %(count)s files.") % {"count": PORTFOLIO_MAX_FILES}]}
        )
    checked, errors = [], []
    for upload in files:
        try:
            kind = check_upload(upload, PORTFOLIO_LIMITS, max(PORTFOLIO_LIMITS.values()))
            check_upload(upload, [kind], PORTFOLIO_LIMITS[kind])  # the limit of its own kind
        except ValidationError as error:
            errors.extend(error.messages)
        else:
            checked.append((upload, kind))
    if errors:
        raise ValidationError({"files": errors})
    return checked


def _check_links(text: str) -> None:
    validate = URLValidator(schemes=["http", "https"])
    bad = []
    for line in (line.strip() for line in text.splitlines()):
        if not line:
            continue
        try:
            validate(line)
        except ValidationError:
            bad.append(line)
    if bad:
        raise ValidationError(
            {"portfolio_links": [_("These are not web addresses: %(links)s") % {"links": ", ".join(bad)}]}
        )


@transaction.atomic
def apply(
    call: TalentCall,
    *,
    files: Sequence[UploadedFile] = (),
    nominated_by: Institution | None = None,
    now: dt.datetime | None = None,
    **data: Any,
) -> Application:
    """An artist (or an institution nominating one) applies; the same checks for both."""
    from talent import tasks  # noqa: PLC0415 - tasks.py imports this module

    now = now or timezone.now()
    reject_unknown_fields(data, APPLICANT_FIELDS, "application")
    call = TalentCall.objects.select_for_update().get(pk=call.pk)
    phase = call.phase(now)
    if phase == TalentCall.Phase.UPCOMING:
        raise InvalidMoveError(
            _("This call opens on %(day)s.") % {"day": format_date(call.opens_at, "datetime")}
        )
    if phase != TalentCall.Phase.OPEN:
        raise InvalidMoveError(
            _("This call closed on %(day)s; applications are no longer accepted.")
            % {"day": format_date(call.closes_at, "datetime")}
        )
    data["email"] = (data.get("email") or "").strip().lower()
    application = Application(
        call=call, nominated_by=nominated_by, language=(get_language() or "fa")[:2], submitted_at=now, **data
    )
    errors, checked_files = _application_errors(call, application, files)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # a simultaneous second application by the same person
        raise ValidationError({"email": [DUPLICATE]}) from None
    for upload, kind in checked_files:
        label = stored_as(upload, kind)
        PortfolioFile.objects.create(
            application=application,
            file=upload,
            original_name=label,
            kind=kind,
            size=upload.size or 0,
        )
    APPLICATION_LIFECYCLE.begin(None, application)
    sync_assignments(call, applications=[application])
    # The receipt is owed from the same commit as the application; queueing it can fail (broker down)
    # without costing the applicant their answer: the receipt sweep sends what is still owed.
    receipt = Receipt.objects.create(application=application, created_at=now)
    queue_after_commit(
        tasks.send_application_receipt,
        application.pk,
        on_queued=lambda: Receipt.objects.filter(pk=receipt.pk).update(queued_at=timezone.now()),
    )
    return application


def _application_errors(
    call: TalentCall, application: Application, files: Sequence[UploadedFile]
) -> tuple[dict[str, list[str]], list[tuple[UploadedFile, str]]]:
    """Every reason to refuse an application at once, per field, so the applicant fixes all in one go."""
    errors = eligibility_errors(
        call, birth_date=application.birth_date, zone=getattr(application, "zone", None)
    )

    def add(key: str, messages: Iterable[str]) -> None:
        errors.setdefault(key, []).extend(messages)

    if not application.consent:
        add("consent", [_("Your consent is needed to keep and share your details with the jury.")])
    if application.discipline_id and not call.disciplines.filter(pk=application.discipline_id).exists():
        add("discipline", [_("This call does not cover that discipline.")])
    if application.email and Application.objects.filter(call=call, email=application.email).exists():
        add("email", [DUPLICATE])
    checked_files: list[tuple[UploadedFile, str]] = []
    for check in (
        lambda: _check_links(application.portfolio_links),
        lambda: checked_files.extend(_check_files(files)),
    ):
        try:
            check()
        except ValidationError as error:
            for key, messages in error.message_dict.items():
                add(key, messages)
    try:
        application.full_clean(exclude=["call", "tracking_code", "nominated_by"])
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            add(key, messages)
    return errors, checked_files


def find_application(tracking_code: str, email: str) -> Application | None:
    """Both must match: a tracking code alone shows nothing."""
    code = tracking_code.strip().upper()
    if len(code) == 8 and "-" not in code:
        code = f"{code[:4]}-{code[4:]}"
    return (
        Application.objects.select_related("call", "discipline", "zone")
        .filter(tracking_code=code, email=email.strip().lower())
        .first()
    )


@transaction.atomic
def withdraw(application: Application, email: str) -> Application:
    """The applicant withdraws, proving who they are with the email they applied with."""
    application = APPLICATION_LIFECYCLE.lock(application)
    if application.email != email.strip().lower():
        raise PermissionDenied(_("The email does not match this application."))
    APPLICATION_LIFECYCLE.check("withdraw", None, application)
    return APPLICATION_LIFECYCLE.move("withdraw", None, application)


# Receipts ------------------------------------------------------------------------------------------

# The commit's own queueing gets this long before the sweep queues a receipt too.
RECEIPT_OWED_AFTER = dt.timedelta(minutes=1)
# A receipt queued but not sent by then (its message lost with a broker that restarted) is queued again.
RECEIPT_REQUEUE_AFTER = dt.timedelta(minutes=10)
# An address that refuses every try is given up after this many; the error stays on the receipt.
RECEIPT_MAX_ATTEMPTS = 6


def receipt_message_id(application: Application) -> str:
    """The same for every attempt at one receipt, so a receiving server can drop a repeat."""
    return f"<receipt-{application.pk}@{settings.ICAL_UID_DOMAIN}>"


def send_receipt(application_id: int, now: dt.datetime | None = None) -> str:
    """Mails the applicant their tracking code, once however often it is queued: sent, skipped (sent
    already, being sent by another worker, or given up) or gone. Mail errors are recorded and raised, so
    the task tries again later."""
    now = now or timezone.now()
    application = (
        Application.objects.select_related("call", "discipline", "zone").filter(pk=application_id).first()
    )
    if application is None:
        return "gone"
    # A message queued before receipts had rows of their own (a deploy in progress) finds none: it is
    # owed all the same.
    receipt, _created = Receipt.objects.get_or_create(application=application, defaults={"created_at": now})
    lease = dt.timedelta(seconds=settings.REMINDER_SENDING_LEASE_SECONDS)
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    claimed = Receipt.objects.filter(
        free, pk=receipt.pk, sent_at__isnull=True, attempts__lt=RECEIPT_MAX_ATTEMPTS
    ).update(lease_until=now + lease, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    # This claim, and only while it holds: a worker whose lease ran out and was taken over changes nothing.
    attempt = Receipt.objects.filter(pk=receipt.pk).values_list("attempts", flat=True).get()
    mine = Receipt.objects.filter(pk=receipt.pk, sent_at__isnull=True, attempts=attempt)
    try:
        with lease_kept(mine, "lease_until", lease.total_seconds()):
            send_templated_mail(
                [application.email],
                "talent/receipt",
                {"application": application, "portal_url": settings.PORTAL_URL},
                application.language,
                headers={"Message-ID": receipt_message_id(application)},
            )
    except OSError as error:  # SMTP errors included: the task tries again
        mine.update(lease_until=None, last_error=f"{error.__class__.__name__}: {error}")
        raise
    mine.update(sent_at=timezone.now(), lease_until=None, last_error="")
    return "sent"


def queue_owed_receipts(now: dt.datetime | None = None) -> list[int]:
    """Queues every receipt still owed a minute after its application (the broker was down at the
    commit, or its message was lost), the oldest first; stops at the first refusal of the broker, which
    is logged, and the next run goes on. Returns the applications whose receipts were queued."""
    from talent import tasks  # noqa: PLC0415 - tasks.py imports this module

    now = now or timezone.now()
    owed = (
        Receipt.objects.filter(
            Q(queued_at__isnull=True) | Q(queued_at__lt=now - RECEIPT_REQUEUE_AFTER),
            Q(lease_until__isnull=True) | Q(lease_until__lt=now),
            sent_at__isnull=True,
            created_at__lte=now - RECEIPT_OWED_AFTER,
            attempts__lt=RECEIPT_MAX_ATTEMPTS,
        )
        .order_by("created_at", "pk")
        .values_list("pk", "application_id")
    )
    queued: dict[int, int] = {}
    for receipt_id, application_id in owed:
        if not queue_now(tasks.send_application_receipt, application_id):
            break
        queued[receipt_id] = application_id
    ids = list(queued)
    for first in range(0, len(ids), 5_000):  # ids per UPDATE: within every database's parameter limit
        Receipt.objects.filter(pk__in=ids[first : first + 5_000]).update(queued_at=timezone.now())
    return list(queued.values())


# The jury ------------------------------------------------------------------------------------------


def sync_assignments(call: TalentCall, applications: Iterable[Application] | None = None) -> int:
    """Puts each application before every juror of its call who judges its discipline."""
    jury = list(JuryMember.objects.filter(call=call).prefetch_related("disciplines"))
    applications = (
        list(applications)
        if applications is not None
        else list(call.applications.exclude(status=Status.WITHDRAWN))
    )
    existing = set(
        Assignment.objects.filter(application__in=applications).values_list("application_id", "juror_id")
    )
    wanted = []
    for application in applications:
        for member in jury:
            judged = {d.pk for d in member.disciplines.all()}
            if (not judged or application.discipline_id in judged) and (
                application.pk,
                member.user_id,
            ) not in existing:
                wanted.append(Assignment(application=application, juror_id=member.user_id))
    Assignment.objects.bulk_create(wanted, ignore_conflicts=True)
    return len(wanted)


def checked_scores(criteria: Iterable[Any], values: Mapping[Any, object]) -> dict[Any, Decimal]:
    """Each criterion's score as typed (۷٫۵, ٧ or 7.5), from 0 to its maximum in hundredths, with every
    criterion's error at once under ``criterion_<id>`` (the forms' and the API's field names). The one
    check for a talent call's jurors and a competition's judges, at their desks or on stage; ``values`` is
    keyed by the criterion's id, as a number or as text, or by its field name."""
    clean: dict[Any, Decimal] = {}
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        key = f"criterion_{criterion.pk}"
        typed = next(
            (values[name] for name in (criterion.pk, str(criterion.pk), key) if values.get(name) is not None),
            None,
        )
        text = "" if typed is None else latin_number(str(typed)).strip()
        if not text:
            errors[key] = [_("Give a score for “%(criterion)s”.") % {"criterion": criterion.name}]
            continue
        try:
            value = Decimal(text)
        except ArithmeticError:
            errors[key] = [_("Write the score as a number, such as 7 or 7.5.")]
            continue
        if not value.is_finite() or value < 0 or value > criterion.max_score:
            errors[key] = [
                _("“%(criterion)s” is scored from 0 to %(max)s.")
                % {"criterion": criterion.name, "max": readers_number(str(criterion.max_score))}
            ]
            continue
        if value != value.quantize(Decimal("0.01")):
            errors[key] = [_("Use at most two decimal places.")]
            continue
        clean[criterion] = value.quantize(Decimal("0.01"))
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def score(actor: Actor, assignment: Assignment, values: Mapping[int, Decimal | int | str]) -> Assignment:
    """A juror scores every criterion of an application assigned to them, each within its bounds."""
    assignment = (
        Assignment.objects.select_for_update().select_related("application__call").get(pk=assignment.pk)
    )
    if not permissions.can_score(actor, assignment):
        raise PermissionDenied(_("Only the juror this application is assigned to may score it."))
    application = assignment.application
    if application.call.status == TalentCall.Status.FINISHED or application.status in (Status.WITHDRAWN,):
        raise InvalidMoveError(_("This application is no longer being judged."))
    clean = checked_scores(application.call.criteria.all(), values)
    now = timezone.now()
    for criterion, value in clean.items():
        Score.objects.update_or_create(
            assignment=assignment, criterion=criterion, defaults={"value": value, "scored_at": now}
        )
    assignment.scored_at = now
    assignment.save(update_fields=["scored_at"])
    if APPLICATION_LIFECYCLE.allows("review", None, application):
        APPLICATION_LIFECYCLE.move("review", None, application)
    return assignment


@transaction.atomic
def declare_conflict(actor: Actor, assignment: Assignment, note: str) -> Assignment:
    """The juror steps aside: the application leaves their queue and their scores leave the averages."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if not permissions.can_score(actor, assignment):
        raise PermissionDenied(_("Only the juror this application is assigned to may declare a conflict."))
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": [_("Say briefly what the conflict of interest is.")]})
    assignment.scores.all().delete()
    assignment.conflict_declared_at = timezone.now()
    assignment.conflict_note = note
    assignment.scored_at = None
    assignment.save(update_fields=["conflict_declared_at", "conflict_note", "scored_at"])
    return assignment


# Ranking and decisions -----------------------------------------------------------------------------


@dataclass
class Ranked:
    application: Application
    total: Decimal  # 0 to 100: the weighted average of each criterion's mean, as a share of its maximum
    jurors: int
    by_criterion: dict[int, Decimal] = field(default_factory=dict)  # criterion id -> mean raw score


def ranking(call: TalentCall) -> list[Ranked]:
    """Applications by weighted score, highest first; unscored ones last. Conflicted scores never count.

    For each criterion the jurors' mean is taken, divided by the criterion's maximum, weighted,
    and the weighted sum divided by the total weight: so criteria on different scales compare fairly.
    """
    criteria = {c.pk: c for c in call.criteria.all()}
    total_weight = sum((c.weight for c in criteria.values()), Decimal(0))
    counted = Q(assignment__conflict_declared_at__isnull=True)
    means = (
        Score.objects.filter(counted, assignment__application__call=call)
        .values("assignment__application_id", "criterion_id")
        .annotate(mean=Avg("value"))
    )
    juror_counts = dict(
        Assignment.objects.filter(
            application__call=call, conflict_declared_at__isnull=True, scored_at__isnull=False
        )
        .values("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
    per_application: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for row in means:
        per_application[row["assignment__application_id"]][row["criterion_id"]] = Decimal(str(row["mean"]))
    ranked = []
    for application in call.applications.exclude(status=Status.WITHDRAWN).select_related(
        "zone", "discipline"
    ):
        scores = per_application.get(application.pk, {})
        total = Decimal(0)
        if scores and total_weight:
            weighted = sum(
                (
                    criteria[cid].weight * (mean / criteria[cid].max_score)
                    for cid, mean in scores.items()
                    if cid in criteria
                ),
                Decimal(0),
            )
            total = (weighted / total_weight * 100).quantize(Decimal("0.01"))
        ranked.append(Ranked(application, total, juror_counts.get(application.pk, 0), scores))
    ranked.sort(key=lambda r: (r.jurors == 0, -r.total, r.application.submitted_at))
    return ranked


def _require_manager(actor: Actor) -> None:
    if not permissions.can_manage_calls(actor):
        raise PermissionDenied(DECIDED_BY_THE_SECRETARIAT)


@transaction.atomic
def shortlist(actor: Actor, application: Application) -> Application:
    application = APPLICATION_LIFECYCLE.enter("shortlist", actor, application)
    return APPLICATION_LIFECYCLE.move("shortlist", actor, application)


@transaction.atomic
def select(actor: Actor, application: Application) -> Artist:
    """Selected artists join the network, in the discipline and zone they applied with."""
    application = APPLICATION_LIFECYCLE.enter("select", actor, application)
    APPLICATION_LIFECYCLE.move("select", actor, application)
    artist, _created = Artist.objects.get_or_create(
        application=application,
        defaults={
            "full_name": application.full_name,
            "zone_id": application.zone_id,
            "email": application.email,
            "phone": application.phone,
            "bio": application.statement,
        },
    )
    artist.disciplines.add(application.discipline_id)
    return artist


@transaction.atomic
def reject(actor: Actor, application: Application) -> Application:
    application = APPLICATION_LIFECYCLE.enter("turn_down", actor, application)
    return APPLICATION_LIFECYCLE.move("turn_down", actor, application)


@transaction.atomic
def publish_call(actor: Actor, call: TalentCall) -> TalentCall:
    _require_manager(actor)
    call = TalentCall.objects.select_for_update().get(pk=call.pk)
    if call.status != TalentCall.Status.DRAFT:
        raise InvalidMoveError(_("Only a draft call can be published."))
    problems = []
    if not call.disciplines.exists():
        problems.append(_("Name the call's disciplines."))
    if not call.criteria.exists():
        problems.append(_("Add its scoring criteria."))
    if problems:
        raise InvalidMoveError(problems)
    call.status = TalentCall.Status.PUBLISHED
    on_behalf_of(actor, call)
    call.save(update_fields=["status", "updated_at"])
    if call.opens_at <= timezone.now():  # one that opens later is announced when it opens (webhooks)
        call_opened.send(sender=TalentCall, call=call)
    return call


@transaction.atomic
def finish_call(actor: Actor, call: TalentCall) -> TalentCall:
    """Closes the review: whoever was not selected is told so."""
    _require_manager(actor)
    call = TalentCall.objects.select_for_update().get(pk=call.pk)
    if call.phase() != TalentCall.Phase.REVIEW:
        raise InvalidMoveError(_("Only a call that has closed and is under review can be finished."))
    for application in call.applications.filter(status__in=APPLICATION_LIFECYCLE.sources("turn_down")):
        APPLICATION_LIFECYCLE.move("turn_down", actor, application)
    call.status = TalentCall.Status.FINISHED
    on_behalf_of(actor, call)
    call.save(update_fields=["status", "updated_at"])
    return call
