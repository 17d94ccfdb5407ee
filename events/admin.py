"""The secretariat's desk for events: decide, correct, export. Every write goes through events.services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.forms import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from events import services
from events.conflicts import conflicts_for
from events.forms import DECISIONS, DecisionForm, decisions_open_to
from events.history import STATUS_FIELDS, event_timeline
from events.models import Event, EventCategory, EventReport, EventSeries, Participation, StatusChange
from events.plan import activity_label
from programmes.models import PlannedActivity, Programme
from zones_portal.admin_search import NormalisedSearchMixin
from zones_portal.admin_site import (
    CsvExportMixin,
    SecretariatAdmin,
    SecretariatStackedInline,
    SecretariatTabularInline,
    ServiceActionsMixin,
    ServiceErrorsMixin,
    calendar_date_filter,
)
from zones_portal.dates import format_date
from zones_portal.forms import add_service_errors
from zones_portal.widgets import LocalDateTimeField, LocalDateTimeWidget


def approved_message(count: int) -> str:
    return ngettext("%(count)d event approved.", "%(count)d events approved.", count) % {"count": count}


def rejected_message(count: int) -> str:
    return ngettext("%(count)d event rejected.", "%(count)d events rejected.", count) % {"count": count}


def figures_shown_message(count: int) -> str:
    return ngettext(
        "The figures of %(count)d report are now public.",
        "The figures of %(count)d reports are now public.",
        count,
    ) % {"count": count}


def figures_hidden_message(count: int) -> str:
    return ngettext(
        "The figures of %(count)d report are no longer public.",
        "The figures of %(count)d reports are no longer public.",
        count,
    ) % {"count": count}


def proposed_message(count: int) -> str:
    return ngettext(
        "The next edition of %(count)d event is proposed as a draft.",
        "The next editions of %(count)d events are proposed as drafts.",
        count,
    ) % {"count": count}


def cancelled_message(count: int) -> str:
    return ngettext("%(count)d event cancelled.", "%(count)d events cancelled.", count) % {"count": count}


@admin.register(EventCategory)
class EventCategoryAdmin(SecretariatAdmin):
    list_display = ("name_fa", "name_en", "slug", "is_creative_industry", "is_active", "sort_order")
    list_editable = ("sort_order", "is_active")
    prepopulated_fields = {"slug": ("name_en",)}


class ParticipationInline(SecretariatTabularInline):
    model = Participation
    extra = 0
    can_delete = False  # an invitation, once sent, and its answer stay on the event
    fields = ("zone", "answer", "note", "invited_at", "answered_at", "answered_by")
    readonly_fields = ("answer", "note", "invited_at", "answered_at", "answered_by")
    verbose_name = _("participating zone")
    verbose_name_plural = _("participating zones")


class StatusChangeInline(SecretariatTabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ("when", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields

    @admin.display(description=_("when"))
    def when(self, change: StatusChange) -> str:
        return format_date(change.changed_at, "datetime")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventReportInline(SecretariatStackedInline):
    model = EventReport
    extra = 0
    can_delete = False
    fields = (
        "attendance",
        "artists_count",
        "outcomes",
        "spent",
        "public_figures",
        "filed_by",
        "filed_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConflictFilter(admin.SimpleListFilter):
    title = _("conflicts")
    parameter_name = "conflict"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("overlap", _("Overlaps another approved event of its zone")),
            ("same_week", _("Same category in another zone that week")),
            ("any", _("Any conflict")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Event]) -> QuerySet[Event]:
        if self.value() == "overlap":
            return queryset.filter(has_overlap=True)
        if self.value() == "same_week":
            return queryset.filter(has_same_week=True)
        if self.value() == "any":
            return queryset.filter(has_overlap=True) | queryset.filter(has_same_week=True)
        return queryset


@admin.register(Event)
class EventAdmin(
    NormalisedSearchMixin, CsvExportMixin, ServiceErrorsMixin, ServiceActionsMixin, SecretariatAdmin
):
    list_display = ("title", "host_zone", "category", "starts", "status", "conflict_flag")
    list_filter = (
        "status",
        "host_zone",
        "category",
        calendar_date_filter("starts_at", _("starts")),
        ConflictFilter,
    )
    search_fields = ("title", "description", "venue")
    list_select_related = ("host_zone", "category")
    inlines = (ParticipationInline, EventReportInline, StatusChangeInline)
    fields = (*services.EVENT_FIELDS, "series", "co_organisers", "status", "status_reason", "created_by")
    readonly_fields = ("status", "status_reason", "created_by")
    filter_horizontal = ("co_organisers",)
    actions = (
        "approve_selected",
        "reject_selected",
        "cancel_selected",
        "show_figures_selected",
        "hide_figures_selected",
        "propose_next_edition_selected",
    )
    change_form_template = "admin/events/event/change_form.html"
    # Jalali entry in Persian, as on the dashboard.
    formfield_overrides = {
        models.DateTimeField: {"form_class": LocalDateTimeField, "widget": LocalDateTimeWidget}
    }
    change_list_template = "admin/export_change_list.html"
    # What waits for the secretariat's decision comes first, then the rest by when it starts.
    ordering = (
        Case(When(status=Event.Status.SUBMITTED, then=Value(0)), default=Value(1)).asc(),
        "starts_at",
        "pk",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Event]:
        return super().get_queryset(request).with_conflicts()

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "map_link" and field is not None:
            field.widget.attrs["dir"] = "ltr"  # an address reads left to right on a Persian page too
        return field

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Planned activities of approved programmes only, named with their zone (the service checks it
        is the host zone's)."""
        if db_field.name == "planned_activity":
            # An activity an event already delivers stays offered if its programme was reopened since.
            kwargs["queryset"] = (
                PlannedActivity.objects.filter(
                    Q(programme__status=Programme.Status.APPROVED) | Q(events__isnull=False)
                )
                .distinct()
                .select_related("programme__zone", "programme__year")
            )
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            field.label_from_instance = lambda activity: activity_label(activity, with_zone=True)
            return field
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        """Events are cancelled with a reason, never deleted: their history is the record."""
        return False

    def timeline_parts(self, obj: Event) -> tuple[list[Any], list[Any]]:
        return event_timeline(obj)

    timeline_hidden = STATUS_FIELDS

    @admin.display(description=_("starts"), ordering="starts_at")
    def starts(self, event: Event) -> str:
        return format_date(event.starts_at, "datetime")

    @admin.display(description=_("conflicts"), boolean=False)
    def conflict_flag(self, event: Event) -> str:
        flags = []
        if getattr(event, "has_overlap", False):
            flags.append(str(_("overlap")))
        if getattr(event, "has_same_week", False):
            flags.append(str(_("same week")))
        return "⚠ " + "، ".join(flags) if flags else "—"

    # Saving goes through the services, so the admin cannot bypass a rule.

    def save_model(self, request: HttpRequest, obj: Event, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in services.EVENT_FIELDS if name in form.cleaned_data}
        co_organisers = list(form.cleaned_data.get("co_organisers", []))
        if change:
            saved = services.update_event(request.user, obj, co_organisers=co_organisers, **data)
        else:
            saved = services.create_event(request.user, co_organisers=co_organisers, **data)
        if "series" in form.cleaned_data:
            services.set_event_series(request.user, saved, form.cleaned_data["series"])
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(
        self, request: HttpRequest, form: Any, formsets: list[BaseInlineFormSet], change: bool
    ) -> None:
        for formset in formsets:
            if formset.model is Participation:
                zones = [
                    f.cleaned_data["zone"]
                    for f in formset.forms
                    if f.cleaned_data and f.cleaned_data.get("zone") and not f.cleaned_data.get("DELETE")
                ]
                services.update_event(request.user, form.instance, participating_zones=zones)
                # The service saved them; the admin's change message still reads these.
                formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            else:
                self.save_formset(request, form, formset, change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        extra_context = extra_context or {}
        if object_id:
            event = self.get_object(request, object_id)
            if event is not None:
                extra_context["conflicts"] = conflicts_for(event)
                extra_context["decisions"] = decisions_open_to(request.user, event)
        return super().changeform_view(request, object_id, form_url, extra_context)

    # Decisions on the event's own page: a button, then a page that confirms and asks for the reason.

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<path:object_id>/decide/<slug:move>/",
                self.admin_site.admin_view(self.decide_view),
                name="events_event_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request: HttpRequest, object_id: str, move: str) -> HttpResponse:
        """Whether the move fits the event now is the service's to say: a refusal comes back to the
        event's page with its reason; a reason left out, to this page with what was typed kept."""
        decision = DECISIONS.get(move)
        event = self.get_object(request, unquote(object_id))
        if decision is None or event is None:
            raise Http404
        if not self.has_change_permission(request, event):
            raise PermissionDenied
        change_url = reverse("admin:events_event_change", args=[event.pk])
        form = DecisionForm(request.POST if request.method == "POST" else None, decision=decision)
        if form.is_bound and form.is_valid():
            try:
                decision.carry_out(request.user, event, form.cleaned_data.get("reason", ""))
            except services.InvalidMoveError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
                return HttpResponseRedirect(change_url)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.message_user(request, decision.done, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return TemplateResponse(
            request,
            "admin/events/event/decide.html",
            {
                **self.admin_site.each_context(request),
                "title": decision.label,
                "subtitle": event.title,
                "opts": self.model._meta,
                "original": event,
                "decision": decision,
                "form": form,
                "change_url": change_url,
                "media": self.media + form.media,
            },
        )

    # Decisions.

    @admin.action(description=_("Approve the selected events"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self.run_service(
            request, queryset, lambda event: services.approve_event(request.user, event), approved_message
        )

    @admin.action(description=_("Reject the selected events…"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> HttpResponse | None:
        return self.with_reason(request, queryset, "reject_selected", services.reject_event, rejected_message)

    @admin.action(description=_("Cancel the selected events…"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> HttpResponse | None:
        return self.with_reason(
            request, queryset, "cancel_selected", services.cancel_event, cancelled_message
        )

    @admin.action(description=_("Propose the next edition of the selected events"))
    def propose_next_edition_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        """Each from its own series' rhythm; one with no fixed interval is proposed from the event's page,
        which asks the date."""
        self.run_service(
            request,
            queryset.select_related("series"),
            lambda event: services.propose_next_edition(request.user, event),
            proposed_message,
        )

    # The public page's figures: the secretariat's decision, through the same service as the dashboard's.

    def _set_figures(self, request: HttpRequest, queryset: QuerySet[Event], public: bool) -> None:
        reports = EventReport.objects.filter(event__in=queryset).select_related("event")
        done = figures_shown_message if public else figures_hidden_message
        self.run_service(
            request, reports, lambda report: services.set_public_figures(request.user, report, public), done
        )
        missing = queryset.filter(report__isnull=True).count()
        if missing:
            self.message_user(
                request,
                ngettext(
                    "%(count)d selected event has no report yet: nothing to show.",
                    "%(count)d selected events have no report yet: nothing to show.",
                    missing,
                )
                % {"count": missing},
                messages.WARNING,
            )

    @admin.action(description=_("Show the selected reports' attendance and artists publicly"))
    def show_figures_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self._set_figures(request, queryset, public=True)

    @admin.action(description=_("Hide the selected reports' figures from the public"))
    def hide_figures_selected(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self._set_figures(request, queryset, public=False)

    # CSV export of whatever the list shows, filters and search included.

    export_name = "events"

    def export_queryset(self, queryset: QuerySet[Event]) -> QuerySet[Event]:
        return queryset.select_related("category", "host_zone").prefetch_related(
            "participations__zone", "co_organisers"
        )

    def export_header(self) -> list[Any]:
        return [
            _("id"),
            _("title"),
            _("category"),
            _("host zone"),
            _("participating zones"),
            _("co-organising institutions"),
            _("starts"),
            _("ends"),
            _("status"),
            _("reason"),
            _("conflicts"),
        ]

    def export_row(self, event: Event) -> list[Any]:
        return [
            event.pk,
            event.title,
            event.category.name,
            event.host_zone.name,
            "; ".join(f"{p.zone.name} ({p.get_answer_display()})" for p in event.participations.all()),
            "; ".join(i.name for i in event.co_organisers.all()),
            timezone.localtime(event.starts_at).isoformat(),
            timezone.localtime(event.ends_at).isoformat(),
            event.get_status_display(),
            event.status_reason,
            self.conflict_flag(event),
        ]


class EditionInline(SecretariatTabularInline):
    """The series' editions, read only: each is changed on its own page, through the events' services."""

    model = Event
    fk_name = "series"
    extra = 0
    can_delete = False
    fields = ("title", "starts", "status")
    readonly_fields = fields
    show_change_link = True
    verbose_name = _("edition")
    verbose_name_plural = _("editions")
    ordering = ("-starts_at", "-pk")

    @admin.display(description=_("starts"))
    def starts(self, event: Event) -> str:
        return format_date(event.starts_at, "datetime")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EventSeries)
class EventSeriesAdmin(NormalisedSearchMixin, ServiceErrorsMixin, SecretariatAdmin):
    list_display = ("title", "host_zone", "recurrence", "edition_count")
    list_filter = ("recurrence", "host_zone")
    search_fields = ("title",)
    list_select_related = ("host_zone",)
    fields = ("title", "host_zone", "recurrence", "created_by")
    readonly_fields = ("created_by",)
    inlines = (EditionInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[EventSeries]:
        return super().get_queryset(request).annotate(editions=Count("events"))

    @admin.display(description=_("editions"), ordering="editions")
    def edition_count(self, series: EventSeries) -> int:
        return series.editions

    def has_delete_permission(self, request: HttpRequest, obj: EventSeries | None = None) -> bool:
        """A series is the link between its editions; it is renamed, not deleted."""
        return False

    def save_model(self, request: HttpRequest, obj: EventSeries, form: Any, change: bool) -> None:
        services.save_series(request.user, obj)
