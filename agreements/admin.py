"""The secretariat's desk for agreements. Status moves and obligation reports go through agreements.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.forms import BaseInlineFormSet, FileInput, Textarea, TextInput
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agreements import services
from agreements.history import agreement_timeline, obligation_timeline
from agreements.models import Agreement, AgreementStatusChange, Obligation, Party, SignedDocument
from zones_portal.admin_search import NormalisedSearchMixin
from zones_portal.admin_site import (
    CsvExportMixin,
    SecretariatAdmin,
    SecretariatTabularInline,
    ServiceActionsMixin,
    ServiceErrorsMixin,
    calendar_date_filter,
)
from zones_portal.dates import format_date
from zones_portal.models import Institution, Zone
from zones_portal.widgets import LocalDateField, LocalDateInput, readers_number

# Jalali entry in Persian, as on the dashboard.
DATE_FIELDS = {models.DateField: {"form_class": LocalDateField, "widget": LocalDateInput}}


class ProtectedFileInput(AdminFileWidget):
    """An upload field whose current file reads as its name, linked to the portal's download view.

    Django's own widget shows the storage path (``private/agreements/…``), which tells the reader
    nothing and links past the view that checks who may read the file."""

    template_name = "admin/widgets/protected_file_input.html"

    def download(self, owner: Any) -> tuple[str, str]:
        """The link and the name a person reads for the file ``owner`` holds."""
        raise NotImplementedError

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        owner = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and owner is not None and owner.pk:
            url, label = self.download(owner)
            context["widget"].update(download_url=url, download_label=label)
        return context


class SupersedingFileInput(ProtectedFileInput):
    """The current evidence and a field for a new one, without "Clear": evidence is superseded by a
    new file, never removed (the earlier one stays in the obligation's history)."""

    def download(self, owner: Obligation) -> tuple[str, str]:
        return reverse("agreements:evidence", args=[owner.pk]), owner.evidence_file_name or str(_("evidence"))

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["required"] = True  # the template offers "Clear" only for optional fields
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return FileInput.value_from_datadict(self, data, files, name)


class SignedCopyInput(ProtectedFileInput):
    """A new version's upload field; a stored version reads as its file name, linked for download.

    ``read_only``: on a row shown read-only (a stored version is never replaced), Django's admin asks
    the widget to show the value instead of printing the field's storage path itself."""

    read_only = True

    def download(self, owner: SignedDocument) -> tuple[str, str]:
        return reverse("agreements:document", args=[owner.pk]), owner.original_name

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> str:
        owner = getattr(value, "instance", None)
        if value and owner is not None and owner.pk:
            url, label = self.download(owner)
            return format_html('<a href="{}">{}</a>', url, label)
        return super().render(name, value, attrs, renderer)


def moved_message(count: int) -> str:
    return ngettext("%(count)d agreement moved on.", "%(count)d agreements moved on.", count) % {
        "count": count
    }


def terminated_message(count: int) -> str:
    return ngettext("%(count)d agreement terminated.", "%(count)d agreements terminated.", count) % {
        "count": count
    }


def withdrawn_message(count: int) -> str:
    return ngettext("%(count)d obligation withdrawn.", "%(count)d obligations withdrawn.", count) % {
        "count": count
    }


class PartyInline(SecretariatTabularInline):
    model = Party
    extra = 1
    can_delete = False  # obligations hang on a party; its record stays
    fields = ("kind", "zone", "institution", "role")


class ObligationInline(SecretariatTabularInline):
    model = Obligation
    extra = 1
    can_delete = False  # withdrawn, with a reason, from the obligations list
    fields = ("description", "party", "due_on", "status", "done_on")
    readonly_fields = ("status", "done_on")
    # Two lines of a narrow box: the table of obligations stays within the page at 1366 pixels.
    formfield_overrides = {
        **DATE_FIELDS,
        models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 28})},
    }
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Obligation]:
        return super().get_queryset(request).current()  # the withdrawn ones are in the timeline

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "party":
            agreement_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Party.objects.filter(agreement_id=agreement_id).select_related(
                "zone", "institution"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SignedDocumentInline(SecretariatTabularInline):
    model = SignedDocument
    extra = 1
    can_delete = False
    # The file column is the upload field on the new row and the download link on stored versions.
    fields = ("number", "file", "note", "uploaded_by", "uploaded")
    readonly_fields = ("number", "uploaded_by", "uploaded")
    formfield_overrides = {
        models.FileField: {"widget": SignedCopyInput},
        models.CharField: {"widget": TextInput(attrs={"size": 24})},
    }

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a signed copy is never replaced: upload a new version

    @admin.display(description=_("version"), ordering="version")
    def number(self, document: SignedDocument) -> str:
        return readers_number(str(document.version)) if document.pk else "—"

    @admin.display(description=_("uploaded"))
    def uploaded(self, document: SignedDocument) -> str:
        return format_date(document.uploaded_at, "datetime") if document.pk else "—"


class StatusChangeInline(SecretariatTabularInline):
    model = AgreementStatusChange
    extra = 0
    can_delete = False
    fields = ("when", "from_status", "to_status", "changed_by", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("when"))
    def when(self, change: AgreementStatusChange) -> str:
        return format_date(change.changed_at, "datetime")


class ExpiringFilter(admin.SimpleListFilter):
    title = _("expiry")
    parameter_name = "expiring"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("60", _("Expiring within 60 days")), ("past", _("End date passed"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
        if self.value() == "60":
            return queryset.expiring_within(60)
        if self.value() == "past":
            return queryset.filter(expires_on__lt=timezone.localdate())
        return queryset


class PartyFilter(admin.SimpleListFilter):
    title = _("party")
    parameter_name = "party"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        options = [("secretariat", str(_("The secretariat")))]
        options += [(f"zone:{zone.slug}", zone.name) for zone in Zone.objects.all()]
        options += [(f"institution:{i.slug}", i.name) for i in Institution.objects.all()]
        return options

    def queryset(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
        value = self.value()
        if not value:
            return queryset
        parties = Party.objects.filter(agreement_id=OuterRef("pk"))
        if value == "secretariat":
            parties = parties.filter(kind=Party.Kind.SECRETARIAT)
        elif value.startswith("zone:"):
            parties = parties.filter(zone__slug=value.removeprefix("zone:"))
        elif value.startswith("institution:"):
            parties = parties.filter(institution__slug=value.removeprefix("institution:"))
        return queryset.filter(Exists(parties))


@admin.register(Agreement)
class AgreementAdmin(
    NormalisedSearchMixin, CsvExportMixin, ServiceErrorsMixin, ServiceActionsMixin, SecretariatAdmin
):
    list_display = ("title", "subject", "signed", "expires", "current_status_display", "party_names")
    list_filter = ("status", "subject", PartyFilter, ExpiringFilter)
    search_fields = ("title", "summary")
    inlines = (PartyInline, SignedDocumentInline, ObligationInline, StatusChangeInline)
    fields = (
        "title",
        "subject",
        "summary",
        "signed_on",
        "effective_from",
        "expires_on",
        "notice_days",
        "status",
        "termination_reason",
        "created_by",
    )
    readonly_fields = ("status", "termination_reason", "created_by")
    formfield_overrides = DATE_FIELDS
    actions = ("negotiate_selected", "activate_selected", "terminate_selected")
    change_list_template = "admin/export_change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agreement]:
        return super().get_queryset(request).prefetch_related("parties__zone", "parties__institution")

    def has_delete_permission(self, request: HttpRequest, obj: Agreement | None = None) -> bool:
        """Agreements end by expiry or termination, with their record kept."""
        return False

    def timeline_parts(self, obj: Agreement) -> tuple[list[Any], list[Any]]:
        return agreement_timeline(obj)

    @admin.display(description=_("signed on"), ordering="signed_on")
    def signed(self, agreement: Agreement) -> str:
        return format_date(agreement.signed_on) or "—"

    @admin.display(description=_("expires on"), ordering="expires_on")
    def expires(self, agreement: Agreement) -> str:
        return format_date(agreement.expires_on) or "—"

    @admin.display(description=_("status"), ordering="status")
    def current_status_display(self, agreement: Agreement) -> str:
        return agreement.get_current_status_display()

    @admin.display(description=_("parties"))
    def party_names(self, agreement: Agreement) -> str:
        return "، ".join(party.name for party in agreement.parties.all())

    def save_model(self, request: HttpRequest, obj: Agreement, form: Any, change: bool) -> None:
        data = {
            name: form.cleaned_data[name] for name in services.AGREEMENT_FIELDS if name in form.cleaned_data
        }
        saved = (
            services.update_agreement(request.user, obj, **data)
            if change
            else services.create_agreement(request.user, **data)
        )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request: HttpRequest, form: Any, formset: BaseInlineFormSet, change: bool) -> None:
        """New documents become new versions and new obligations are recorded through the services."""
        agreement = form.instance
        if formset.model is SignedDocument:
            for inline_form in formset.extra_forms:
                upload = inline_form.cleaned_data.get("file") if inline_form.has_changed() else None
                if upload:
                    services.add_signed_document(
                        request.user, agreement, upload, inline_form.cleaned_data.get("note", "")
                    )
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        if formset.model is Obligation:
            for inline_form in formset.forms:
                data = inline_form.cleaned_data
                if not data or not inline_form.has_changed() or data.get("DELETE"):
                    continue
                fields = {
                    "description": data["description"],
                    "party": data["party"],
                    "due_on": data["due_on"],
                }
                if inline_form.instance.pk:
                    services.update_obligation(request.user, inline_form.instance, **fields)
                else:
                    services.add_obligation(request.user, agreement, **fields)
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Move the selected drafts into negotiation"))
    def negotiate_selected(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> None:
        self.run_service(
            request, queryset, lambda a: services.start_negotiation(request.user, a), moved_message
        )

    @admin.action(description=_("Activate the selected agreements"))
    def activate_selected(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> None:
        self.run_service(
            request, queryset, lambda a: services.activate_agreement(request.user, a), moved_message
        )

    @admin.action(description=_("Terminate the selected agreements…"))
    def terminate_selected(self, request: HttpRequest, queryset: QuerySet[Agreement]) -> HttpResponse | None:
        return self.with_reason(
            request, queryset, "terminate_selected", services.terminate_agreement, terminated_message
        )

    export_name = "agreements"

    def export_header(self) -> list[Any]:
        return [
            _("id"),
            _("title"),
            _("subject area"),
            _("parties"),
            _("signed on"),
            _("effective from"),
            _("expires on"),
            _("status"),
        ]

    def export_row(self, agreement: Agreement) -> list[Any]:
        return [
            agreement.pk,
            agreement.title,
            agreement.get_subject_display(),
            "; ".join(party.name for party in agreement.parties.all()),
            _iso(agreement.signed_on),
            _iso(agreement.effective_from),
            _iso(agreement.expires_on),
            agreement.get_current_status_display(),
        ]


class WithdrawnFilter(admin.SimpleListFilter):
    """Withdrawn obligations leave the follow-up list unless asked for."""

    title = _("withdrawn")
    parameter_name = "withdrawn"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Withdrawn only")), ("all", _("Withdrawn too"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Obligation]) -> QuerySet[Obligation]:
        if self.value() == "yes" or request.GET.get("status__exact") == Obligation.Status.WITHDRAWN:
            return queryset.filter(status=Obligation.Status.WITHDRAWN)
        if self.value() == "all":
            return queryset
        return queryset.current()


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("Past due and not done"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Obligation]) -> QuerySet[Obligation]:
        if self.value() == "yes":
            return queryset.filter(due_on__lt=timezone.localdate()).exclude(status=Obligation.Status.DONE)
        return queryset


@admin.register(Obligation)
class ObligationAdmin(CsvExportMixin, ServiceErrorsMixin, ServiceActionsMixin, SecretariatAdmin):
    """All obligations across agreements, overdue first: the secretariat's follow-up list."""

    list_display = (
        "short_description",
        "agreement",
        "party",
        "due",
        "current_status_display",
        "has_evidence_flag",
    )
    list_filter = (
        OverdueFilter,
        WithdrawnFilter,
        calendar_date_filter("due_on", _("due on"), dates=True),
        "status",
        "agreement__subject",
        "party__kind",
        "party__zone",
        "party__institution",
    )
    search_fields = ("description", "agreement__title")
    list_select_related = ("agreement", "party__zone", "party__institution")
    fields = (
        "agreement",
        "description",
        "party",
        "due_on",
        "status",
        "evidence_note",
        "evidence_link",
        "evidence_file",
        "done_on",
    )
    readonly_fields = ("agreement", "description", "party", "due_on", "done_on")
    formfield_overrides = {**DATE_FIELDS, models.FileField: {"widget": SupersedingFileInput}}
    change_list_template = "admin/export_change_list.html"
    actions = ("withdraw_selected",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Obligation]:
        # Annotated before the admin orders by the annotation.
        return Obligation.objects.overdue_first()

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["overdue", "due_on", "pk"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # obligations are added on their agreement's page

    def has_delete_permission(self, request: HttpRequest, obj: Obligation | None = None) -> bool:
        return False  # withdrawn with a reason instead, and kept

    def has_change_permission(self, request: HttpRequest, obj: Obligation | None = None) -> bool:
        """A withdrawn obligation is read, with its history, not changed."""
        allowed = super().has_change_permission(request, obj)
        return allowed and not (obj is not None and obj.status == Obligation.Status.WITHDRAWN)

    def timeline_parts(self, obj: Obligation) -> tuple[list[Any], list[Any]]:
        return obligation_timeline(obj)

    @admin.action(description=_("Withdraw the selected obligations…"))
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[Obligation]) -> HttpResponse | None:
        return self.with_reason(
            request, queryset, "withdraw_selected", services.withdraw_obligation, withdrawn_message
        )

    @admin.display(description=_("what is owed"))
    def short_description(self, obligation: Obligation) -> str:
        return obligation.description[:80]

    @admin.display(description=_("due on"), ordering="due_on")
    def due(self, obligation: Obligation) -> str:
        return format_date(obligation.due_on)

    @admin.display(description=_("status"), ordering="status")
    def current_status_display(self, obligation: Obligation) -> str:
        return obligation.get_current_status_display()

    @admin.display(description=_("evidence"), boolean=True)
    def has_evidence_flag(self, obligation: Obligation) -> bool:
        return obligation.has_evidence

    def save_model(self, request: HttpRequest, obj: Obligation, form: Any, change: bool) -> None:
        """The secretariat records a report on the party's behalf, through the same rule as the party;
        with the status unchanged, a change of evidence alone is saved as a correction of the evidence.
        A change it cannot make is refused with the reason, never reported as saved."""
        data = form.cleaned_data
        status = data["status"]
        evidence = {
            "evidence_note": data.get("evidence_note", ""),
            "evidence_link": data.get("evidence_link", ""),
            "evidence_file": data.get("evidence_file") if "evidence_file" in form.changed_data else None,
        }
        current = Obligation.objects.get(pk=obj.pk).status
        if status != current and status in (Obligation.Status.IN_PROGRESS, Obligation.Status.DONE):
            services.report_obligation(request.user, obj, status=status, **evidence)
        elif status == current:
            if {"evidence_note", "evidence_link", "evidence_file"} & set(form.changed_data):
                services.correct_evidence(request.user, obj, **evidence)
        elif status == Obligation.Status.WITHDRAWN:
            raise ValidationError(
                _("Withdraw an obligation with the action on the obligations list, which asks why.")
            )
        else:
            raise ValidationError(
                _("Only in progress or done can be recorded here; missed is set by the portal.")
            )

    export_name = "obligations"

    def export_header(self) -> list[Any]:
        return [
            _("id"),
            _("agreement"),
            _("what is owed"),
            _("owed by"),
            _("due on"),
            _("status"),
            _("done on"),
            _("evidence"),
        ]

    def export_row(self, obligation: Obligation) -> list[Any]:
        evidence = (obligation.evidence_note, obligation.evidence_link, obligation.evidence_file_name)
        return [
            obligation.pk,
            obligation.agreement.title,
            obligation.description,
            obligation.party.name,
            _iso(obligation.due_on),
            obligation.get_current_status_display(),
            _iso(obligation.done_on),
            " ".join(part for part in evidence if part),
        ]


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""
