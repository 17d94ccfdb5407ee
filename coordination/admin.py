"""The secretariat's admin for the coordination desk: meetings, action items and circulars.

Every creation, change and status move goes through ``coordination.services``; a status is never edited
as a field. The admin shows what the dashboard shows, in the reader's calendar and digits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.forms import FileInput
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coordination.filters import status_q
from coordination.models import (
    Acknowledgement,
    ActionItem,
    ActionItemStatusChange,
    AgendaItem,
    Circular,
    CircularStatusChange,
    Decision,
    Invitee,
    Meeting,
    MeetingStatusChange,
)
from coordination.services import circulars as circular_services
from coordination.services import meetings as meeting_services
from coordination.services import minutes as minutes_services
from zones_portal.admin_search import NormalisedSearchMixin
from zones_portal.admin_site import (
    SecretariatAdmin,
    SecretariatTabularInline,
    ServiceActionsMixin,
    ServiceErrorsMixin,
    calendar_date_filter,
)
from zones_portal.dates import format_date
from zones_portal.models import Institution, Zone
from zones_portal.widgets import (
    LocalDateField,
    LocalDateInput,
    LocalDateTimeField,
    LocalDateTimeWidget,
    readers_number,
)

# Jalali entry in Persian, as on the dashboard.
DATE_FIELDS = {
    models.DateField: {"form_class": LocalDateField, "widget": LocalDateInput},
    models.DateTimeField: {"form_class": LocalDateTimeField, "widget": LocalDateTimeWidget},
}
MEETING_FIELDS = ("title", "starts_at", "ends_at", "agenda_cutoff", "place", "online_link", "notes")
CIRCULAR_FIELDS = ("kind", "title", "body", "acknowledge_by")
# The comments window the admin's "circulate" action gives the invitees; the dashboard asks for a date.
COMMENT_DAYS = 7


def held_message(count: int) -> str:
    return ngettext(
        "%(count)d meeting recorded as held.",
        "%(count)d meetings recorded as held.",
        count,
    ) % {"count": count}


def circulated_message(count: int) -> str:
    return ngettext(
        "The minutes of %(count)d meeting circulated for comment.",
        "The minutes of %(count)d meetings circulated for comment.",
        count,
    ) % {"count": count}


def approved_message(count: int) -> str:
    return ngettext(
        "The minutes of %(count)d meeting approved.",
        "The minutes of %(count)d meetings approved.",
        count,
    ) % {"count": count}


def cancelled_message(count: int) -> str:
    return ngettext(
        "%(count)d meeting cancelled.",
        "%(count)d meetings cancelled.",
        count,
    ) % {"count": count}


def dropped_message(count: int) -> str:
    return ngettext(
        "%(count)d action item dropped.",
        "%(count)d action items dropped.",
        count,
    ) % {"count": count}


def reopened_message(count: int) -> str:
    return ngettext(
        "%(count)d action item reopened.",
        "%(count)d action items reopened.",
        count,
    ) % {"count": count}


def sent_message(count: int) -> str:
    return ngettext(
        "%(count)d circular sent.",
        "%(count)d circulars sent.",
        count,
    ) % {"count": count}


def withdrawn_message(count: int) -> str:
    return ngettext(
        "%(count)d circular withdrawn.",
        "%(count)d circulars withdrawn.",
        count,
    ) % {"count": count}


class ProtectedFileInput(AdminFileWidget):
    """An upload field whose current file reads as its name, linked to the desk's download view (which
    checks who may read it), never as its storage path. A file is replaced by a new one, never cleared:
    the earlier one stays in the record's history."""

    template_name = "admin/widgets/protected_file_input.html"
    url_name = ""
    name_field = ""

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        owner = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and owner is not None and owner.pk:
            context["widget"].update(
                download_url=reverse(self.url_name, args=[owner.pk]),
                download_label=getattr(owner, self.name_field) or str(_("file")),
            )
        context["widget"]["required"] = True  # the template offers "Clear" only for optional fields
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return FileInput.value_from_datadict(self, data, files, name)


class EvidenceFileInput(ProtectedFileInput):
    url_name = "coordination:action-item-evidence"
    name_field = "evidence_file_name"


class CircularFileInput(ProtectedFileInput):
    url_name = "coordination:circular-file"
    name_field = "file_name"


class FileByNameMixin:
    """On a page the secretariat reads rather than changes, Django would print a file field as its
    storage path, linked past the view that checks who may read it: there it is shown by its name,
    linked to that view, as the upload widget shows it on a page that is changed."""

    file_field = ""

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = list(super().get_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            fields = ["file_download" if name == self.file_field else name for name in fields]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "file_download")

    @admin.display(description=_("file"))
    def file_download(self, obj: Any) -> str:
        widget = self.formfield_overrides[models.FileField]["widget"]
        if not getattr(obj, self.file_field):
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse(widget.url_name, args=[obj.pk]),
            getattr(obj, widget.name_field) or _("file"),
        )


def status_change_inline(record_model: type[models.Model]) -> type[SecretariatTabularInline]:
    """The read-only list of a record's status moves: when, from, to, who, why."""

    class StatusChangeInline(SecretariatTabularInline):
        model = record_model
        extra = 0
        can_delete = False
        fields = ("when", "from_status", "to_status", "changed_by", "reason")
        readonly_fields = fields

        def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
            return False

        @admin.display(description=_("when"))
        def when(self, change: Any) -> str:
            return format_date(change.changed_at, "datetime")

    return StatusChangeInline


class ReadOnlyInline(SecretariatTabularInline):
    """Rows the services write (answers, proposals, decisions, acknowledgements), shown, not edited."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class InviteeInline(ReadOnlyInline):
    model = Invitee
    fields = ("organisation", "answer", "attendees", "apology_note", "attendance", "attended_by")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitee]:
        return super().get_queryset(request).select_related("zone", "institution")

    @admin.display(description=_("zone or institution"))
    def organisation(self, invitee: Invitee) -> str:
        return invitee.organisation_name


class AgendaItemInline(ReadOnlyInline):
    model = AgendaItem
    fields = ("place_on_agenda", "title", "proposer", "status", "decline_reason")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[AgendaItem]:
        return super().get_queryset(request).select_related("zone", "institution")

    @admin.display(description=_("order on the agenda"), ordering="position")
    def place_on_agenda(self, item: AgendaItem) -> str:
        return readers_number(str(item.position)) if item.position else "—"

    @admin.display(description=_("proposed by"))
    def proposer(self, item: AgendaItem) -> str:
        return item.organisation_name


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ("reference_shown", "text", "agenda_item", "action_items_count")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Decision]:
        return (
            super()
            .get_queryset(request)
            .select_related("meeting", "agenda_item")
            .annotate(action_items_total=Count("action_items"))
        )

    @admin.display(description=_("reference"))
    def reference_shown(self, decision: Decision) -> str:
        return decision.reference_display

    @admin.display(description=_("action items"))
    def action_items_count(self, decision: Decision) -> str:
        return readers_number(str(decision.action_items_total))


class MeetingForm(forms.ModelForm):
    """The meeting's own fields and whom it invites; the services turn the choice into invitees."""

    zones = forms.ModelMultipleChoiceField(
        label=_("invited zones"),
        queryset=Zone.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    institutions = forms.ModelMultipleChoiceField(
        label=_("invited institutions"),
        queryset=Institution.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Meeting
        fields = MEETING_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            invitees = list(self.instance.invitees.all())
            self.fields["zones"].initial = [i.zone_id for i in invitees if i.zone_id]
            self.fields["institutions"].initial = [i.institution_id for i in invitees if i.institution_id]


class InvitedFilter(admin.SimpleListFilter):
    title = _("invited zone or institution")
    parameter_name = "invited"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        options = [(f"zone:{zone.slug}", zone.name) for zone in Zone.objects.filter(is_active=True)]
        options += [(f"institution:{i.slug}", i.name) for i in Institution.objects.all()]
        return options

    def queryset(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> QuerySet[Meeting]:
        value = self.value()
        if not value:
            return queryset
        invitees = Invitee.objects.filter(meeting_id=OuterRef("pk"))
        if value.startswith("zone:"):
            invitees = invitees.filter(zone__slug=value.removeprefix("zone:"))
        elif value.startswith("institution:"):
            invitees = invitees.filter(institution__slug=value.removeprefix("institution:"))
        return queryset.filter(Exists(invitees))


@admin.register(Meeting)
class MeetingAdmin(NormalisedSearchMixin, ServiceErrorsMixin, ServiceActionsMixin, SecretariatAdmin):
    form = MeetingForm
    list_display = ("reference_shown", "title", "starts_at", "status", "invitees_count")
    list_display_links = ("reference_shown", "title")
    list_filter = ("status", calendar_date_filter("starts_at", _("starts")), InvitedFilter)
    search_fields = ("title", "reference", "place", "notes")
    inlines = (
        InviteeInline,
        AgendaItemInline,
        DecisionInline,
        status_change_inline(MeetingStatusChange),
    )
    fields = (
        "reference_shown",
        "title",
        "starts_at",
        "ends_at",
        "agenda_cutoff",
        "place",
        "online_link",
        "notes",
        "zones",
        "institutions",
        "status",
        "cancellation_reason",
        "minutes_summary",
        "comments_until",
        "minutes_approved_at",
        "created_by",
    )
    readonly_fields = (
        "reference_shown",
        "status",
        "cancellation_reason",
        "minutes_summary",
        "comments_until",
        "minutes_approved_at",
        "created_by",
    )
    formfield_overrides = DATE_FIELDS
    actions = ("hold_selected", "circulate_selected", "approve_selected", "cancel_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Meeting]:
        return super().get_queryset(request).annotate(invitees_total=Count("invitees"))

    def has_delete_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        """A meeting is cancelled with a reason, never deleted: its record is the council's."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: Meeting | None = None) -> bool:
        """Only a scheduled meeting is changed; after that its minutes are written on the dashboard."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == Meeting.Status.SCHEDULED)

    @admin.display(description=_("reference"), ordering="reference")
    def reference_shown(self, meeting: Meeting) -> str:
        return meeting.reference_display if meeting.reference else "—"

    @admin.display(description=_("invitees"), ordering="invitees_total")
    def invitees_count(self, meeting: Meeting) -> str:
        return readers_number(str(meeting.invitees_total))

    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in MEETING_FIELDS if name in form.cleaned_data}
        zones = list(form.cleaned_data.get("zones") or [])
        institutions = list(form.cleaned_data.get("institutions") or [])
        if change:
            saved = meeting_services.update_meeting(
                request.user, obj, zones=zones, institutions=institutions, **data
            )
        else:
            saved = meeting_services.schedule_meeting(
                request.user, zones=zones, institutions=institutions, **data
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Record the selected meetings as held"))
    def hold_selected(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        self.run_service(
            request, queryset, lambda m: meeting_services.hold_meeting(request.user, m), held_message
        )

    @admin.action(description=_("Circulate the minutes for a week's comment"))
    def circulate_selected(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        until = timezone.now() + dt.timedelta(days=COMMENT_DAYS)
        self.run_service(
            request,
            queryset,
            lambda m: minutes_services.circulate_minutes(request.user, m, comments_until=until),
            circulated_message,
        )

    @admin.action(description=_("Approve the minutes of the selected meetings"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> None:
        self.run_service(
            request, queryset, lambda m: minutes_services.approve_minutes(request.user, m), approved_message
        )

    @admin.action(description=_("Cancel the selected meetings…"))
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Meeting]) -> HttpResponse | None:
        return self.with_reason(
            request, queryset, "cancel_selected", meeting_services.cancel_meeting, cancelled_message
        )


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Past due and not done"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
        if self.value() == "yes":
            return queryset.filter(status_q(ActionItem.Status.MISSED))  # as the dashboard's filter
        return queryset


class DroppedFilter(admin.SimpleListFilter):
    """Dropped action items leave the follow-up list unless asked for."""

    title = _("dropped")
    parameter_name = "dropped"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Dropped only")), ("all", _("Dropped too"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
        if self.value() == "yes" or request.GET.get("status__exact") == ActionItem.Status.DROPPED:
            return queryset.filter(status=ActionItem.Status.DROPPED)
        if self.value() == "all":
            return queryset
        return queryset.current()


class ActionItemForm(forms.ModelForm):
    complete = forms.BooleanField(
        label=_("Mark it done"),
        required=False,
        help_text=_("Done needs evidence: a note, a link or a file."),
    )

    class Meta:
        model = ActionItem
        fields = ("evidence_note", "evidence_link", "evidence_file", "done_on")


@admin.register(ActionItem)
class ActionItemAdmin(FileByNameMixin, ServiceErrorsMixin, ServiceActionsMixin, SecretariatAdmin):
    """Every action item across meetings, overdue first: the secretariat's follow-up list."""

    form = ActionItemForm
    file_field = "evidence_file"
    inlines = (status_change_inline(ActionItemStatusChange),)
    list_display = (
        "decision_reference",
        "short_description",
        "owner",
        "due_on",
        "status_shown",
        "has_evidence_flag",
    )
    list_filter = (
        OverdueFilter,
        DroppedFilter,
        "status",
        calendar_date_filter("due_on", _("due on"), dates=True),
        "kind",
        "zone",
        "institution",
        "decision__meeting",
    )
    search_fields = ("description", "evidence_note", "decision__text", "decision__meeting__title")
    list_select_related = ("decision__meeting", "zone", "institution")
    fields = (
        "decision_reference",
        "description",
        "owner",
        "due_on",
        "status",
        "drop_reason",
        "evidence_note",
        "evidence_link",
        "evidence_file",
        "done_on",
        "complete",
        "event",
        "agreement",
    )
    readonly_fields = (
        "decision_reference",
        "description",
        "owner",
        "due_on",
        "status",
        "drop_reason",
        "event",
        "agreement",
    )
    formfield_overrides = {**DATE_FIELDS, models.FileField: {"widget": EvidenceFileInput}}
    actions = ("drop_selected", "reopen_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ActionItem]:
        # Annotated before the admin orders by the annotation.
        return ActionItem.objects.overdue_first()

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["overdue", "due_on", "pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a decision's action items are added with the minutes

    def has_delete_permission(self, request: HttpRequest, obj: ActionItem | None = None) -> bool:
        return False  # dropped with a reason instead, and kept

    def has_change_permission(self, request: HttpRequest, obj: ActionItem | None = None) -> bool:
        """A dropped action item is read, with its history; reopen it to change it. A done one takes a
        correction of its evidence."""
        allowed = super().has_change_permission(request, obj)
        return allowed and not (obj is not None and obj.status == ActionItem.Status.DROPPED)

    @admin.display(description=_("decision"), ordering="decision__meeting__reference")
    def decision_reference(self, item: ActionItem) -> str:
        return item.decision.reference_display

    @admin.display(description=_("what is to be done"))
    def short_description(self, item: ActionItem) -> str:
        return item.description[:80]

    @admin.display(description=_("owed by"))
    def owner(self, item: ActionItem) -> str:
        return item.owner_name

    @admin.display(description=_("status"), ordering="status")
    def status_shown(self, item: ActionItem) -> str:
        label = item.get_current_status_display()
        return f"⚠ {label}" if item.is_overdue else label

    @admin.display(description=_("evidence"), boolean=True)
    def has_evidence_flag(self, item: ActionItem) -> bool:
        return item.has_evidence

    def save_model(self, request: HttpRequest, obj: ActionItem, form: Any, change: bool) -> None:
        """The secretariat reports on the owner's behalf, through the same rule as the owner."""
        data = form.cleaned_data
        minutes_services.report_action_item(
            request.user,
            obj,
            evidence_note=data.get("evidence_note", ""),
            evidence_link=data.get("evidence_link", ""),
            evidence_file=data.get("evidence_file") if "evidence_file" in form.changed_data else None,
            done_on=data.get("done_on"),
            complete=bool(data.get("complete")),
        )

    @admin.action(description=_("Drop the selected action items…"))
    def drop_selected(self, request: HttpRequest, queryset: QuerySet[ActionItem]) -> HttpResponse | None:
        return self.with_reason(
            request, queryset, "drop_selected", minutes_services.drop_action_item, dropped_message
        )

    @admin.action(description=_("Reopen the selected action items…"))
    def reopen_selected(self, request: HttpRequest, queryset: QuerySet[ActionItem]) -> HttpResponse | None:
        return self.with_reason(
            request, queryset, "reopen_selected", minutes_services.reopen_action_item, reopened_message
        )


class AcknowledgementInline(ReadOnlyInline):
    model = Acknowledgement
    fields = ("zone", "acknowledged_by_name", "acknowledged_at", "in_time")
    readonly_fields = fields
    verbose_name = _("recipient zone")
    verbose_name_plural = _("recipient zones and who acknowledged")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Acknowledgement]:
        return super().get_queryset(request).select_related("zone", "circular")

    @admin.display(description=_("on time"))
    def in_time(self, acknowledgement: Acknowledgement) -> str:
        if not acknowledgement.acknowledged:
            return "—"
        return str(_("on time")) if acknowledgement.on_time else str(_("late"))


class CircularForm(forms.ModelForm):
    zones = forms.ModelMultipleChoiceField(
        label=_("sent to the zones"),
        queryset=Zone.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Circular
        fields = (*CIRCULAR_FIELDS, "file")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["zones"].initial = list(self.instance.recipients.values_list("zone_id", flat=True))


@admin.register(Circular)
class CircularAdmin(FileByNameMixin, ServiceErrorsMixin, ServiceActionsMixin, SecretariatAdmin):
    form = CircularForm
    file_field = "file"
    list_display = (
        "number_shown",
        "title",
        "kind",
        "status",
        "sent_at",
        "acknowledge_by",
        "acknowledged_count",
    )
    list_display_links = ("number_shown", "title")
    list_filter = ("status", "kind", calendar_date_filter("sent_at", _("sent")))
    search_fields = ("title", "body", "number")
    inlines = (AcknowledgementInline, status_change_inline(CircularStatusChange))
    fields = (
        "number_shown",
        "kind",
        "title",
        "body",
        "file",
        "acknowledge_by",
        "zones",
        "status",
        "sent_at",
        "withdrawal_reason",
        "created_by",
    )
    readonly_fields = ("number_shown", "status", "sent_at", "withdrawal_reason", "created_by")
    formfield_overrides = {**DATE_FIELDS, models.FileField: {"widget": CircularFileInput}}
    actions = ("send_selected", "withdraw_selected")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Circular]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                recipients_total=Count("recipients", distinct=True),
                acknowledged_total=Count(
                    "recipients", filter=Q(recipients__acknowledged_at__isnull=False), distinct=True
                ),
            )
        )

    def has_delete_permission(self, request: HttpRequest, obj: Circular | None = None) -> bool:
        return False  # withdrawn with a reason instead, and kept

    def has_change_permission(self, request: HttpRequest, obj: Circular | None = None) -> bool:
        """A circular is changed while a draft; once sent it is read, or withdrawn."""
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == Circular.Status.DRAFT)

    @admin.display(description=_("number"), ordering="number")
    def number_shown(self, circular: Circular) -> str:
        return circular.number_display or "—"

    @admin.display(description=_("acknowledged"))
    def acknowledged_count(self, circular: Circular) -> str:
        if circular.status == Circular.Status.DRAFT:
            return "—"
        return readers_number(f"{circular.acknowledged_total}/{circular.recipients_total}")

    def save_model(self, request: HttpRequest, obj: Circular, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in CIRCULAR_FIELDS if name in form.cleaned_data}
        zones = list(form.cleaned_data.get("zones") or [])
        upload = form.cleaned_data.get("file") if "file" in form.changed_data else None
        if change:
            saved = circular_services.update_circular(request.user, obj, zones=zones, file=upload, **data)
        else:
            saved = circular_services.draft_circular(request.user, zones=zones, file=upload, **data)
        obj.pk = saved.pk
        obj.refresh_from_db()

    @admin.action(description=_("Send the selected circulars"))
    def send_selected(self, request: HttpRequest, queryset: QuerySet[Circular]) -> None:
        self.run_service(
            request, queryset, lambda c: circular_services.send_circular(request.user, c), sent_message
        )

    @admin.action(description=_("Withdraw the selected circulars…"))
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[Circular]) -> HttpResponse | None:
        return self.with_reason(
            request, queryset, "withdraw_selected", circular_services.withdraw_circular, withdrawn_message
        )
