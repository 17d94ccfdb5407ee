"""Every write to an event goes through here: the admin, the dashboard and the API only pick the move.

Each function checks who is acting (``events.permissions``), checks that the
move fits the event's state, saves, and records who moved it and when: the moves
are declared in ``EVENT_LIFECYCLE`` below and carried out by the core's
lifecycle helper. A refused move raises ``PermissionDenied`` (wrong person) or
``InvalidMoveError`` (wrong moment), each with a sentence the person can act on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import jdatetime
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from agreements.models import Agreement
from events import permissions
from events.models import (
    ATTACHMENT_KINDS,
    ATTACHMENT_MAX_MEGABYTES,
    Event,
    EventReport,
    EventSeries,
    Participation,
    ReportAttachment,
    StatusChange,
)
from programmes.models import PlannedActivity, Programme
from zones_portal.files import KINDS, check_upload, stored_as
from zones_portal.lifecycle import (
    InvalidMoveError,
    Lifecycle,
    Move,
    on_behalf_of,
    reject_unknown_fields,
    who,
)
from zones_portal.models import Institution, Zone
from zones_portal.permissions import institution_acting_for, is_secretariat
from zones_portal.signals import invitation_answered

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from zones_portal.models import User

    Actor = User | AnonymousUser | None

Status = Event.Status
EVENT_FIELDS = (
    "title",
    "description",
    "category",
    "host_zone",
    "venue",
    "map_link",
    "starts_at",
    "ends_at",
    "expected_audience",
    "agreement",
    "planned_activity",
)
# The export fields stay on the model (the export register's data migration reads them) but are no longer
# filed: export deals are recorded in the export register (``exports``) instead.
REPORT_FIELDS = (
    "attendance",
    "artists_count",
    "outcomes",
    "spent",
)


EVENT_LIFECYCLE = Lifecycle(
    Event,
    StatusChange,
    "event",
    {
        "submit": Move(
            Event.EDITABLE,
            Status.SUBMITTED,
            permissions.can_prepare_event,
            _("Only the host zone may submit this event."),
            _("Only a draft or a rejected event can be submitted."),
        ),
        "approve": Move(
            (Status.SUBMITTED,),
            Status.APPROVED,
            permissions.can_decide_event,
            _("Only the secretariat approves events."),
            _("Only a submitted event can be approved."),
        ),
        "reject": Move(
            (Status.SUBMITTED,),
            Status.REJECTED,
            permissions.can_decide_event,
            _("Only the secretariat rejects events."),
            _("Only a submitted event can be rejected."),
            reason_field="status_reason",
            reason_required=_("Say why the event is rejected, so the zone can put it right."),
        ),
        "cancel": Move(
            (Status.DRAFT, Status.SUBMITTED, Status.APPROVED),
            Status.CANCELLED,
            permissions.can_decide_event,
            _("Only the secretariat cancels events."),
            _("Only an event that has not yet been held can be cancelled."),
            reason_field="status_reason",
            reason_required=_("Say why the event is cancelled."),
        ),
        "hold": Move(
            (Status.APPROVED,),
            Status.HELD,
            permissions.by_the_portal,
            "",
            _("Only an approved event whose end has passed is held."),
        ),
        "report": Move(
            (Status.HELD,),
            Status.REPORTED,
            permissions.can_report_event,
            _("Only the host zone files this event's report."),
            _("A report can be filed only after the event has been held."),
        ),
    },
)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _activity_error(event: Event, previous_activity_id: int | None) -> str | None:
    """Why the planned activity the event names cannot be its own, or None. It must be an activity of the
    host zone's programme; newly chosen, of an approved one (a link made earlier stays if the programme
    is later reopened for revision, so delivery is not silently lost)."""
    if not event.planned_activity_id:
        return None
    activities = PlannedActivity.objects.filter(
        pk=event.planned_activity_id, programme__zone_id=event.host_zone_id
    )
    if event.planned_activity_id != previous_activity_id:
        activities = activities.filter(programme__status=Programme.Status.APPROVED)
    if activities.exists():
        return None
    return str(
        _("Choose an activity of the host zone's approved annual programme, or leave the event unplanned.")
    )


def _validate(
    actor: Actor,
    event: Event,
    participating_zones: Sequence[Zone],
    previous_activity_id: int | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    activity_error = _activity_error(event, previous_activity_id)
    if activity_error:
        errors["planned_activity"] = [activity_error]
    if event.agreement_id and not Agreement.objects.visible_to(actor).filter(pk=event.agreement_id).exists():
        errors["agreement"] = [_("Choose an agreement your zone is party to.")]
    try:
        event.full_clean(exclude=["week_start", "created_by"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if any(zone.pk == event.host_zone_id for zone in participating_zones):
        errors.setdefault("participating_zones", []).append(
            _("The host zone cannot also be a participating zone.")
        )
    if errors:
        raise ValidationError(errors)


def _sync_participations(actor: Actor, event: Event, zones: Sequence[Zone], now: dt.datetime) -> None:
    """Keeps the answers of zones still invited, invites new ones, drops the removed: a zone taken off
    the list leaves the event, and its invitation and answer stay in the event's history."""
    wanted = {zone.pk for zone in zones}
    existing = {p.zone_id: p for p in event.participations.all()}
    for zone_id, dropped in existing.items():
        if zone_id not in wanted:
            on_behalf_of(actor, dropped)
            dropped.delete()
    invited_at = now if event.status != Status.DRAFT else None
    added = [
        Participation(event=event, zone_id=zone_id, invited_at=invited_at)
        for zone_id in wanted - set(existing)
    ]
    on_behalf_of(actor, *added)
    bulk_create_with_history(added, Participation)


@transaction.atomic
def create_event(
    actor: Actor,
    *,
    participating_zones: Sequence[Zone] = (),
    co_organisers: Iterable[Institution] = (),
    **fields: Any,
) -> Event:
    """A zone's people draft an event for their own zone; nothing is sent to anyone yet."""
    host = fields.get("host_zone")
    _require(
        permissions.can_propose_event(actor, host.pk if host else None),
        _("You may propose events only for your own zone."),
    )
    reject_unknown_fields(fields, EVENT_FIELDS, "event")
    event = Event(status=Status.DRAFT, created_by=who(actor), **fields)
    _validate(actor, event, participating_zones)
    on_behalf_of(actor, event)
    event.save()
    event.co_organisers.set(co_organisers)
    _sync_participations(actor, event, participating_zones, timezone.now())
    EVENT_LIFECYCLE.begin(actor, event)
    return event


@transaction.atomic
def propose_event_as_institution(
    actor: Actor,
    *,
    participating_zones: Sequence[Zone] = (),
    **fields: Any,
) -> Event:
    """A partner institution proposes an event to a zone: it goes straight to the secretariat as
    submitted, co-organised by the institution, and the participating zones are invited at once."""
    institution_id = institution_acting_for(actor)
    _require(institution_id is not None, _("Only a partner institution proposes events this way."))
    reject_unknown_fields(fields, EVENT_FIELDS, "event")
    event = Event(status=Status.SUBMITTED, created_by=who(actor), **fields)
    _validate(actor, event, participating_zones)
    if event.starts_at <= timezone.now():
        raise ValidationError({"starts_at": [_("An event must be proposed before it starts.")]})
    on_behalf_of(actor, event)
    event.save()
    event.co_organisers.set([institution_id])
    _sync_participations(actor, event, participating_zones, timezone.now())
    EVENT_LIFECYCLE.begin(actor, event)
    return event


@transaction.atomic
def update_event(
    actor: Actor,
    event: Event,
    *,
    participating_zones: Sequence[Zone] | None = None,
    co_organisers: Iterable[Institution] | None = None,
    **fields: Any,
) -> Event:
    """The host zone edits a draft or a rejected event; the secretariat may correct any live one."""
    event = EVENT_LIFECYCLE.lock(event)
    _require(permissions.can_prepare_event(actor, event), _("Only the host zone may change this event."))
    if is_secretariat(actor):
        if event.status in (Status.HELD, Status.REPORTED, Status.CANCELLED):
            raise InvalidMoveError(_("A held, reported or cancelled event can no longer be changed."))
    elif event.status not in Event.EDITABLE:
        raise InvalidMoveError(
            _("An event can be changed only while it is a draft or after it was rejected.")
        )
    new_host = fields.get("host_zone")
    if new_host is not None and new_host.pk != event.host_zone_id:
        _require(
            permissions.can_propose_event(actor, new_host.pk),
            _("You may propose events only for your own zone."),
        )
    reject_unknown_fields(fields, EVENT_FIELDS, "event")
    previous_activity_id = event.planned_activity_id
    for name, value in fields.items():
        setattr(event, name, value)
    zones = (
        list(participating_zones)
        if participating_zones is not None
        else list(event.participating_zones.all())
    )
    _validate(actor, event, zones, previous_activity_id)
    on_behalf_of(actor, event)
    event.save()
    if co_organisers is not None:
        event.co_organisers.set(co_organisers)
    if participating_zones is not None:
        _sync_participations(actor, event, zones, timezone.now())
    return event


@transaction.atomic
def submit_event(actor: Actor, event: Event) -> Event:
    """Sends the proposal to the secretariat and the invitations to the participating zones."""
    event = EVENT_LIFECYCLE.enter("submit", actor, event)
    if event.starts_at <= timezone.now():
        raise InvalidMoveError(_("This event has already started; change its dates before submitting it."))
    invited = list(event.participations.filter(invited_at__isnull=True))
    for participation in invited:
        participation.invited_at = timezone.now()
    on_behalf_of(actor, *invited)
    bulk_update_with_history(invited, Participation, ["invited_at"])
    return EVENT_LIFECYCLE.move("submit", actor, event)


@transaction.atomic
def approve_event(actor: Actor, event: Event) -> Event:
    event = EVENT_LIFECYCLE.enter("approve", actor, event)
    if event.has_ended:
        raise InvalidMoveError(_("This event has already ended; it can no longer be approved."))
    return EVENT_LIFECYCLE.move("approve", actor, event)


@transaction.atomic
def reject_event(actor: Actor, event: Event, reason: str) -> Event:
    event = EVENT_LIFECYCLE.enter("reject", actor, event, reason)
    return EVENT_LIFECYCLE.move("reject", actor, event, reason)


@transaction.atomic
def cancel_event(actor: Actor, event: Event, reason: str) -> Event:
    event = EVENT_LIFECYCLE.lock(event)
    cancel = EVENT_LIFECYCLE.moves["cancel"]
    _require(cancel.may(actor, event), cancel.not_allowed)
    if event.has_ended:  # an approved event whose end has passed is held, whether or not beat has run
        raise InvalidMoveError(cancel.wrong_state)
    EVENT_LIFECYCLE.check("cancel", actor, event, reason)
    return EVENT_LIFECYCLE.move("cancel", actor, event, reason)


@transaction.atomic
def mark_held(event: Event, actor: Actor = None) -> Event:
    """An approved event becomes held once its end has passed; the system does this on a schedule."""
    event = EVENT_LIFECYCLE.enter("hold", actor, event)
    if not event.has_ended:
        raise InvalidMoveError(EVENT_LIFECYCLE.moves["hold"].wrong_state)
    return EVENT_LIFECYCLE.move("hold", actor, event)


def mark_finished_events_held(now: dt.datetime | None = None) -> int:
    """Moves every approved event that has ended to held; safe to run as often as beat likes."""
    now = now or timezone.now()
    count = 0
    for event in Event.objects.filter(status=Status.APPROVED, ends_at__lte=now).only("pk"):
        try:
            mark_held(event)
        except InvalidMoveError:  # another worker got there first
            continue
        count += 1
    return count


@transaction.atomic
def respond_to_invitation(
    actor: Actor, participation: Participation, answer: str, note: str = ""
) -> Participation:
    """An invited zone accepts or declines; it may change its mind until the event starts."""
    participation = Participation.objects.select_for_update().select_related("event").get(pk=participation.pk)
    _require(
        permissions.can_answer_invitation(actor, participation),
        _("Only the invited zone may answer this invitation."),
    )
    event = participation.event
    if participation.invited_at is None or event.status not in Event.OPEN_FOR_ANSWERS:
        raise InvalidMoveError(_("This invitation is not open for answers."))
    if event.starts_at <= timezone.now():
        raise InvalidMoveError(_("The event has already started; the invitation can no longer be answered."))
    if answer not in (Participation.Answer.ACCEPTED, Participation.Answer.DECLINED):
        raise ValidationError({"answer": [_("Answer with accept or decline.")]})
    participation.answer = answer
    participation.note = note.strip()
    participation.answered_at = timezone.now()
    participation.answered_by = who(actor)
    on_behalf_of(actor, participation)
    participation.save(update_fields=["answer", "note", "answered_at", "answered_by"])
    invitation_answered.send(sender=Participation, participation=participation, actor=who(actor))
    return participation


@transaction.atomic
def file_report(
    actor: Actor,
    event: Event,
    *,
    attachments: Iterable[UploadedFile] = (),
    **fields: Any,
) -> EventReport:
    """The host zone reports on a held event; filing again corrects the report."""
    event = EVENT_LIFECYCLE.lock(event)
    report_move = EVENT_LIFECYCLE.moves["report"]
    _require(report_move.may(actor, event), report_move.not_allowed)
    if event.status == Status.APPROVED and event.has_ended:
        event = EVENT_LIFECYCLE.move("hold", None, event)
    if event.status not in Event.REPORTABLE:
        raise InvalidMoveError(report_move.wrong_state)
    reject_unknown_fields(fields, REPORT_FIELDS, "report")
    report = EventReport.objects.filter(event=event).first() or EventReport(event=event, filed_by=actor)
    shown = (report.attendance, report.artists_count)
    for name, value in fields.items():
        setattr(report, name, value)
    if report.public_figures and (report.attendance, report.artists_count) != shown:
        # Corrected figures are not public until the secretariat has looked at them again.
        report.public_figures = False
    report.full_clean(exclude=["event", "filed_by"])
    uploads = list(attachments)
    errors, kinds = [], []
    for upload in uploads:
        try:
            kinds.append(check_upload(upload, ATTACHMENT_KINDS, ATTACHMENT_MAX_MEGABYTES))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    on_behalf_of(actor, report)
    report.save()
    for upload, kind in zip(uploads, kinds, strict=True):
        label = stored_as(upload, kind)
        attachment = ReportAttachment(
            report=report,
            file=upload,
            original_name=label,
            content_type=KINDS[kind][0],
            size=upload.size or 0,
            uploaded_by=who(actor),
        )
        on_behalf_of(actor, attachment)
        attachment.save()
    if event.status == Status.HELD:
        EVENT_LIFECYCLE.move("report", actor, event)
    return report


@transaction.atomic
def set_public_figures(actor: Actor, report: EventReport, public: bool) -> EventReport:
    """The secretariat decides whether a report's attendance and number of artists appear on the
    event's public page: the host zone filed them for the secretariat, not for the public, so only the
    secretariat may publish them. Kept in the report's history with who decided."""
    _require(is_secretariat(actor), _("Only the secretariat decides which report figures are public."))
    report = EventReport.objects.select_for_update().select_related("event").get(pk=report.pk)
    if report.event.status not in Event.PUBLISHED:
        raise InvalidMoveError(_("Only the figures of a published event can be shown to the public."))
    if report.public_figures == public:
        return report
    report.public_figures = public
    on_behalf_of(actor, report)
    report.save(update_fields=["public_figures", "updated_at"])
    return report


@transaction.atomic
def withdraw_report_attachment(actor: Actor, attachment: ReportAttachment) -> ReportAttachment:
    """The host zone takes back a file it attached by mistake: it leaves the report, and stays in the
    event's history (and in storage), downloadable by whoever may see the event. Nothing is erased."""
    attachment = (
        ReportAttachment.objects.select_for_update().select_related("report__event").get(pk=attachment.pk)
    )
    event = attachment.report.event
    _require(permissions.can_report_event(actor, event), EVENT_LIFECYCLE.moves["report"].not_allowed)
    if attachment.withdrawn_at is not None:
        raise InvalidMoveError(_("This attachment has already been withdrawn."))
    attachment.withdrawn_at = timezone.now()
    attachment.withdrawn_by = who(actor)
    on_behalf_of(actor, attachment)
    attachment.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return attachment


# Series: an event that repeats, and the next edition proposed from the last with one action.

Recurrence = EventSeries.Recurrence
# A year in a title: four digits, in Latin, Persian or Arabic-Indic digits, not part of a longer number.
_DIGITS = "0-9۰-۹٠-٩"
_YEAR_IN_TITLE = re.compile(rf"(?<![{_DIGITS}])[{_DIGITS}]{{4}}(?![{_DIGITS}])")
_DIGIT_SETS = ("0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩")
SOLAR_HIJRI_YEARS = range(1300, 1501)
GREGORIAN_YEARS = range(1900, 2201)
# A date shifted this many intervals and still past is no edition to propose (a very old source).
_MOST_STEPS = 240
# What a next edition is proposed from: an edition that went ahead (or was called off), not one in preparation.
NEXT_EDITION_SOURCES = (*Event.PUBLISHED, Status.CANCELLED)
# Shown as a reason in the new edition's first status move, and so in its timeline.
NEXT_EDITION_REASON = _("Proposed as the next edition of “%(title)s” (series “%(series)s”).")


def _jalali_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def shifted(moment: dt.datetime, recurrence: str, steps: int = 1) -> dt.datetime:
    """``moment`` moved ``steps`` editions on, in the Solar Hijri calendar and Tehran time: the same month
    and day of a later year, or the same day of a later month (the 31st of Shahrivar becomes the 30th of
    Mehr; the 30th of Esfand of a leap year the 29th of the next), at the same time of day."""
    local = timezone.localtime(moment)
    day = jdatetime.date.fromgregorian(date=local.date())
    if recurrence == Recurrence.MONTHLY:
        year, month = divmod(day.year * 12 + day.month - 1 + steps, 12)
        month += 1
    else:
        year, month = day.year + steps, day.month
    target = jdatetime.date(year, month, min(day.day, _jalali_month_length(year, month))).togregorian()
    return timezone.make_aware(dt.datetime.combine(target, local.time().replace(tzinfo=None)))


def _next_start(event: Event, recurrence: str, now: dt.datetime) -> dt.datetime:
    """One interval on, or as many as it takes to be still ahead: the next edition is one to come."""
    for steps in range(1, _MOST_STEPS + 1):
        start = shifted(event.starts_at, recurrence, steps)
        if start > now:
            return start
    return start


def next_edition_start(event: Event, now: dt.datetime | None = None) -> dt.datetime:
    """When the next edition of ``event`` would start: the date the page offers (for a series that
    repeats at no fixed interval, a year on, for the person to change)."""
    recurrence = event.series.recurrence if event.series_id else Recurrence.YEARLY
    if recurrence == Recurrence.IRREGULAR:
        recurrence = Recurrence.YEARLY
    return _next_start(event, recurrence, now or timezone.now())


def _digits_of(text: str) -> str:
    return next((digits for digits in _DIGIT_SETS if text[0] in digits), _DIGIT_SETS[0])


def advanced_title(title: str, old_start: dt.datetime, new_start: dt.datetime) -> str:
    """The title with its year moved on as far as the dates moved (“جشنواره ۱۴۰۴” → “جشنواره ۱۴۰۵”), in
    the digits it was written in: a Solar Hijri year by Solar Hijri years, a Gregorian one by Gregorian
    years. Any other number, and a title without a year, stay as they are."""
    old_day, new_day = timezone.localtime(old_start).date(), timezone.localtime(new_start).date()
    jalali = jdatetime.date.fromgregorian(date=new_day).year - jdatetime.date.fromgregorian(date=old_day).year
    gregorian = new_day.year - old_day.year

    def advance(match: re.Match[str]) -> str:
        written = match.group()
        digits = _digits_of(written)
        if any(character not in digits for character in written):
            return written
        year = int("".join(str(digits.index(character)) for character in written))
        if year in SOLAR_HIJRI_YEARS:
            year += jalali
        elif year in GREGORIAN_YEARS:
            year += gregorian
        else:
            return written
        return "".join(digits[int(figure)] for figure in str(year))

    return _YEAR_IN_TITLE.sub(advance, title)


def series_title_for(event: Event) -> str:
    """A series' name suggested from one of its editions: the event's title without its year."""
    stripped = " ".join(_YEAR_IN_TITLE.sub("", event.title).split()).strip(" -–—:،,")
    return stripped or event.title


def _require_series_manager(actor: Actor, host_zone_id: int) -> None:
    _require(
        permissions.can_manage_series(actor, host_zone_id),
        _("Only the host zone's people and the secretariat manage this event's series."),
    )


@transaction.atomic
def create_series(
    actor: Actor, event: Event, *, title: str = "", recurrence: str = Recurrence.YEARLY
) -> EventSeries:
    """“This event repeats”: starts a series of the event's host zone, with the event as its first
    edition, so its next edition can be proposed from it with one action."""
    event = EVENT_LIFECYCLE.lock(event)
    _require_series_manager(actor, event.host_zone_id)
    if event.series_id:
        raise InvalidMoveError(
            _("This event is already an edition of the series “%(series)s”.") % {"series": event.series}
        )
    series = EventSeries(
        title=(title or "").strip() or series_title_for(event),
        host_zone_id=event.host_zone_id,
        recurrence=recurrence,
        created_by=who(actor),
    )
    series.full_clean(exclude=["host_zone", "created_by"])
    on_behalf_of(actor, series)
    series.save()
    _join(actor, event, series)
    return series


@transaction.atomic
def save_series(actor: Actor, series: EventSeries) -> EventSeries:
    """A series' name and rhythm, new or changed (the secretariat's admin; a zone starts one from an
    event). Its host zone stays with it once it has editions: they are that zone's events."""
    if series.pk:
        before = EventSeries.objects.select_for_update().get(pk=series.pk)
        _require_series_manager(actor, before.host_zone_id)
        if before.host_zone_id != series.host_zone_id and before.events.exists():
            raise ValidationError(
                {"host_zone": [_("The editions of this series are another zone's events; keep its zone.")]}
            )
    else:
        series.created_by = who(actor)
    _require_series_manager(actor, series.host_zone_id)
    series.full_clean(exclude=["created_by"])
    on_behalf_of(actor, series)
    series.save()
    return series


def _join(actor: Actor, event: Event, series: EventSeries | None) -> Event:
    event.series = series
    on_behalf_of(actor, event)
    event.save(update_fields=["series", "updated_at"])
    return event


@transaction.atomic
def set_event_series(actor: Actor, event: Event, series: EventSeries | None) -> Event:
    """Puts an event in a series of its host zone, or takes it out; an edition of any state may join
    (last year's festival, reported, is what the next one is proposed from). Kept in its history."""
    event = EVENT_LIFECYCLE.lock(event)
    _require_series_manager(actor, event.host_zone_id)
    if (series.pk if series else None) == event.series_id:
        return event
    if series is not None and series.host_zone_id != event.host_zone_id:
        raise ValidationError({"series": [_("Choose a series of the event's host zone.")]})
    return _join(actor, event, series)


def next_edition_refusal(event: Event) -> str | None:
    """Why ``event`` cannot be the source of a new edition, or None: one proposal per edition. A later
    edition still being prepared (draft or submitted) is the proposal already made; a later published one
    means the next edition is proposed from the latest instead. Rejected and cancelled ones do not count.
    An edition still being prepared has no next one yet."""
    if event.status not in NEXT_EDITION_SOURCES:
        return str(
            _(
                "This edition is not approved yet; the next one is proposed once it is approved, "
                "held or cancelled."
            )
        )
    later = (
        Event.objects.filter(series_id=event.series_id, starts_at__gt=event.starts_at)
        .exclude(status__in=(Status.REJECTED, Status.CANCELLED))
        .order_by("starts_at", "pk")
        .first()
    )
    if later is None:
        return None
    if later.status in (Status.DRAFT, Status.SUBMITTED):
        return str(
            _(
                "The next edition of this event is already proposed: “%(title)s” (%(status)s). "
                "Open it and change it rather than propose another."
            )
            % {"title": later.title, "status": later.get_status_display()}
        )
    return str(
        _(
            "“%(title)s” already follows this edition in the series; propose the next edition from "
            "the latest one."
        )
        % {"title": later.title}
    )


@transaction.atomic
def propose_next_edition(actor: Actor, event: Event, *, starts_at: dt.datetime | None = None) -> Event:
    """The next edition of a series, as a draft of the host zone, from ``event`` (usually the last one).

    It keeps what makes it the same event (title with its year moved on, category, venue and map, the
    description, the partners: co-organisers and invited zones, invited afresh when it is submitted, the
    expected audience, the agreement while still in force) and starts one interval later in the Solar
    Hijri calendar (or at ``starts_at``, which a series with no fixed interval must give), lasting as
    long. It leaves behind what belongs to the earlier edition alone: its state and reasons, report and
    attachments, answers and history, and the planned activity (the next year's programme is another:
    the event form suggests one)."""
    event = EVENT_LIFECYCLE.lock(event)
    _require(
        permissions.can_manage_series(actor, event.host_zone_id),
        _("Only the host zone's people and the secretariat propose the next edition."),
    )
    series = event.series
    if series is None:
        raise InvalidMoveError(
            _("This event is not part of a series: say first that it repeats, and how often.")
        )
    refusal = next_edition_refusal(event)
    if refusal:
        raise InvalidMoveError(refusal)
    now = timezone.now()
    if starts_at is None:
        if series.recurrence == Recurrence.IRREGULAR:
            raise ValidationError({"starts_at": [_("Say when the next edition starts.")]})
        starts_at = _next_start(event, series.recurrence, now)
    elif starts_at <= now:
        raise ValidationError({"starts_at": [_("The next edition must start in the future.")]})
    elif starts_at <= event.starts_at:
        raise ValidationError({"starts_at": [_("The next edition must start after this one.")]})
    agreement = event.agreement
    if agreement is not None and not (
        agreement.status == Agreement.Status.ACTIVE
        and (agreement.expires_on is None or agreement.expires_on >= timezone.localtime(starts_at).date())
        and Agreement.objects.visible_to(actor).filter(pk=agreement.pk).exists()
    ):
        agreement = None
    edition = Event(
        status=Status.DRAFT,
        created_by=who(actor),
        series=series,
        title=advanced_title(event.title, event.starts_at, starts_at),
        description=event.description,
        category=event.category,
        host_zone_id=event.host_zone_id,
        venue=event.venue,
        map_link=event.map_link,
        starts_at=starts_at,
        ends_at=starts_at + (event.ends_at - event.starts_at),
        expected_audience=event.expected_audience,
        agreement=agreement,
    )
    zones = list(event.participating_zones.all())
    _validate(actor, edition, zones)
    on_behalf_of(actor, edition)
    edition.save()
    edition.co_organisers.set(event.co_organisers.all())
    _sync_participations(actor, edition, zones, now)
    StatusChange.objects.create(
        event=edition,
        from_status="",
        to_status=Status.DRAFT,
        changed_by=who(actor),
        reason=str(NEXT_EDITION_REASON) % {"title": event.title, "series": series.title},
    )
    return edition
