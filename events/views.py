"""The deputies' pages for events. Thin: read input, call a service, render."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import Agreement
from events import permissions, services
from events.calendar import build_month, overlapping, weekday_names
from events.conflicts import conflicts_for
from events.filters import EventFilter
from events.forms import (
    DECISIONS,
    ConflictCheckForm,
    DecisionForm,
    EventForm,
    InvitationAnswerForm,
    NextEditionForm,
    PublicFiguresForm,
    ReportForm,
    SeriesForm,
    decisions_open_to,
)
from events.history import event_timeline
from events.models import Event, EventReport, EventSeries, Participation, ReportAttachment
from events.signals import EVENTS
from zones_portal import files
from zones_portal.forms import add_service_errors, show_refusal
from zones_portal.fragments import cached_content, scope_key
from zones_portal.history import timeline_for
from zones_portal.models import Zone
from zones_portal.permissions import Scope, scope_of
from zones_portal.twofactor.views import admin_gate
from zones_portal.views import Paged, paginate

Status = Event.Status


def _visible(request: HttpRequest) -> QuerySet[Event]:
    return Event.objects.visible_to(request.user)


def _event_or_404(request: HttpRequest, pk: int) -> Event:
    return get_object_or_404(_visible(request).select_related("category", "host_zone"), pk=pk)


SECTION_SIZE = 10  # rows per page in each section of the events page; each section pages on its own


@dataclass(frozen=True)
class Section:
    key: str  # its anchor, and the name of its page parameter
    title: str
    paged: Paged


def _sections(
    request: HttpRequest, events: QuerySet[Event], parts: list[tuple[str, str, Q, tuple[str, ...]]]
) -> list[Section]:
    """Each part (key, title, which events, order) as one page of its own: the counts of every part
    come from one aggregate query, then each part that has rows costs one query for its page."""
    counts = events.aggregate(
        **{key.replace("-", "_"): Count("pk", filter=rows or None) for key, _title, rows, _order in parts}
    )
    # A row shows its title, status, category, host and start: the long description stays behind.
    rows = events.for_lists().defer("description")
    sections = [
        Section(
            key,
            title,
            paginate(
                request,
                rows.filter(which).order_by(*order),
                SECTION_SIZE,
                param=f"{key}-page",
                anchor=key,
                count=counts[key.replace("-", "_")],
            ),
        )
        for key, title, which, order in parts
    ]
    # get_status_display() rebuilds the choices for every call; a page reads each label once.
    labels = dict(Status.choices)
    for section in sections:
        for event in section.paged.rows:
            event.status_label = labels[event.status]
    return sections


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """A zone's work at a glance: what is coming, what awaits a report, drafts, refusals, invitations.

    Every section shows one page: what is coming soonest first, what is past most recent first. The
    content is kept per scope, language and query until an event changes (``zones_portal.fragments``),
    and renewed every minute, since what is "coming" and what "awaits a report" move with the clock."""
    scope = scope_of(request.user)
    now = timezone.now()
    content = cached_content(
        request,
        "events:list",
        (EVENTS,),
        lambda: render_to_string("events/_event_list_body.html", _event_list_context(request, scope, now)),
        per=scope_key(scope),
        seconds=10 * 60,
        renew_after=60,
    )
    return render(request, "events/event_list.html", {"content": content})


def _event_list_context(request: HttpRequest, scope: Scope, now: dt.datetime) -> dict[str, object]:
    base = _visible(request)
    soonest, latest, touched = ("starts_at", "pk"), ("-starts_at", "-pk"), ("-updated_at", "-pk")
    # An event that has ended has started: saying so lets the database walk the start index from now.
    ended = Q(status__in=[Status.HELD, Status.APPROVED], ends_at__lte=now, starts_at__lt=now)
    coming = Q(status=Status.APPROVED, ends_at__gt=now)
    sections: list[Section] = []
    invitations: Paged | None = None
    if scope.zone_id is not None:
        sections = _sections(
            request,
            base.filter(host_zone_id=scope.zone_id),
            [
                ("upcoming", _("Upcoming"), coming, soonest),
                ("awaiting-report", _("Awaiting your report"), ended, latest),
                ("submitted", _("Awaiting the secretariat's decision"), Q(status=Status.SUBMITTED), soonest),
                ("drafts", _("Drafts"), Q(status=Status.DRAFT), touched),
                ("rejected", _("Rejected"), Q(status=Status.REJECTED), touched),
                ("reported", _("Reported"), Q(status=Status.REPORTED), latest),
            ],
        )
        invitations = paginate(
            request,
            Participation.objects.filter(
                zone_id=scope.zone_id,
                invited_at__isnull=False,
                event__status__in=[Status.SUBMITTED, Status.APPROVED],
                event__ends_at__gt=now,
            )
            .select_related("event__category", "event__host_zone")
            .defer("note", "event__description")
            # Those still to answer first (what the home page's card counts), then the rest by date.
            .order_by(
                Case(When(answer=Participation.Answer.INVITED, then=0), default=1),
                "event__starts_at",
                "pk",
            ),
            SECTION_SIZE,
            param="invitations-page",
            anchor="invitations",
        )
    elif scope.secretariat:
        sections = _sections(
            request,
            base.filter(status__in=[Status.SUBMITTED, Status.HELD, Status.APPROVED]),
            [
                ("submitted", _("Awaiting your decision"), Q(status=Status.SUBMITTED), soonest),
                ("awaiting-report", _("Held, report not yet filed"), ended, latest),
                ("upcoming", _("Upcoming"), coming, soonest),
            ],
        )
    elif scope.institution_id is not None:
        sections = _sections(
            request,
            base.filter(co_organisers=scope.institution_id),
            [("co-organised", _("Co-organised by your institution"), Q(), latest)],
        )
    return {
        "sections": sections,
        "invitations": invitations,
        "can_propose": scope.zone_id is not None or scope.secretariat,
    }


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(
        _visible(request)
        .select_related(
            "category",
            "host_zone",
            "series",
            "created_by",
            "planned_activity__programme__year",
            "planned_activity__category",
        )
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("zone", "answered_by")),
            "co_organisers",
        ),
        pk=pk,
    )
    report = (
        EventReport.objects.filter(event=event)
        .prefetch_related(Prefetch("attachments", queryset=ReportAttachment.objects.current()))
        .first()
    )
    scope = scope_of(request.user)
    my_invitation = next((p for p in event.participations.all() if p.zone_id == scope.zone_id), None)
    can_prepare = permissions.can_prepare_event(request.user, event)
    agreement = (
        Agreement.objects.visible_to(request.user).filter(pk=event.agreement_id).first()
        if event.agreement_id
        else None
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "report": report,
            "conflicts": conflicts_for(event) if can_prepare or scope.secretariat else [],
            "can_edit": can_prepare and (event.status in Event.EDITABLE),
            "can_submit": can_prepare and event.status in Event.EDITABLE,
            "can_report": permissions.can_report_event(request.user, event)
            and (
                event.status in (Status.HELD, Status.REPORTED)
                or (event.status == Status.APPROVED and event.has_ended)
            ),
            "my_invitation": my_invitation
            if my_invitation
            and my_invitation.invited_at
            and event.status in (Status.SUBMITTED, Status.APPROVED)
            and not event.has_ended
            else None,
            "can_decide": permissions.can_decide_event(request.user),
            # The secretariat publishes a report's figures; only a published event has a public page.
            "can_publish_figures": report is not None
            and permissions.can_decide_event(request.user)
            and event.status in Event.PUBLISHED,
            "decisions": [
                (decision, DecisionForm(decision=decision))
                for decision in decisions_open_to(request.user, event)
            ],
            "agreement": agreement,
            **_series_context(request, event),
            # Deals are recorded in the export register by the zone's people and the secretariat.
            "can_record_deals": event.category.is_creative_industry
            and event.status in Event.REPORTABLE
            and (scope.secretariat or scope.zone_id == event.host_zone_id),
            "timeline": timeline_for(
                request, *event_timeline(event, may_see_agreement=agreement is not None)
            ),
        },
    )


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope.zone_id is None and not scope.secretariat:
        raise PermissionDenied(_("You may propose events only for your own zone."))
    form = EventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        arguments.setdefault("host_zone", Zone.objects.filter(pk=scope.zone_id).first())
        offered, series = form.chosen_series()
        try:
            with transaction.atomic():
                event = services.create_event(request.user, **arguments)
                if offered and series is not None:
                    services.set_event_series(request.user, event, series)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The draft is saved. Submit it when it is ready for the secretariat.")
            )
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    if not permissions.can_prepare_event(request.user, event):
        raise PermissionDenied(_("Only the host zone may change this event."))
    form = EventForm(request.POST or None, user=request.user, initial=EventForm.initial_from(event))
    if request.method == "POST" and form.is_valid():
        offered, series = form.chosen_series()
        try:
            with transaction.atomic():
                services.update_event(request.user, event, **form.service_arguments())
                if offered:
                    services.set_event_series(request.user, event, series)
        except (services.InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("events:detail", pk=event.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The event is saved."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event})


def _series_context(request: HttpRequest, event: Event) -> dict[str, object]:
    """The event's series and what its host zone may do with it: start one (“This event repeats”), or
    propose the next edition, unless it is already proposed (the service's sentence says which). Costs
    no query for an event outside any series."""
    may_manage = permissions.can_manage_series(request.user, event.host_zone_id)
    series = event.series
    return {
        "series": series,
        "can_start_series": may_manage and series is None,
        "can_propose_next": may_manage and series is not None,
        "next_edition_refusal": services.next_edition_refusal(event) if may_manage and series else None,
        "next_edition_asks_date": series is not None
        and series.recurrence == EventSeries.Recurrence.IRREGULAR,
    }


@login_required
def event_repeats(request: HttpRequest, pk: int) -> HttpResponse:
    """“This event repeats”: the host zone starts a series with the event, or puts it in one of its
    series."""
    event = _event_or_404(request, pk)
    if not permissions.can_manage_series(request.user, event.host_zone_id):
        raise PermissionDenied(
            _("Only the host zone's people and the secretariat manage this event's series.")
        )
    if event.series_id:
        messages.info(request, _("This event is already an edition of a series."))
        return redirect("events:series", pk=event.series_id)
    form = SeriesForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        existing = form.cleaned_data.get("existing")
        try:
            if existing is not None:
                services.set_event_series(request.user, event, existing)
                series = existing
            else:
                series = services.create_series(
                    request.user,
                    event,
                    title=form.cleaned_data["title"],
                    recurrence=form.cleaned_data["recurrence"],
                )
        except (services.InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("events:detail", pk=event.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The event is an edition of the series “%(series)s”.") % {"series": series}
            )
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/series_form.html", {"form": form, "event": event})


@login_required
@require_http_methods(["GET", "POST"])
def event_next_edition(request: HttpRequest, pk: int) -> HttpResponse:
    """Proposes the next edition of the event's series as a draft. A series with a fixed interval needs
    one press (a POST without a date); one with no fixed interval asks the date first, offered a year on.
    """
    event = get_object_or_404(_visible(request).select_related("series", "host_zone"), pk=pk)
    if not permissions.can_manage_series(request.user, event.host_zone_id):
        raise PermissionDenied(_("Only the host zone's people and the secretariat propose the next edition."))
    asks_date = event.series is None or event.series.recurrence == EventSeries.Recurrence.IRREGULAR
    # The date and time come as two inputs (starts_at_0, starts_at_1); a one-press proposal sends neither.
    sent_date = request.method == "POST" and any(name.startswith("starts_at") for name in request.POST)
    form = NextEditionForm(
        request.POST if sent_date else None,
        initial={"starts_at": services.next_edition_start(event)},
    )
    if request.method == "POST" and (form.is_valid() or not (asks_date or sent_date)):
        starts_at = form.cleaned_data["starts_at"] if sent_date else None
        try:
            edition = services.propose_next_edition(request.user, event, starts_at=starts_at)
        except (services.InvalidMoveError, PermissionDenied) as error:
            show_refusal(request, error)
            return redirect("events:detail", pk=event.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The next edition is proposed as a draft, with this one's details and partners. "
                    "Check it, choose its planned activity, and submit it."
                ),
            )
            return redirect("events:detail", pk=edition.pk)
    return render(request, "events/next_edition_form.html", {"form": form, "event": event})


@login_required
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A series and its editions (those the reader may see), latest first."""
    series = get_object_or_404(
        EventSeries.objects.visible_to(request.user).select_related("host_zone"), pk=pk
    )
    editions = list(
        _visible(request)
        .filter(series=series)
        .select_related("category", "host_zone")
        .defer("description")
        .order_by("-starts_at", "-pk")
    )
    # The edition the next is proposed from: the latest that went ahead or was called off.
    latest = next((edition for edition in editions if edition.status in services.NEXT_EDITION_SOURCES), None)
    may_manage = permissions.can_manage_series(request.user, series.host_zone_id)
    return render(
        request,
        "events/series_detail.html",
        {
            "series": series,
            "editions": editions,
            "latest": latest if may_manage else None,
            "next_edition_refusal": services.next_edition_refusal(latest) if may_manage and latest else None,
            "next_edition_asks_date": series.recurrence == EventSeries.Recurrence.IRREGULAR,
        },
    )


@login_required
@require_POST
def event_submit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    try:
        services.submit_event(request.user, event)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("The event is submitted to the secretariat and the invited zones are asked.")
        )
    return redirect("events:detail", pk=event.pk)


@login_required
@require_http_methods(["GET", "POST"])
def event_decide(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    """The secretariat approves, rejects or cancels from the event's page. A GET (or a reason left
    out) shows the decision on a page of its own, with what was typed kept; whether the move fits the
    event now is the service's to say, with its own reason."""
    decision = DECISIONS.get(move)
    if decision is None:
        raise Http404
    event = _event_or_404(request, pk)
    rule = services.EVENT_LIFECYCLE.moves[move]
    if not permissions.can_decide_event(request.user, event):
        raise PermissionDenied(rule.not_allowed)
    # A decision for every zone weighs what the admin's do: the same two-step sign-in first.
    gate = admin_gate(request)
    if gate is not None:
        return gate
    form = DecisionForm(request.POST if request.method == "POST" else None, decision=decision)
    if form.is_bound and form.is_valid():
        try:
            decision.carry_out(request.user, event, form.cleaned_data.get("reason", ""))
        except services.InvalidMoveError as error:
            show_refusal(request, error)
            return redirect("events:detail", pk=event.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, decision.done)
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/decision_form.html", {"form": form, "event": event, "decision": decision})


@login_required
@require_GET
def conflict_check(request: HttpRequest) -> HttpResponse:
    """The warnings a saved event would show, for the event form while it is filled (event-form.js).

    Answers an HTML fragment in the reader's language: empty until the dates and category make sense.
    A zone's people ask about their own zone; ``?event=`` names the event being edited, so it does
    not clash with itself."""
    scope = scope_of(request.user)
    if scope.zone_id is None and not scope.secretariat:
        raise PermissionDenied(_("You may propose events only for your own zone."))
    event = None
    named = request.GET.get("event", "")
    if named:
        # Only ASCII digits of an id that can exist ("²".isdigit() is true, and int() refuses it).
        if not (named.isascii() and named.isdecimal() and len(named) <= 18):
            raise Http404
        event = _event_or_404(request, int(named))
        if not permissions.can_prepare_event(request.user, event):
            raise PermissionDenied(_("Only the host zone may change this event."))
    form = ConflictCheckForm(request.GET)
    conflicts = []
    if form.is_valid() and form.cleaned_data["starts_at"] < form.cleaned_data["ends_at"]:
        host_id = scope.zone_id
        if scope.secretariat:
            chosen = form.cleaned_data["host_zone"]
            host_id = chosen.pk if chosen else (event.host_zone_id if event else None)
        if host_id is not None:
            candidate = Event(
                pk=event.pk if event else None,
                status=event.status if event else Status.DRAFT,
                host_zone_id=host_id,
                category=form.cleaned_data["category"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
            )
            conflicts = conflicts_for(candidate)
    return render(request, "events/_conflicts.html", {"conflicts": conflicts})


@login_required
def invitation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    scope = scope_of(request.user)
    participation = Participation.objects.filter(event=event, zone_id=scope.zone_id).first()
    if participation is None:
        raise Http404
    form = InvitationAnswerForm(
        request.POST or None,
        initial={
            "answer": participation.answer if participation.answered_at else None,
            "note": participation.note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.respond_to_invitation(
                request.user, participation, form.cleaned_data["answer"], form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Your zone's answer is recorded."))
        return redirect("events:detail", pk=event.pk)
    return render(
        request, "events/invitation_form.html", {"form": form, "event": event, "participation": participation}
    )


@login_required
def report_file(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    if not permissions.can_report_event(request.user, event):
        raise PermissionDenied(_("Only the host zone files this event's report."))
    report = EventReport.objects.filter(event=event).first() or EventReport(event=event)
    form = ReportForm(request.POST or None, request.FILES or None, instance=report, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.file_report(request.user, event, **form.service_arguments())
        except services.InvalidMoveError as error:
            show_refusal(request, error)
            return redirect("events:detail", pk=event.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report is filed. Thank you."))
            return redirect("events:detail", pk=event.pk)
    return render(request, "events/report_form.html", {"form": form, "event": event})


@login_required
@require_POST
def report_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """The secretariat shows a report's attendance and number of artists on the public page, or hides
    them again; the button's sentence on the event's page says what becomes public."""
    event = _event_or_404(request, pk)
    report = get_object_or_404(EventReport, event=event)
    form = PublicFiguresForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to show or hide the figures, with the page's buttons."))
        return redirect("events:detail", pk=event.pk)
    public = form.cleaned_data["public"]
    try:
        services.set_public_figures(request.user, report, public)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request,
            _("The attendance and the number of artists now appear on the event's public page.")
            if public
            else _("The report's figures no longer appear on the event's public page."),
        )
    return redirect("events:detail", pk=event.pk)


@login_required
@require_POST
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(report__event__in=_visible(request)).select_related("report__event"),
        pk=pk,
    )
    try:
        services.withdraw_report_attachment(request.user, attachment)
    except (ValidationError, PermissionDenied) as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("The attachment is withdrawn from the report; it stays in the event's history.")
        )
    return redirect("events:detail", pk=attachment.report.event_id)


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        ReportAttachment.objects.filter(report__event__in=_visible(request)).select_related("report"), pk=pk
    )
    return files.download(attachment.file, attachment.original_name)


SHOWN_YEARS = range(1900, 2201)  # a day outside is taken for no day at all: the grid around it would overflow


def _anchor(request: HttpRequest, name: str = "date") -> dt.date | None:
    try:
        day = dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return None
    return day if day.year in SHOWN_YEARS else None


DAY_PAGE_SIZE = 20  # events per page of a day's list, the calendar's "and N more"
PK_MARK = 987654321  # stands for an event's id: its address is reversed once per page, not per event


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """All approved events across the zones, a month at a time; ``?day=`` lists one day's, a page at a
    time. The same for every reader, so its content is kept once per language, query and day until an
    event changes (``zones_portal.fragments``)."""
    today = timezone.localdate()
    content = cached_content(
        request, "events:calendar", (EVENTS,), lambda: _calendar_content(request, today), extra=today
    )
    return render(request, "events/calendar.html", {"content": content})


def _calendar_content(request: HttpRequest, today: dt.date) -> str:
    published = Event.objects.published()
    event_filter = EventFilter(request.GET or None, queryset=published)
    events = event_filter.qs if event_filter.is_valid() else published
    query = request.GET.copy()
    for name in ("date", "day", "page"):
        query.pop(name, None)
    detail = reverse("events:detail", args=[PK_MARK])
    context: dict[str, object] = {"filter": event_filter, "query": query.urlencode()}
    day = _anchor(request, "day")
    if day is not None:
        # A row shows its title, host, category and times: the long description stays behind.
        rows = overlapping(events, day, day).select_related("category", "host_zone").defer("description")
        context.update(day=day, page=paginate(request, rows, DAY_PAGE_SIZE))
        return render_to_string("events/_calendar_day_body.html", context)
    month = build_month(_anchor(request) or today, events, get_language())
    for entry in {entry.pk: entry for week in month.weeks for day in week for entry in day.events}.values():
        entry.url = detail.replace(str(PK_MARK), str(entry.pk))
    context.update(month=month, weekdays=weekday_names(get_language()))
    return render_to_string("events/_calendar_body.html", context)
