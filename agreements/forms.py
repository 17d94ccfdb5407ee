from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Obligation


class ObligationReportForm(forms.Form):
    """What the owing party tells the secretariat: how far along it is, and the proof."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Obligation.Status.IN_PROGRESS, Obligation.Status.IN_PROGRESS.label),
            (Obligation.Status.DONE, Obligation.Status.DONE.label),
        ],
        widget=forms.RadioSelect,
    )
    evidence_note = forms.CharField(
        label=_("Evidence"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("What was done, with dates and numbers."),
    )
    evidence_link = forms.URLField(label=_("Evidence link"), required=False, assume_scheme="https")
    evidence_file = forms.FileField(
        label=_("Evidence file"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    @classmethod
    def initial_from(cls, obligation: Obligation) -> dict[str, Any]:
        return {
            "status": obligation.status
            if obligation.status in (Obligation.Status.IN_PROGRESS, Obligation.Status.DONE)
            else None,
            "evidence_note": obligation.evidence_note,
            "evidence_link": obligation.evidence_link,
        }

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "status": data["status"],
            "evidence_note": data["evidence_note"],
            "evidence_link": data["evidence_link"],
            "evidence_file": data["evidence_file"] or None,
        }
