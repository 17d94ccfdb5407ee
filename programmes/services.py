"""Every write to the annual programmes goes through here, whoever makes it and from where.

The programme's lifecycle is declared once (docs/architecture.md): a zone drafts it, its deputy submits
it (draft or returned → submitted), the secretariat returns it with a comment (submitted → returned) or
approves it (submitted → approved), and may reopen an approved one, saying why (approved → returned),
since a plan agreed in Esfand can need changing in Mehr. Each submission and each approval freezes a
numbered ``ProgrammeVersion`` of the whole programme, so any two can be compared later. Activities are
added, changed and removed only while the programme is a draft or returned.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes import permissions
from programmes.models import (
    PlannedActivity,
    Programme,
    ProgrammeStatusChange,
    ProgrammeVersion,
    ProgrammeYear,
)
from zones_portal.lifecycle import InvalidMoveError, Lifecycle, Move, on_behalf_of, reject_unknown_fields, who
from zones_portal.models import Institution, Zone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

Status = Programme.Status
ONLY_THE_SECRETARIAT = _("Only the secretariat returns, approves or reopens a programme.")

PROGRAMME_LIFECYCLE = Lifecycle(
    Programme,
    ProgrammeStatusChange,
    "programme",
    {
        "submit": Move(
            sources=(Status.DRAFT, Status.RETURNED),
            target=Status.SUBMITTED,
            may=permissions.can_submit,
            not_allowed=_("Only the zone's deputy submits its programme to the secretariat."),
            wrong_state=_("Only a draft or a returned programme can be submitted."),
        ),
        "return": Move(
            sources=(Status.SUBMITTED,),
            target=Status.RETURNED,
            may=permissions.can_decide,
            not_allowed=ONLY_THE_SECRETARIAT,
            wrong_state=_("Only a submitted programme can be returned for revision."),
            reason_field="return_comment",
            reason_required=_("Say what the zone should revise; the zone reads your comment."),
        ),
        "approve": Move(
            sources=(Status.SUBMITTED,),
            target=Status.APPROVED,
            may=permissions.can_decide,
            not_allowed=ONLY_THE_SECRETARIAT,
            wrong_state=_("Only a submitted programme can be approved."),
        ),
        "reopen": Move(
            sources=(Status.APPROVED,),
            target=Status.RETURNED,
            may=permissions.can_decide,
            not_allowed=ONLY_THE_SECRETARIAT,
            wrong_state=_("Only an approved programme can be reopened."),
            reason_field="return_comment",
            reason_required=_("Say why the approved programme is reopened and what should change."),
        ),
    },
    touched=("updated_at", "submitted_at", "approved_at"),
)

ACTIVITY_FIELDS = (
    "title",
    "description",
    "category",
    "quarter",
    "month",
    "expected_audience",
    "budget_zone",
    "budget_secretariat",
    "budget_partner",
    "sort_order",
)
NOT_EDITABLE = _("The programme can be changed only while it is a draft or returned for revision.")


def _require_drafter(actor: Actor, programme: Programme) -> None:
    if not permissions.can_draft(actor, programme):
        raise PermissionDenied(_("Only the zone's own people draft its programme."))


def _require_editable(programme: Programme) -> None:
    if programme.status not in Programme.EDITABLE:
        raise InvalidMoveError(NOT_EDITABLE)


@transaction.atomic
def start_programme(actor: Actor, *, zone: Zone, year: ProgrammeYear, summary: str = "") -> Programme:
    """Opens the zone's programme for a year as a draft; a zone has one programme a year."""
    programme = Programme(zone=zone, year=year, summary=summary.strip(), created_by=who(actor))
    _require_drafter(actor, programme)
    if Programme.objects.filter(zone=zone, year=year).exists():
        raise ValidationError(_("Your zone already has a programme for %(year)s.") % {"year": year.year})
    on_behalf_of(actor, programme)
    try:
        with transaction.atomic():
            programme.save()
    except IntegrityError as error:  # two people starting it at the same moment
        raise ValidationError(
            _("Your zone already has a programme for %(year)s.") % {"year": year.year}
        ) from error
    PROGRAMME_LIFECYCLE.begin(actor, programme)
    return programme


@transaction.atomic
def update_programme(actor: Actor, programme: Programme, *, summary: str) -> Programme:
    """Changes the aims of the year while the programme may be changed."""
    programme = PROGRAMME_LIFECYCLE.lock(programme)
    _require_drafter(actor, programme)
    _require_editable(programme)
    programme.summary = summary.strip()
    on_behalf_of(actor, programme)
    programme.save(update_fields=["summary", "updated_at"])
    return programme


def _apply_activity(
    actor: Actor,
    activity: PlannedActivity,
    fields: dict[str, Any],
    partner_zones: Iterable[Zone] | None,
    partner_institutions: Iterable[Institution] | None,
) -> PlannedActivity:
    reject_unknown_fields(fields, ACTIVITY_FIELDS, "planned activity")
    for name, value in fields.items():
        setattr(activity, name, value.strip() if isinstance(value, str) else value)
    if activity.month and activity.quarter is None:
        activity.quarter = (activity.month - 1) // 3 + 1
    partner_zones = None if partner_zones is None else list(partner_zones)
    if partner_zones and any(zone.pk == activity.programme.zone_id for zone in partner_zones):
        raise ValidationError({"partner_zones": [_("A zone does not partner with itself.")]})
    activity.full_clean(exclude=["programme"])
    on_behalf_of(actor, activity)
    activity.save()
    if partner_zones is not None:
        activity.partner_zones.set(partner_zones)
    if partner_institutions is not None:
        activity.partner_institutions.set(list(partner_institutions))
    return activity


@transaction.atomic
def add_activity(
    actor: Actor,
    programme: Programme,
    *,
    partner_zones: Iterable[Zone] = (),
    partner_institutions: Iterable[Institution] = (),
    **fields: Any,
) -> PlannedActivity:
    """Adds a planned activity to a programme the zone may still change."""
    programme = PROGRAMME_LIFECYCLE.lock(programme)
    _require_drafter(actor, programme)
    _require_editable(programme)
    activity = PlannedActivity(programme=programme)
    return _apply_activity(actor, activity, fields, partner_zones, partner_institutions)


@transaction.atomic
def update_activity(
    actor: Actor,
    activity: PlannedActivity,
    *,
    partner_zones: Iterable[Zone] | None = None,
    partner_institutions: Iterable[Institution] | None = None,
    **fields: Any,
) -> PlannedActivity:
    """Changes a planned activity while its programme may be changed."""
    programme = PROGRAMME_LIFECYCLE.lock(activity.programme)
    _require_drafter(actor, programme)
    _require_editable(programme)
    activity.programme = programme
    return _apply_activity(actor, activity, fields, partner_zones, partner_institutions)


@transaction.atomic
def delete_activity(actor: Actor, activity: PlannedActivity) -> None:
    """Removes a planned activity while its programme may be changed; the versions keep it as it was."""
    programme = PROGRAMME_LIFECYCLE.lock(activity.programme)
    _require_drafter(actor, programme)
    _require_editable(programme)
    # An event already delivering it would silently become unplanned: refuse, and say which way out.
    if activity.events.exists():
        raise ValidationError(
            _("An event already delivers this activity; change the activity instead of removing it.")
        )
    on_behalf_of(actor, activity)
    activity.delete()


# Versions: what the programme said at a moment, frozen ------------------------------------------------


def _names(obj: Any) -> dict[str, str]:
    return {"fa": obj.name_fa, "en": obj.name_en or obj.name_fa}


def _rials(value: Decimal | int) -> int:
    return int(value or 0)


def snapshot(programme: Programme) -> dict[str, Any]:
    """The programme as people read it: its aims and every activity with names rather than ids (an
    activity's id is kept as ``key`` only to match it across versions)."""
    activities = (
        programme.activities.select_related("category")
        .prefetch_related("partner_zones", "partner_institutions")
        .order_by("quarter", "month", "sort_order", "pk")
    )
    return {
        "summary": programme.summary,
        "activities": [
            {
                "key": activity.pk,
                "title": activity.title,
                "description": activity.description,
                "category": _names(activity.category),
                "quarter": activity.quarter,
                "month": activity.month,
                "expected_audience": activity.expected_audience,
                "partner_zones": [_names(zone) for zone in activity.partner_zones.all()],
                "partner_institutions": [_names(i) for i in activity.partner_institutions.all()],
                "budget_zone": _rials(activity.budget_zone),
                "budget_secretariat": _rials(activity.budget_secretariat),
                "budget_partner": _rials(activity.budget_partner),
            }
            for activity in activities
        ],
    }


def _freeze(actor: Actor, programme: Programme, kind: str, comment: str = "") -> ProgrammeVersion:
    last = programme.versions.aggregate(last=Max("number"))["last"] or 0
    return ProgrammeVersion.objects.create(
        programme=programme,
        number=last + 1,
        kind=kind,
        content=snapshot(programme),
        comment=comment,
        made_by=who(actor),
    )


@transaction.atomic
def submit_programme(actor: Actor, programme: Programme) -> Programme:
    """Sends the programme to the secretariat, freezing it as a new version; it cannot change until the
    secretariat returns it."""
    programme = PROGRAMME_LIFECYCLE.enter("submit", actor, programme)
    if not programme.activities.exists():
        raise InvalidMoveError(_("Plan at least one activity before submitting the programme."))
    _freeze(actor, programme, ProgrammeVersion.Kind.SUBMITTED)
    programme.submitted_at = timezone.now()
    return PROGRAMME_LIFECYCLE.move("submit", actor, programme)


@transaction.atomic
def return_programme(actor: Actor, programme: Programme, comment: str) -> Programme:
    """Sends a submitted programme back to the zone with what to revise; the comment is also kept with
    the version it answers."""
    programme = PROGRAMME_LIFECYCLE.enter("return", actor, programme, comment)
    latest = programme.versions.order_by("-number").first()
    if latest is not None and latest.kind == ProgrammeVersion.Kind.SUBMITTED and not latest.comment:
        latest.comment = comment.strip()
        latest.save(update_fields=["comment"])
    return PROGRAMME_LIFECYCLE.move("return", actor, programme, comment)


@transaction.atomic
def approve_programme(actor: Actor, programme: Programme, comment: str = "") -> Programme:
    """Approves the submitted programme as it stands, freezing the approved version; its activities are
    then what the zone is held to (plan against delivery)."""
    programme = PROGRAMME_LIFECYCLE.enter("approve", actor, programme)
    _freeze(actor, programme, ProgrammeVersion.Kind.APPROVED, comment.strip())
    programme.approved_at = timezone.now()
    return PROGRAMME_LIFECYCLE.move("approve", actor, programme, comment)


@transaction.atomic
def reopen_programme(actor: Actor, programme: Programme, reason: str) -> Programme:
    """Opens an approved programme for revision again; the approved version stays as it was."""
    programme = PROGRAMME_LIFECYCLE.enter("reopen", actor, programme, reason)
    return PROGRAMME_LIFECYCLE.move("reopen", actor, programme, reason)
