"""Every write to an agreement or an obligation goes through here, whoever makes it and from where.

Rules (DOMAIN.md, Agreements): an agreement becomes active only once signed and
in effect; it reads as expired once its end date has passed; an obligation can
be marked done only with evidence; one past its due date and not done reads as
missed. Every status change records who and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agreements.models import (
    DOCUMENT_KINDS,
    EVIDENCE_KINDS,
    FILE_MAX_MEGABYTES,
    Agreement,
    AgreementStatusChange,
    Obligation,
    ObligationStatusChange,
    Party,
    SignedDocument,
)
from zones_portal import permissions
from zones_portal.dates import format_date
from zones_portal.files import check_upload
from zones_portal.services import InvalidMoveError

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

Status = Agreement.Status
AGREEMENT_FIELDS = ("title", "subject", "summary", "signed_on", "effective_from", "expires_on", "notice_days")
NOT_YOURS = _("Only the party that owes this obligation may report on it.")
OPEN_OBLIGATION = (Obligation.Status.PENDING, Obligation.Status.IN_PROGRESS)


def _who(actor: Actor) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _require_secretariat(actor: Actor) -> None:
    if not permissions.can_manage_agreements(actor):
        raise PermissionDenied(_("Only the secretariat records and changes agreements."))


def _lock(agreement: Agreement) -> Agreement:
    Agreement.objects.select_for_update().filter(pk=agreement.pk).values_list("pk", flat=True).first()
    agreement.refresh_from_db()
    return agreement


def _move(agreement: Agreement, to: str, actor: Actor, reason: str = "") -> Agreement:
    AgreementStatusChange.objects.create(
        agreement=agreement, from_status=agreement.status, to_status=to, changed_by=_who(actor), reason=reason
    )
    agreement.status = to
    fields = ["status", "updated_at"]
    if to == Status.TERMINATED:
        agreement.termination_reason = reason
        fields.append("termination_reason")
    agreement.save(update_fields=fields)
    return agreement


@transaction.atomic
def create_agreement(actor: Actor, *, parties: Iterable[dict[str, Any]] = (), **fields: Any) -> Agreement:
    """Records a new agreement as a draft, with its parties (``{"kind", "zone", "institution", "role"}``)."""
    _require_secretariat(actor)
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"Not agreement fields: {', '.join(sorted(unknown))}")
    agreement = Agreement(status=Status.DRAFT, created_by=_who(actor), **fields)
    agreement.full_clean(exclude=["created_by"])
    agreement.save()
    for data in parties:
        add_party(actor, agreement, **data)
    AgreementStatusChange.objects.create(agreement=agreement, to_status=Status.DRAFT, changed_by=_who(actor))
    return agreement


@transaction.atomic
def update_agreement(actor: Actor, agreement: Agreement, **fields: Any) -> Agreement:
    _require_secretariat(actor)
    agreement = _lock(agreement)
    if agreement.status in (Status.EXPIRED, Status.TERMINATED):
        raise InvalidMoveError(_("An expired or terminated agreement is kept as it was."))
    for name, value in fields.items():
        if name not in AGREEMENT_FIELDS:
            raise TypeError(f"Not an agreement field: {name}")
        setattr(agreement, name, value)
    agreement.full_clean(exclude=["created_by"])
    agreement.save()
    return agreement


@transaction.atomic
def add_party(actor: Actor, agreement: Agreement, **fields: Any) -> Party:
    _require_secretariat(actor)
    party = Party(agreement=agreement, **fields)
    party.full_clean()
    party.save()
    return party


@transaction.atomic
def start_negotiation(actor: Actor, agreement: Agreement) -> Agreement:
    _require_secretariat(actor)
    agreement = _lock(agreement)
    if agreement.status != Status.DRAFT:
        raise InvalidMoveError(_("Only a draft agreement goes into negotiation."))
    return _move(agreement, Status.NEGOTIATION, actor)


@transaction.atomic
def activate_agreement(actor: Actor, agreement: Agreement, today: dt.date | None = None) -> Agreement:
    """Active only once signed (a signing date and a signed PDF) and in effect (from its effective date)."""
    _require_secretariat(actor)
    agreement = _lock(agreement)
    today = today or timezone.localdate()
    if agreement.status not in (Status.DRAFT, Status.NEGOTIATION):
        raise InvalidMoveError(_("Only a draft agreement or one in negotiation can be activated."))
    problems = []
    if agreement.signed_on is None or agreement.signed_on > today:
        problems.append(_("Record the date it was signed."))
    if not agreement.documents.exists():
        problems.append(_("Upload the signed document."))
    if agreement.effective_from is None:
        problems.append(_("Record the date it takes effect."))
    elif agreement.effective_from > today:
        problems.append(
            _("It takes effect on %(date)s; it can be activated from that day.")
            % {"date": format_date(agreement.effective_from)}
        )
    if agreement.expires_on is not None and agreement.expires_on < today:
        problems.append(_("Its end date has already passed."))
    if not agreement.parties.exists():
        problems.append(_("Name its parties."))
    if problems:
        raise InvalidMoveError(problems)
    return _move(agreement, Status.ACTIVE, actor)


@transaction.atomic
def terminate_agreement(actor: Actor, agreement: Agreement, reason: str) -> Agreement:
    _require_secretariat(actor)
    agreement = _lock(agreement)
    if agreement.status in (Status.EXPIRED, Status.TERMINATED):
        raise InvalidMoveError(_("This agreement has already ended."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the agreement is terminated.")]})
    return _move(agreement, Status.TERMINATED, actor, reason)


def expire_agreements(today: dt.date | None = None) -> int:
    """Records as expired every active agreement whose end date has passed. Safe to run often."""
    today = today or timezone.localdate()
    count = 0
    for candidate in Agreement.objects.filter(status=Status.ACTIVE, expires_on__lt=today).only("pk"):
        with transaction.atomic():
            agreement = _lock(candidate)
            if agreement.status == Status.ACTIVE and agreement.expires_on and agreement.expires_on < today:
                _move(agreement, Status.EXPIRED, None)
                count += 1
    return count


@transaction.atomic
def add_signed_document(
    actor: Actor, agreement: Agreement, upload: UploadedFile, note: str = ""
) -> SignedDocument:
    """Keeps every signed copy: a new upload is the next version, never a replacement."""
    _require_secretariat(actor)
    agreement = _lock(agreement)
    try:
        check_upload(upload, DOCUMENT_KINDS, FILE_MAX_MEGABYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    latest = agreement.documents.aggregate(latest=Max("version"))["latest"] or 0
    return SignedDocument.objects.create(
        agreement=agreement,
        version=latest + 1,
        file=upload,
        original_name=upload.name[:255],
        size=upload.size or 0,
        note=note.strip(),
        uploaded_by=_who(actor),
    )


# Obligations --------------------------------------------------------------------------------------


def _move_obligation(obligation: Obligation, to: str, actor: Actor, reason: str = "") -> None:
    ObligationStatusChange.objects.create(
        obligation=obligation,
        from_status=obligation.status,
        to_status=to,
        changed_by=_who(actor),
        reason=reason,
    )
    obligation.status = to


@transaction.atomic
def add_obligation(
    actor: Actor, agreement: Agreement, *, description: str, party: Party, due_on: dt.date
) -> Obligation:
    _require_secretariat(actor)
    obligation = Obligation(agreement=agreement, description=description, party=party, due_on=due_on)
    obligation.full_clean(exclude=["evidence_file"])
    obligation.save()
    ObligationStatusChange.objects.create(
        obligation=obligation, to_status=Obligation.Status.PENDING, changed_by=_who(actor)
    )
    return obligation


@transaction.atomic
def update_obligation(actor: Actor, obligation: Obligation, **fields: Any) -> Obligation:
    """The secretariat corrects what is owed, by whom and by when."""
    _require_secretariat(actor)
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    for name, value in fields.items():
        if name not in ("description", "party", "due_on"):
            raise TypeError(f"Not an obligation field: {name}")
        setattr(obligation, name, value)
    obligation.full_clean(exclude=["evidence_file"])
    obligation.save()
    return obligation


@transaction.atomic
def report_obligation(
    actor: Actor,
    obligation: Obligation,
    *,
    status: str,
    evidence_note: str | None = None,
    evidence_link: str | None = None,
    evidence_file: UploadedFile | None = None,
    today: dt.date | None = None,
) -> Obligation:
    """The party that owes it reports progress; 'done' needs evidence, old or new."""
    obligation = (
        Obligation.objects.select_for_update().select_related("party", "agreement").get(pk=obligation.pk)
    )
    if not permissions.can_update_obligation(actor, obligation):
        raise PermissionDenied(NOT_YOURS)
    if obligation.agreement.status not in (Status.ACTIVE, Status.EXPIRED):
        raise InvalidMoveError(_("Obligations are reported only once their agreement is in force."))
    if status not in (Obligation.Status.IN_PROGRESS, Obligation.Status.DONE):
        raise ValidationError({"status": [_("Report it as in progress or done.")]})
    if obligation.status == Obligation.Status.DONE and status != Obligation.Status.DONE:
        raise InvalidMoveError(_("This obligation is already done."))
    if evidence_note is not None:
        obligation.evidence_note = evidence_note.strip()
    if evidence_link is not None:
        obligation.evidence_link = evidence_link.strip()
    if evidence_file is not None:
        try:
            check_upload(evidence_file, EVIDENCE_KINDS, FILE_MAX_MEGABYTES)
        except ValidationError as error:
            raise ValidationError({"evidence_file": error.messages}) from error
        replaced = obligation.evidence_file.name if obligation.evidence_file else ""
        obligation.evidence_file = evidence_file
        obligation.evidence_file_name = evidence_file.name[:255]
        if replaced:
            # The replaced file is not kept: evidence is one file, and a stray copy would outlive its checks.
            storage = obligation.evidence_file.storage
            transaction.on_commit(lambda: storage.delete(replaced))
    if status != obligation.status:
        _move_obligation(obligation, status, actor)
    if status == Obligation.Status.DONE and obligation.done_on is None:
        obligation.done_on = today or timezone.localdate()
    obligation.full_clean(exclude=["evidence_file"])
    obligation.save()
    return obligation


def mark_missed_obligations(today: dt.date | None = None) -> int:
    """Records as missed every open obligation past its due date; the party may still finish it late."""
    today = today or timezone.localdate()
    count = 0
    due = Obligation.objects.filter(
        status__in=OPEN_OBLIGATION, due_on__lt=today, agreement__status__in=(Status.ACTIVE, Status.EXPIRED)
    )
    for obligation in due.only("pk"):
        with transaction.atomic():
            locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
            if locked.status in OPEN_OBLIGATION and locked.due_on < today:
                _move_obligation(locked, Obligation.Status.MISSED, None)
                locked.save(update_fields=["status", "updated_at"])
                count += 1
    return count
