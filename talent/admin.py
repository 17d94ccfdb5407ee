"""The secretariat's desk for talent calls: criteria and jury, applications, the ranking and decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from talent import services
from talent.history import application_timeline, call_timeline
from talent.models import (
    Application,
    ApplicationStatusChange,
    Artist,
    Assignment,
    Discipline,
    JuryMember,
    PortfolioFile,
    ScoringCriterion,
    TalentCall,
)
from zones_portal.admin_search import NormalisedSearchMixin
from zones_portal.admin_site import (
    KeepsRecords,
    SecretariatAdmin,
    SecretariatTabularInline,
    ServiceActionsMixin,
)
from zones_portal.dates import format_date
from zones_portal.exports import csv_download
from zones_portal.widgets import LocalDateTimeField, LocalDateTimeWidget, readers_number


def decided_message(count: int) -> str:
    return ngettext("%(count)d application updated.", "%(count)d applications updated.", count) % {
        "count": count
    }


def calls_message(count: int) -> str:
    return ngettext("%(count)d call updated.", "%(count)d calls updated.", count) % {"count": count}


# The ranking's decision buttons: what the form posts, the lifecycle's move, the button's label.
DECISIONS = (
    ("shortlist", "shortlist", _("Shortlist")),
    ("select", "select", _("Select")),
    ("reject", "turn_down", _("Not selected")),
)


def decisions_open_to(application: Application) -> list[tuple[str, Any]]:
    """The decisions the application's status allows: a button that could only be refused is not shown."""
    return [
        (value, label)
        for value, move, label in DECISIONS
        if application.status in services.APPLICATION_LIFECYCLE.sources(move)
    ]


@admin.register(Discipline)
class DisciplineAdmin(SecretariatAdmin):
    list_display = ("name_fa", "name_en", "slug", "is_active", "sort_order")
    list_editable = ("is_active", "sort_order")
    prepopulated_fields = {"slug": ("name_en",)}


class CriterionInline(SecretariatTabularInline):
    model = ScoringCriterion
    extra = 1
    fields = ("name", "weight", "max_score", "sort_order")

    def has_delete_permission(self, request: HttpRequest, obj: TalentCall | None = None) -> bool:
        """Scores hang on a criterion: only a draft call, which nobody has applied to, loses one."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == TalentCall.Status.DRAFT)


class JuryInline(SecretariatTabularInline):
    model = JuryMember
    extra = 1
    fields = ("user", "disciplines")
    autocomplete_fields = ("user",)


@admin.register(TalentCall)
class TalentCallAdmin(NormalisedSearchMixin, KeepsRecords, ServiceActionsMixin, SecretariatAdmin):
    list_display = ("title", "phase_display", "opens", "closes", "application_count", "ranking_link")
    list_filter = ("status", "disciplines", "eligible_zones")
    search_fields = ("title", "description")
    filter_horizontal = ("disciplines", "eligible_zones")
    fields = (
        "title",
        "description",
        "disciplines",
        "eligible_zones",
        "min_age",
        "max_age",
        "opens_at",
        "closes_at",
        "status",
    )
    readonly_fields = ("status",)
    inlines = (CriterionInline, JuryInline)
    actions = ("publish_selected", "finish_selected")
    formfield_overrides = {
        models.DateTimeField: {"form_class": LocalDateTimeField, "widget": LocalDateTimeWidget}
    }

    def get_queryset(self, request: HttpRequest) -> QuerySet[TalentCall]:
        return super().get_queryset(request).annotate(applications_total=Count("applications"))

    def timeline_parts(self, obj: TalentCall) -> tuple[list[Any], list[Any]]:
        return call_timeline(obj, with_jury=True)

    @admin.display(description=_("phase"))
    def phase_display(self, call: TalentCall) -> str:
        return call.get_phase_display()

    @admin.display(description=_("opens"), ordering="opens_at")
    def opens(self, call: TalentCall) -> str:
        return format_date(call.opens_at, "datetime")

    @admin.display(description=_("closes"), ordering="closes_at")
    def closes(self, call: TalentCall) -> str:
        return format_date(call.closes_at, "datetime")

    @admin.display(description=_("applications"), ordering="applications_total")
    def application_count(self, call: TalentCall) -> int:
        return call.applications_total

    @admin.display(description=_("ranking"))
    def ranking_link(self, call: TalentCall) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:talent_talentcall_ranking", args=[call.pk]), _("ranking")
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.sync_assignments(form.instance)  # a changed jury sees the applications at once

    @admin.action(description=_("Publish the selected calls"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[TalentCall]) -> None:
        self.run_service(
            request, queryset, lambda call: services.publish_call(request.user, call), calls_message
        )

    @admin.action(description=_("Finish the review of the selected calls"))
    def finish_selected(self, request: HttpRequest, queryset: QuerySet[TalentCall]) -> None:
        self.run_service(
            request, queryset, lambda call: services.finish_call(request.user, call), calls_message
        )

    # The ranking: weighted scores, decisions, CSV.

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/ranking/",
                self.admin_site.admin_view(self.ranking_view),
                name="talent_talentcall_ranking",
            ),
            path(
                "<int:pk>/ranking.csv",
                self.admin_site.admin_view(self.ranking_csv),
                name="talent_talentcall_ranking_csv",
            ),
            *super().get_urls(),
        ]

    def ranking_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        call = get_object_or_404(TalentCall, pk=pk)
        if request.method == "POST":
            self._decide(request, call)
            return HttpResponseRedirect(request.path)
        criteria = list(call.criteria.all())
        rows = [
            (
                position,
                ranked,
                [ranked.by_criterion.get(c.pk) for c in criteria],
                decisions_open_to(ranked.application),
            )
            for position, ranked in enumerate(services.ranking(call), start=1)
        ]
        return TemplateResponse(
            request,
            "admin/talent/ranking.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Ranking: %(call)s") % {"call": call.title},
                "call": call,
                "criteria": criteria,
                "rows": rows,
                "opts": self.model._meta,
            },
        )

    def _decide(self, request: HttpRequest, call: TalentCall) -> None:
        moves = {"shortlist": services.shortlist, "select": services.select, "reject": services.reject}
        move = moves.get(request.POST.get("decision", ""))
        application = call.applications.filter(pk=request.POST.get("application")).first()
        if move is None or application is None:
            self.message_user(request, _("Choose an application and a decision."), messages.ERROR)
            return
        try:
            move(request.user, application)
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        else:
            self.message_user(request, decided_message(1), messages.SUCCESS)

    def ranking_csv(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        call = get_object_or_404(TalentCall, pk=pk)
        criteria = list(call.criteria.all())
        header = [
            _("rank"),
            _("tracking code"),
            _("full name"),
            _("zone"),
            _("discipline"),
            _("status"),
            _("jurors"),
            _("weighted score"),
        ]
        header += [c.name for c in criteria]
        rows = (
            [
                position,
                r.application.tracking_code,
                r.application.full_name,
                r.application.zone.name,
                r.application.discipline.name,
                r.application.get_status_display(),
                r.jurors,
                r.total,
                *[r.by_criterion.get(c.pk, "") for c in criteria],
            ]
            for position, r in enumerate(services.ranking(call), start=1)
        )
        return csv_download(f"ranking-{call.pk}", header, rows)


class PortfolioInline(SecretariatTabularInline):
    model = PortfolioFile
    extra = 0
    can_delete = False
    fields = ("download", "kind", "file_size")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("file"))
    def download(self, portfolio: PortfolioFile) -> str:
        return format_html(
            '<a href="{}">{}</a>', reverse("talent:file", args=[portfolio.pk]), portfolio.original_name
        )

    @admin.display(description=_("size"))
    def file_size(self, portfolio: PortfolioFile) -> str:
        return readers_number(filesizeformat(portfolio.size))


class AssignmentInline(SecretariatTabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    fields = ("juror", "scored_at", "scores", "conflict_declared_at", "conflict_note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Assignment]:
        return super().get_queryset(request).select_related("juror").prefetch_related("scores__criterion")

    @admin.display(description=_("scores"))
    def scores(self, assignment: Assignment) -> str:
        return "، ".join(f"{s.criterion.name}: {s.value}" for s in assignment.scores.all()) or "—"


class StatusChangeInline(SecretariatTabularInline):
    model = ApplicationStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(KeepsRecords, ServiceActionsMixin, SecretariatAdmin):
    list_display = ("tracking_code", "full_name", "call", "zone", "discipline", "status", "submitted")
    list_filter = ("call", "status", "zone", "discipline", "nominated_by")
    search_fields = ("tracking_code", "full_name", "email")
    list_select_related = ("call", "zone", "discipline")
    readonly_fields = (
        "call",
        "tracking_code",
        "full_name",
        "birth_date",
        "zone",
        "email",
        "phone",
        "discipline",
        "statement",
        "portfolio_links",
        "consent",
        "status",
        "nominated_by",
        "language",
        "submitted_at",
    )
    fields = readonly_fields
    inlines = (PortfolioInline, AssignmentInline, StatusChangeInline)
    actions = ("shortlist_selected", "select_selected", "reject_selected")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # applications come from the public form or an institution's nomination

    def timeline_parts(self, obj: Application) -> tuple[list[Any], list[Any]]:
        return application_timeline(obj)

    @admin.display(description=_("submitted"), ordering="submitted_at")
    def submitted(self, application: Application) -> str:
        return format_date(application.submitted_at, "datetime")

    @admin.action(description=_("Shortlist the selected applications"))
    def shortlist_selected(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self.run_service(request, queryset, lambda a: services.shortlist(request.user, a), decided_message)

    @admin.action(description=_("Select the selected applications (they join the artist network)"))
    def select_selected(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self.run_service(request, queryset, lambda a: services.select(request.user, a), decided_message)

    @admin.action(description=_("Mark the selected applications as not selected"))
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self.run_service(request, queryset, lambda a: services.reject(request.user, a), decided_message)


@admin.register(Artist)
class ArtistAdmin(NormalisedSearchMixin, KeepsRecords, SecretariatAdmin):
    """An artist leaves the network by being made inactive; the record and its history stay."""

    list_display = ("full_name", "zone", "discipline_names", "joined", "is_active")
    list_filter = ("zone", "disciplines", "is_active")
    search_fields = ("full_name", "email")
    filter_horizontal = ("disciplines",)
    readonly_fields = ("application",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Artist]:
        return super().get_queryset(request).select_related("zone").prefetch_related("disciplines")

    @admin.display(description=_("disciplines"))
    def discipline_names(self, artist: Artist) -> str:
        return "، ".join(d.name for d in artist.disciplines.all())

    @admin.display(description=_("joined"), ordering="joined_at")
    def joined(self, artist: Artist) -> str:
        return format_date(artist.joined_at)
