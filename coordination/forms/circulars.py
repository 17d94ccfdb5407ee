"""The secretariat's circular form and withdrawal; rules beyond one field are the service's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coordination.models import Circular
from coordination.services import CIRCULAR_LIFECYCLE
from zones_portal.models import Zone
from zones_portal.widgets import LocalDateField

CIRCULAR_FORM_FIELDS = ("kind", "title", "body", "acknowledge_by")


def active_zones() -> Any:
    return Zone.objects.filter(is_active=True)


class CircularForm(forms.Form):
    """A draft circular: what it says, its PDF, by when each zone must acknowledge it, and to whom."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Circular.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF only, at most 20 MB. Leave empty to keep the file already attached."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
    acknowledge_by = LocalDateField(
        label=_("Acknowledge by"), help_text=_("Each recipient zone acknowledges reading it by this date.")
    )
    all_zones = forms.BooleanField(
        label=_("All zones"), required=False, help_text=_("Every active zone, whichever are ticked below.")
    )
    zones = forms.ModelMultipleChoiceField(
        label=_("Recipient zones"),
        queryset=Zone.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = active_zones()

    @classmethod
    def initial_from(cls, circular: Circular) -> dict[str, Any]:
        zones = [acknowledgement.zone_id for acknowledgement in circular.recipients.all()]
        return {
            **{name: getattr(circular, name) for name in CIRCULAR_FORM_FIELDS},
            "zones": zones,
            "all_zones": bool(zones) and set(zones) >= set(active_zones().values_list("pk", flat=True)),
        }

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        zones = list(active_zones()) if data["all_zones"] else list(data["zones"])
        return {
            **{name: data[name] for name in CIRCULAR_FORM_FIELDS},
            "zones": zones,
            "file": data["file"] or None,
        }


class WithdrawalForm(forms.Form):
    """Why the circular is withdrawn: the recipient zones read it on the circular's page."""

    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The recipient zones will see this reason."),
        error_messages={"required": CIRCULAR_LIFECYCLE.moves["withdraw"].reason_required},
    )
