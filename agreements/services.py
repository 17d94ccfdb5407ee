"""Every write to an agreement or an obligation goes through here, whoever makes it and from where.

Rules (docs/domain.md, Agreements): an agreement becomes active only once signed and
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

from agreements import permissions
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
from zones_portal.dates import format_date
from zones_portal.files import check_upload, stored_as, take_evidence
from zones_portal.lifecycle import (
    InvalidMoveError,
    Lifecycle,
    Move,
    on_behalf_of,
    reject_unknown_fields,
    who,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

Status = Agreement.Status
AGREEMENT_FIELDS = ("title", "subject", "summary", "signed_on", "effective_from", "expires_on", "notice_days")
OBLIGATION_FIELDS = ("description", "party", "due_on")
NOT_YOURS = _("Only the party that owes this obligation may report on it.")


MANAGED_BY_THE_SECRETARIAT = _("Only the secretariat records and changes agreements.")
AGREEMENT_LIFECYCLE = Lifecycle(
    Agreement,
    AgreementStatusChange,
    "agreement",
    {
        "negotiate": Move(
            (Status.DRAFT,),
            Status.NEGOTIATION,
            permissions.can_manage_agreements,
            MANAGED_BY_THE_SECRETARIAT,
            _("Only a draft agreement goes into negotiation."),
        ),
        "activate": Move(
            (Status.DRAFT, Status.NEGOTIATION),
            Status.ACTIVE,
            permissions.can_manage_agreements,
            MANAGED_BY_THE_SECRETARIAT,
            _("Only a draft agreement or one in negotiation can be activated."),
        ),
        "terminate": Move(
            (Status.DRAFT, Status.NEGOTIATION, Status.ACTIVE),
            Status.TERMINATED,
            permissions.can_manage_agreements,
            MANAGED_BY_THE_SECRETARIAT,
            _("This agreement has already ended."),
            reason_field="termination_reason",
            reason_required=_("Say why the agreement is terminated."),
        ),
        "expire": Move((Status.ACTIVE,), Status.EXPIRED, permissions.by_the_portal, "", ""),
    },
)
ObligationStatus = Obligation.Status
OBLIGATION_LIFECYCLE = Lifecycle(
    Obligation,
    ObligationStatusChange,
    "obligation",
    {
        "start": Move(
            (ObligationStatus.PENDING, ObligationStatus.MISSED),
            ObligationStatus.IN_PROGRESS,
            permissions.can_update_obligation,
            NOT_YOURS,
            _("This obligation is already done."),
        ),
        "complete": Move(
            (ObligationStatus.PENDING, ObligationStatus.IN_PROGRESS, ObligationStatus.MISSED),
            ObligationStatus.DONE,
            permissions.can_update_obligation,
            NOT_YOURS,
            _("This obligation is already done."),
        ),
        "miss": Move(Obligation.OPEN, ObligationStatus.MISSED, permissions.by_the_portal, "", ""),
        # Recorded by mistake, or no longer owed: it leaves the lists, the reminders and the scorecard,
        # and stays in the agreement's history. Never deleted.
        "withdraw": Move(
            (ObligationStatus.PENDING, ObligationStatus.IN_PROGRESS, ObligationStatus.MISSED),
            ObligationStatus.WITHDRAWN,
            permissions.can_manage_agreements,
            MANAGED_BY_THE_SECRETARIAT,
            _("Only an obligation not yet done can be withdrawn."),
            reason_required=_("Say why the obligation is withdrawn."),
        ),
    },
)
WITHDRAWN_OBLIGATION = _("This obligation was withdrawn; it is kept only in the agreement's history.")
# Which move a reported status makes, from any state the table allows.
REPORTED_AS = {ObligationStatus.IN_PROGRESS: "start", ObligationStatus.DONE: "complete"}


def _require_secretariat(actor: Actor) -> None:
    if not permissions.can_manage_agreements(actor):
        raise PermissionDenied(MANAGED_BY_THE_SECRETARIAT)


@transaction.atomic
def create_agreement(actor: Actor, *, parties: Iterable[dict[str, Any]] = (), **fields: Any) -> Agreement:
    """Records a new agreement as a draft, with its parties (``{"kind", "zone", "institution", "role"}``)."""
    _require_secretariat(actor)
    reject_unknown_fields(fields, AGREEMENT_FIELDS, "agreement")
    agreement = Agreement(status=Status.DRAFT, created_by=who(actor), **fields)
    agreement.full_clean(exclude=["created_by"])
    on_behalf_of(actor, agreement)
    agreement.save()
    for data in parties:
        add_party(actor, agreement, **data)
    AGREEMENT_LIFECYCLE.begin(actor, agreement)
    return agreement


@transaction.atomic
def update_agreement(actor: Actor, agreement: Agreement, **fields: Any) -> Agreement:
    _require_secretariat(actor)
    agreement = AGREEMENT_LIFECYCLE.lock(agreement)
    if agreement.status in Agreement.ENDED:
        raise InvalidMoveError(_("An expired or terminated agreement is kept as it was."))
    reject_unknown_fields(fields, AGREEMENT_FIELDS, "agreement")
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.full_clean(exclude=["created_by"])
    on_behalf_of(actor, agreement)
    agreement.save()
    return agreement


@transaction.atomic
def add_party(actor: Actor, agreement: Agreement, **fields: Any) -> Party:
    _require_secretariat(actor)
    party = Party(agreement=agreement, **fields)
    party.full_clean()
    on_behalf_of(actor, party)
    party.save()
    return party


@transaction.atomic
def start_negotiation(actor: Actor, agreement: Agreement) -> Agreement:
    agreement = AGREEMENT_LIFECYCLE.enter("negotiate", actor, agreement)
    return AGREEMENT_LIFECYCLE.move("negotiate", actor, agreement)


@transaction.atomic
def activate_agreement(actor: Actor, agreement: Agreement, today: dt.date | None = None) -> Agreement:
    """Active only once signed (a signing date and a signed PDF) and in effect (from its effective date)."""
    agreement = AGREEMENT_LIFECYCLE.enter("activate", actor, agreement)
    today = today or timezone.localdate()
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
    return AGREEMENT_LIFECYCLE.move("activate", actor, agreement)


@transaction.atomic
def terminate_agreement(actor: Actor, agreement: Agreement, reason: str) -> Agreement:
    agreement = AGREEMENT_LIFECYCLE.enter("terminate", actor, agreement, reason)
    return AGREEMENT_LIFECYCLE.move("terminate", actor, agreement, reason)


def expire_agreements(today: dt.date | None = None) -> int:
    """Records as expired every active agreement whose end date has passed. Safe to run often."""
    today = today or timezone.localdate()
    count = 0
    for candidate in Agreement.objects.filter(status=Status.ACTIVE, expires_on__lt=today).only("pk"):
        with transaction.atomic():
            agreement = AGREEMENT_LIFECYCLE.lock(candidate)
            if AGREEMENT_LIFECYCLE.allows("expire", None, agreement) and agreement.expires_on < today:
                AGREEMENT_LIFECYCLE.move("expire", None, agreement)
                count += 1
    return count


@transaction.atomic
def add_signed_document(
    actor: Actor, agreement: Agreement, upload: UploadedFile, note: str = ""
) -> SignedDocument:
    """Keeps every signed copy: a new upload is the next version, never a replacement."""
    _require_secretariat(actor)
    agreement = AGREEMENT_LIFECYCLE.lock(agreement)
    try:
        kind = check_upload(upload, DOCUMENT_KINDS, FILE_MAX_MEGABYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    latest = agreement.documents.aggregate(latest=Max("version"))["latest"] or 0
    document = SignedDocument(
        agreement=agreement,
        version=latest + 1,
        file=upload,
        original_name=stored_as(upload, kind),
        size=upload.size or 0,
        note=note.strip(),
        uploaded_by=who(actor),
    )
    on_behalf_of(actor, document)
    document.save()
    return document


# Obligations --------------------------------------------------------------------------------------


@transaction.atomic
def add_obligation(
    actor: Actor, agreement: Agreement, *, description: str, party: Party, due_on: dt.date
) -> Obligation:
    _require_secretariat(actor)
    obligation = Obligation(agreement=agreement, description=description, party=party, due_on=due_on)
    obligation.full_clean(exclude=["evidence_file"])
    on_behalf_of(actor, obligation)
    obligation.save()
    OBLIGATION_LIFECYCLE.begin(actor, obligation)
    return obligation


@transaction.atomic
def update_obligation(actor: Actor, obligation: Obligation, **fields: Any) -> Obligation:
    """The secretariat corrects what is owed, by whom and by when."""
    _require_secretariat(actor)
    obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
    if obligation.status == ObligationStatus.WITHDRAWN:
        raise InvalidMoveError(WITHDRAWN_OBLIGATION)
    reject_unknown_fields(fields, OBLIGATION_FIELDS, "obligation")
    for name, value in fields.items():
        setattr(obligation, name, value)
    obligation.full_clean(exclude=["evidence_file"])
    on_behalf_of(actor, obligation)
    obligation.save()
    return obligation


@transaction.atomic
def withdraw_obligation(actor: Actor, obligation: Obligation, reason: str) -> Obligation:
    """The secretariat takes back an obligation recorded by mistake or no longer owed, saying why."""
    obligation = OBLIGATION_LIFECYCLE.enter("withdraw", actor, obligation, reason)
    return OBLIGATION_LIFECYCLE.move("withdraw", actor, obligation, reason)


def _open_for_reports(actor: Actor, obligation: Obligation) -> Obligation:
    """The obligation, locked, once the checks every report and evidence correction share have passed."""
    obligation = (
        Obligation.objects.select_for_update().select_related("party", "agreement").get(pk=obligation.pk)
    )
    if not permissions.can_update_obligation(actor, obligation):
        raise PermissionDenied(NOT_YOURS)
    if obligation.status == ObligationStatus.WITHDRAWN:
        raise InvalidMoveError(WITHDRAWN_OBLIGATION)
    if obligation.agreement.status not in Agreement.IN_FORCE:
        raise InvalidMoveError(_("Obligations are reported only once their agreement is in force."))
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
    obligation = _open_for_reports(actor, obligation)
    if status not in REPORTED_AS:
        raise ValidationError({"status": [_("Report it as in progress or done.")]})
    moving = status != obligation.status
    if moving:
        OBLIGATION_LIFECYCLE.check(REPORTED_AS[status], actor, obligation)
        # The move saves the status alone, so its version in the history keeps the evidence as it was.
        OBLIGATION_LIFECYCLE.move(REPORTED_AS[status], actor, obligation)
    take_evidence(
        obligation,
        evidence_note,
        evidence_link,
        evidence_file,
        kinds=EVIDENCE_KINDS,
        max_megabytes=FILE_MAX_MEGABYTES,
    )
    if status == Obligation.Status.DONE and obligation.done_on is None:
        obligation.done_on = today or timezone.localdate()
    obligation.full_clean(exclude=["evidence_file"])
    on_behalf_of(actor, obligation)
    obligation.save()
    return obligation


@transaction.atomic
def correct_evidence(
    actor: Actor,
    obligation: Obligation,
    *,
    evidence_note: str | None = None,
    evidence_link: str | None = None,
    evidence_file: UploadedFile | None = None,
) -> bool:
    """Corrects the evidence of an obligation without moving its status (a better note, the right
    file); returns whether anything changed. A done obligation keeps needing evidence."""
    obligation = _open_for_reports(actor, obligation)
    before = (obligation.evidence_note, obligation.evidence_link, obligation.evidence_file.name)
    take_evidence(
        obligation,
        evidence_note,
        evidence_link,
        evidence_file,
        kinds=EVIDENCE_KINDS,
        max_megabytes=FILE_MAX_MEGABYTES,
    )
    if (obligation.evidence_note, obligation.evidence_link) == before[:2] and evidence_file is None:
        return False
    obligation.full_clean(exclude=["evidence_file"])
    on_behalf_of(actor, obligation)
    obligation.save()
    return True


def mark_missed_obligations(today: dt.date | None = None) -> int:
    """Records as missed every open obligation past its due date; the party may still finish it late."""
    today = today or timezone.localdate()
    count = 0
    due = Obligation.objects.filter(
        status__in=OBLIGATION_LIFECYCLE.sources("miss"),
        due_on__lt=today,
        agreement__status__in=Agreement.IN_FORCE,
    )
    for obligation in due.only("pk"):
        with transaction.atomic():
            locked = OBLIGATION_LIFECYCLE.lock(obligation)
            if OBLIGATION_LIFECYCLE.allows("miss", None, locked) and locked.due_on < today:
                OBLIGATION_LIFECYCLE.move("miss", None, locked)
                count += 1
    return count
