"""The secretariat's admin for certificates: the templates' wording (with a preview as it prints) and
the issued certificates, read-only, with their PDF. Imported by ``contests.admin``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from contests import certificates as document
from contests.models import Certificate, CertificateTemplate
from contests.services import certificates as services
from zones_portal.admin_site import KeepsRecords, SecretariatAdmin
from zones_portal.dates import format_date
from zones_portal.widgets import readers_number


class CertificateTemplateForm(forms.ModelForm):
    class Meta:
        model = CertificateTemplate
        fields = ("name", "kind", "call", "heading", "body", "signatory_name", "signatory_title")
        widgets = {"body": forms.Textarea(attrs={"rows": 6, "dir": "rtl"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ", ".join(f"{{{name}}}: {label}" for name, label in document.PLACEHOLDERS.items())
        self.fields["body"].help_text = _(
            "Placeholders (a selected contestant's certificate has no round or place): %(names)s."
        ) % {"names": names}

    def clean(self) -> dict[str, Any]:
        """Wording that could not be filled in is refused here, with the placeholder it names, rather
        than when someone issues a certificate with it."""
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind:
            for field, messages in services.wording_errors(
                kind, cleaned.get("heading") or "", cleaned.get("body") or ""
            ).items():
                for message in messages:
                    self.add_error(field, message)
        return cleaned


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(SecretariatAdmin):
    form = CertificateTemplateForm
    list_display = ("name", "kind", "call", "updated", "preview_link")
    list_filter = ("kind",)
    search_fields = ("name", "heading", "call__title")
    autocomplete_fields = ("call",)
    change_form_template = "contests/certificates/admin_template_change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[CertificateTemplate]:
        return super().get_queryset(request).select_related("call")

    def has_delete_permission(self, request: HttpRequest, obj: CertificateTemplate | None = None) -> bool:
        """A default template, or one that certificates were issued from, stays: issuing would have no
        wording, and an issued certificate keeps the template it came from."""
        if obj is not None and (obj.call_id is None or obj.certificates.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, template: CertificateTemplate) -> str:
        return format_date(template.updated_at, "datetime")

    @admin.display(description=_("preview"))
    def preview_link(self, template: CertificateTemplate) -> str:
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("admin:contests_certificatetemplate_preview", args=[template.pk]),
            _("Preview (PDF)"),
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="contests_certificatetemplate_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        template = get_object_or_404(CertificateTemplate.objects.select_related("call"), pk=pk)
        response = HttpResponse(services.preview(template), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="certificate-preview.pdf"'
        response["Cache-Control"] = "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


@admin.register(Certificate)
class CertificateAdmin(KeepsRecords, SecretariatAdmin):
    """Issued certificates are issued from the rounds' and calls' pages, never written by hand."""

    list_display = ("serial_display", "contestant", "call", "round", "place_display", "issued", "download")
    list_filter = ("template__kind",)
    search_fields = ("serial", "code", "application__full_name", "application__tracking_code")
    list_select_related = ("application__call", "round", "template")
    fields = (
        "serial_display",
        "code",
        "contestant",
        "call",
        "round",
        "place_display",
        "template",
        "issued",
        "issued_by",
        "download",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Certificate | None = None) -> bool:
        return False

    @admin.display(description=_("serial"), ordering="serial")
    def serial_display(self, certificate: Certificate) -> str:
        return readers_number(certificate.serial)

    @admin.display(description=_("contestant"), ordering="application__full_name")
    def contestant(self, certificate: Certificate) -> str:
        return certificate.application.full_name

    @admin.display(description=_("call"))
    def call(self, certificate: Certificate) -> str:
        return certificate.application.call.title

    @admin.display(description=pgettext_lazy("standing", "place"), ordering="place")
    def place_display(self, certificate: Certificate) -> str:
        return readers_number(str(certificate.place)) if certificate.place else "—"

    @admin.display(description=_("issued"), ordering="issued_at")
    def issued(self, certificate: Certificate) -> str:
        return format_date(certificate.issued_at, "datetime")

    @admin.display(description=_("PDF"))
    def download(self, certificate: Certificate) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("contests:certificate-download", args=[certificate.pk]),
            _("Download"),
        )
