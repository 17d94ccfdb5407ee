"""The admin of competitions: rounds with their criteria and judges, entries and scores to read.

Every move (opening and closing scoring, deciding, revealing, entering a zone's applications) is an
action that calls ``contests.services.rounds``; status fields are read-only. Certificate templates and
certificates are in ``admin_certificates``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from contests.models import Conflict, Entry, Judge, ReviewScore, Round, RoundCriterion
from contests.services import rounds as services
from zones_portal.admin_site import (
    KeepsRecords,
    SecretariatAdmin,
    SecretariatTabularInline,
    ServiceActionsMixin,
)
from zones_portal.widgets import LocalDateTimeField, LocalDateTimeWidget


def rounds_message(count: int) -> str:
    return ngettext("%(count)d round updated.", "%(count)d rounds updated.", count) % {"count": count}


class RoundCriterionInline(SecretariatTabularInline):
    model = RoundCriterion
    extra = 1
    fields = ("name", "weight", "max_score", "sort_order")

    def has_delete_permission(self, request: HttpRequest, obj: Round | None = None) -> bool:
        """Scores hang on a criterion: only a round being prepared loses one."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Round.Status.DRAFT)


class JudgeInline(SecretariatTabularInline):
    model = Judge
    extra = 1
    fields = ("user", "is_chair")
    autocomplete_fields = ("user",)

    def has_delete_permission(self, request: HttpRequest, obj: Round | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == Round.Status.DRAFT)


@admin.register(Round)
class RoundAdmin(KeepsRecords, ServiceActionsMixin, SecretariatAdmin):
    list_display = ("name", "call", "stage", "kind", "mode", "zone", "status", "blind")
    list_filter = ("status", "kind", "mode", "blind", "zone")
    search_fields = ("name", "call__title")
    list_select_related = ("call", "zone")
    # The fields a round is set up with (the services' own list), then what only its moves change.
    fields = ("call", *services.ROUND_FIELDS, "status", "revealed_at", "revealed_by")
    readonly_fields = ("status", "revealed_at", "revealed_by")
    inlines = (RoundCriterionInline, JudgeInline)
    actions = ("enter_applications", "open_selected", "close_selected", "decide_selected", "reveal_selected")
    formfield_overrides = {
        models.DateTimeField: {"form_class": LocalDateTimeField, "widget": LocalDateTimeWidget}
    }

    def save_model(self, request: HttpRequest, obj: Round, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Enter the zone's applications into the selected preliminaries"))
    def enter_applications(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        self.run_service(
            request,
            queryset,
            lambda round_: services.enter_zone_applications(request.user, round_),
            rounds_message,
        )

    @admin.action(description=_("Open scoring of the selected rounds"))
    def open_selected(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        self.run_service(
            request, queryset, lambda round_: services.open_scoring(request.user, round_), rounds_message
        )

    @admin.action(description=_("Close scoring of the selected rounds"))
    def close_selected(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        self.run_service(
            request, queryset, lambda round_: services.close_scoring(request.user, round_), rounds_message
        )

    @admin.action(description=_("Decide who goes on from the selected rounds"))
    def decide_selected(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        """A review round some judge has not finished is decided only when asked twice: the admin sends
        the person to the round's own page, whose Decide asks, rather than refusing with a question it
        cannot take an answer to."""
        ready = []
        for round_ in queryset:
            missing = (
                round_.status == Round.Status.CLOSED
                and not round_.is_live
                and services.not_fully_scored(round_)
            )
            if missing:
                self.message_user(
                    request,
                    format_html(
                        '{}: {} <a href="{}">{}</a>',
                        round_,
                        services.NotEveryoneScoredError(missing).messages[0],
                        reverse("contests:round", args=[round_.pk]),
                        _("Decide it from the round's page, which asks first."),
                    ),
                    messages.WARNING,
                )
            else:
                ready.append(round_.pk)
        self.run_service(
            request,
            queryset.filter(pk__in=ready),
            lambda round_: services.decide(request.user, round_),
            rounds_message,
        )

    @admin.action(description=_("Reveal the names in the selected blind rounds"))
    def reveal_selected(self, request: HttpRequest, queryset: QuerySet[Round]) -> None:
        self.run_service(
            request, queryset, lambda round_: services.reveal(request.user, round_), rounds_message
        )


class ReviewScoreInline(SecretariatTabularInline):
    model = ReviewScore
    extra = 0
    fields = ("judge", "criterion", "value", "scored_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class ConflictInline(SecretariatTabularInline):
    model = Conflict
    extra = 0
    fields = ("judge", "note", "declared_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Entry)
class EntryAdmin(KeepsRecords, SecretariatAdmin):
    """Entries are made by the services (entering a zone's applications, going on); here they are read."""

    list_display = ("number", "round", "application", "status", "total", "rank")
    list_filter = ("status", "round__call", "round")
    search_fields = ("application__full_name", "application__tracking_code", "round__name")
    list_select_related = ("round", "application")
    fields = ("round", "application", "number", "running_order", "came_from", "status", "total", "rank")
    readonly_fields = fields
    inlines = (ReviewScoreInline, ConflictInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


from contests import admin_certificates  # noqa: E402, F401  (registers the certificate admins)
