"""Circulars: the secretariat drafts one, sends it numbered to all zones or some, may withdraw it with a
reason; a named person in each recipient zone acknowledges that the zone has read it.

Rules (docs/domain.md, the coordination desk): a circular is changed only while a draft; it is numbered
"<Solar Hijri year>/<n>" when sent, n counting the circulars sent that year; it goes to at least one
zone with a deadline not already past; a zone acknowledges once, by a person of its own, and the name
is kept as it was. Every change is kept in the history (django-simple-history) and every status move
in ``CircularStatusChange``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import jdatetime
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coordination import permissions
from coordination.models import CIRCULAR_KINDS, FILE_MAX_MEGABYTES, Acknowledgement, Circular
from coordination.services import CIRCULAR_LIFECYCLE
from zones_portal.dates import format_date
from zones_portal.files import check_upload, stored_as
from zones_portal.lifecycle import InvalidMoveError, on_behalf_of, reject_unknown_fields, who
from zones_portal.models import Zone

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

CIRCULAR_FIELDS = ("kind", "title", "body", "acknowledge_by")
ONLY_THE_SECRETARIAT = _("Only the secretariat writes and sends circulars.")
# How many times sending tries the next free number when another circular took it at the same moment.
NUMBERING_ATTEMPTS = 5


def _require_secretariat(actor: Actor) -> None:
    if not permissions.can_manage_meetings(actor):
        raise PermissionDenied(ONLY_THE_SECRETARIAT)


def _take_file(circular: Circular, upload: UploadedFile | None) -> None:
    """A PDF judged by its content, stored under its kind's name, with the name it came with kept as
    its label. None: keep the file there is (a file is replaced by another, never cleared here)."""
    if not upload:
        return
    try:
        kind = check_upload(upload, CIRCULAR_KINDS, FILE_MAX_MEGABYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    circular.file_name = stored_as(upload, kind)
    circular.file = upload


def _set_recipients(actor: Actor, circular: Circular, zones: Iterable[Zone]) -> None:
    """Makes the recipient zones exactly ``zones``: a draft has no acknowledgement yet to lose."""
    wanted = {zone.pk for zone in zones}
    present = set(circular.recipients.values_list("zone_id", flat=True))
    for acknowledgement in circular.recipients.exclude(zone_id__in=wanted):
        on_behalf_of(actor, acknowledgement)
        acknowledgement.delete()
    for zone_id in sorted(wanted - present):
        acknowledgement = Acknowledgement(circular=circular, zone_id=zone_id)
        on_behalf_of(actor, acknowledgement)
        acknowledgement.save()


@transaction.atomic
def draft_circular(
    actor: Actor,
    *,
    kind: str,
    title: str,
    body: str,
    acknowledge_by: dt.date,
    zones: Iterable[Zone],
    file: UploadedFile | None = None,
) -> Circular:
    """Writes a circular as a draft, which only the secretariat sees until it is sent."""
    _require_secretariat(actor)
    circular = Circular(
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        acknowledge_by=acknowledge_by,
        status=Circular.Status.DRAFT,
        created_by=who(actor),
    )
    _take_file(circular, file)
    circular.full_clean(exclude=["file", "created_by"])
    on_behalf_of(actor, circular)
    circular.save()
    _set_recipients(actor, circular, zones)
    CIRCULAR_LIFECYCLE.begin(actor, circular)
    return circular


@transaction.atomic
def update_circular(
    actor: Actor,
    circular: Circular,
    *,
    zones: Iterable[Zone] | None = None,
    file: UploadedFile | None = None,
    **fields: Any,
) -> Circular:
    """Changes a draft; once sent, a circular stays as the zones received it."""
    _require_secretariat(actor)
    circular = CIRCULAR_LIFECYCLE.lock(circular)
    if circular.status != Circular.Status.DRAFT:
        raise InvalidMoveError(_("A sent circular is kept as the zones received it; only a draft changes."))
    reject_unknown_fields(fields, CIRCULAR_FIELDS, "circular")
    for name, value in fields.items():
        setattr(circular, name, value.strip() if isinstance(value, str) else value)
    _take_file(circular, file)
    circular.full_clean(exclude=["file", "created_by"])
    on_behalf_of(actor, circular)
    circular.save()
    if zones is not None:
        _set_recipients(actor, circular, zones)
    return circular


def jalali_year(moment: dt.datetime) -> int:
    """The Solar Hijri year of a moment, in the portal's time zone (Tehran)."""
    return jdatetime.date.fromgregorian(date=timezone.localdate(moment)).year


def next_number(year: int) -> str:
    """The next free number of the year's circulars: "1405/1", "1405/2", … (a withdrawn circular keeps
    its number, so numbers are never reused)."""
    taken = Circular.objects.filter(number__startswith=f"{year}/").values_list("number", flat=True)
    counts = [int(number.split("/", 1)[1]) for number in taken if number.split("/", 1)[1].isdigit()]
    return f"{year}/{max(counts, default=0) + 1}"


@transaction.atomic
def send_circular(actor: Actor, circular: Circular, now: dt.datetime | None = None) -> Circular:
    """Numbers the circular and sends it to its zones, which see it from now on and must acknowledge it.

    Two circulars sent at the same moment would read the same last number; the unique constraint on
    the number refuses the second, which then takes the next one (within a savepoint, so nothing else
    of the sending is undone)."""
    circular = CIRCULAR_LIFECYCLE.enter("send", actor, circular)
    now = now or timezone.now()
    problems = []
    if not circular.recipients.exists():
        problems.append(_("Choose at least one zone to send it to."))
    if circular.acknowledge_by < timezone.localdate(now):
        problems.append(_("The date to acknowledge by has already passed; choose a later one."))
    if problems:
        raise InvalidMoveError(problems)
    year = jalali_year(now)
    for attempt in range(NUMBERING_ATTEMPTS):
        circular.number = next_number(year)
        circular.sent_at = now
        on_behalf_of(actor, circular)
        try:
            with transaction.atomic():
                circular.save(update_fields=["number", "sent_at", "updated_at"])
        except IntegrityError:
            if attempt == NUMBERING_ATTEMPTS - 1:
                raise
            continue
        break
    return CIRCULAR_LIFECYCLE.move("send", actor, circular)


@transaction.atomic
def withdraw_circular(actor: Actor, circular: Circular, reason: str) -> Circular:
    """Takes a sent circular back, saying why; it keeps its number and the acknowledgements made."""
    circular = CIRCULAR_LIFECYCLE.enter("withdraw", actor, circular, reason)
    return CIRCULAR_LIFECYCLE.move("withdraw", actor, circular, reason)


@transaction.atomic
def acknowledge_circular(
    actor: Actor, acknowledgement: Acknowledgement, now: dt.datetime | None = None
) -> Acknowledgement:
    """A person of the recipient zone confirms, in their own name, that the zone has read the circular.

    Once only: the first acknowledgement stands, and a second one is told who acknowledged and when."""
    acknowledgement = (
        Acknowledgement.objects.select_for_update().select_related("circular").get(pk=acknowledgement.pk)
    )
    if not permissions.can_acknowledge(actor, acknowledgement):
        raise PermissionDenied(_("Only a person of the zone it was sent to acknowledges a circular."))
    circular = acknowledgement.circular
    if circular.status == Circular.Status.DRAFT:
        raise InvalidMoveError(_("This circular has not been sent yet."))
    if circular.status == Circular.Status.WITHDRAWN:
        raise InvalidMoveError(_("This circular was withdrawn; there is nothing to acknowledge."))
    if acknowledgement.acknowledged_at is not None:
        raise InvalidMoveError(
            _("Your zone has already acknowledged this circular: %(name)s on %(date)s.")
            % {
                "name": acknowledgement.acknowledged_by_name,
                "date": format_date(acknowledgement.acknowledged_at),
            }
        )
    acknowledgement.acknowledged_by = who(actor)
    acknowledgement.acknowledged_by_name = str(actor)[:200]
    acknowledgement.acknowledged_at = now or timezone.now()
    on_behalf_of(actor, acknowledgement)
    acknowledgement.save()
    return acknowledgement
