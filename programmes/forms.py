"""The programme pages' forms; rules beyond one field are the service's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from programmes.calendar import MONTHS, QUARTERS
from programmes.models import PlannedActivity, Programme
from programmes.services import PROGRAMME_LIFECYCLE
from zones_portal.models import Institution, Zone
from zones_portal.widgets import LocalDecimalField, LocalIntegerField


def event_categories() -> Any:
    """The event categories, read through the app registry: this app sits below events."""
    return apps.get_model("events", "EventCategory").objects.filter(is_active=True)


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Aims of the year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the zone means to achieve this year, in a few sentences."),
    )


class ActivityForm(forms.Form):
    """One planned activity: a quarter, or a month within it; the budget in rials by who pays."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=PlannedActivity.objects.none())
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=())
    month = forms.TypedChoiceField(
        label=_("Month"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
        help_text=_("Optional: the month, which must fall within the quarter."),
    )
    expected_audience = LocalIntegerField(label=_("Expected audience"), min_value=0, initial=0)
    partner_zones = forms.ModelMultipleChoiceField(
        label=_("Partner zones"),
        queryset=Zone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    partner_institutions = forms.ModelMultipleChoiceField(
        label=_("Partner institutions"),
        queryset=Institution.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget_zone = LocalDecimalField(
        label=_("Funded by the zone (rials)"), min_value=0, max_digits=18, decimal_places=0, initial=0
    )
    budget_secretariat = LocalDecimalField(
        label=_("Funded by the secretariat (rials)"), min_value=0, max_digits=18, decimal_places=0, initial=0
    )
    budget_partner = LocalDecimalField(
        label=_("Funded by partners (rials)"), min_value=0, max_digits=18, decimal_places=0, initial=0
    )

    FIELDS = (
        "title",
        "description",
        "category",
        "quarter",
        "month",
        "expected_audience",
        "budget_zone",
        "budget_secretariat",
        "budget_partner",
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["category"].queryset = event_categories()
        self.fields["quarter"].choices = [(number, str(name)) for number, name in QUARTERS.items()]
        self.fields["month"].choices = [("", "—"), *((number, str(name)) for number, name in MONTHS.items())]
        self.fields["partner_zones"].queryset = Zone.objects.filter(is_active=True).exclude(
            pk=programme.zone_id
        )
        self.fields["partner_institutions"].queryset = Institution.objects.filter(is_active=True)

    @classmethod
    def initial_from(cls, activity: PlannedActivity) -> dict[str, Any]:
        return {
            **{name: getattr(activity, name) for name in cls.FIELDS},
            "partner_zones": list(activity.partner_zones.all()),
            "partner_institutions": list(activity.partner_institutions.all()),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        quarter, month = data.get("quarter"), data.get("month")
        if quarter and month and not ((quarter - 1) * 3 < month <= quarter * 3):
            self.add_error("month", _("The month must fall within the quarter."))
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.FIELDS},
            "partner_zones": list(data["partner_zones"]),
            "partner_institutions": list(data["partner_institutions"]),
        }


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the zone revise?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The zone reads this comment with its programme."),
        error_messages={"required": PROGRAMME_LIFECYCLE.moves["return"].reason_required},
    )


class ReopenForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The zone reads this reason with its programme."),
        error_messages={"required": PROGRAMME_LIFECYCLE.moves["reopen"].reason_required},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: kept with the approved version."),
    )
