from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from agreements.models import Agreement
from events.models import Event, EventCategory, EventReport, Participation
from zones_portal import permissions
from zones_portal.models import Institution, Zone
from zones_portal.widgets import (
    LocalDateTimeField,
    LocalDecimalField,
    LocalIntegerField,
    MultipleFileField,
    MultipleFileInput,
)

EVENT_FORM_FIELDS = (
    "title",
    "category",
    "description",
    "venue",
    "starts_at",
    "ends_at",
    "expected_audience",
    "agreement",
)


class EventForm(forms.Form):
    """Proposal and edit of an event. Rules beyond one field are the service's; its errors land here."""

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=EventCategory.objects.filter(is_active=True)
    )
    host_zone = forms.ModelChoiceField(label=_("Host zone"), queryset=Zone.objects.filter(is_active=True))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    expected_audience = LocalIntegerField(label=_("Expected audience"), min_value=0, required=False)
    participating_zones = forms.ModelMultipleChoiceField(
        label=_("Invite zones"),
        queryset=Zone.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Each invited zone is asked to accept or decline once the event is submitted."),
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organising institutions"),
        queryset=Institution.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agreement = forms.ModelChoiceField(
        label=_("Agreement it carries out"),
        queryset=Agreement.objects.none(),
        required=False,
        help_text=_("If the event carries out a memorandum of understanding your zone is party to."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = permissions.scope_of(user)
        self.fields["agreement"].queryset = Agreement.objects.visible_to(user).exclude(
            status__in=[Agreement.Status.TERMINATED]
        )
        if not scope.secretariat:
            # A zone proposes for itself only: the host is not a choice.
            del self.fields["host_zone"]
            self.fields["participating_zones"].queryset = Zone.objects.filter(is_active=True).exclude(
                pk=scope.zone_id
            )

    @classmethod
    def initial_from(cls, event: Event) -> dict[str, Any]:
        return {
            **{name: getattr(event, name) for name in EVENT_FORM_FIELDS},
            "host_zone": event.host_zone,
            "participating_zones": list(event.participating_zones.all()),
            "co_organisers": list(event.co_organisers.all()),
        }

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {
            **{name: data[name] for name in EVENT_FORM_FIELDS},
            **({"host_zone": data["host_zone"]} if "host_zone" in data else {}),
            "participating_zones": list(data["participating_zones"]),
            "co_organisers": list(data["co_organisers"]),
        }


class InvitationAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your zone's answer"),
        choices=[
            (Participation.Answer.ACCEPTED, _("We will take part")),
            (Participation.Answer.DECLINED, _("We will not take part")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReportForm(forms.ModelForm):
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    class Meta:
        model = EventReport
        fields = (
            "attendance",
            "artists_count",
            "outcomes",
            "export_contracts",
            "export_value",
            "export_currency",
            "buyer_countries",
        )
        widgets = {"outcomes": forms.Textarea(attrs={"rows": 5})}
        # Text inputs that take Persian and Arabic digits: a browser's number input drops them.
        field_classes = {
            "attendance": LocalIntegerField,
            "artists_count": LocalIntegerField,
            "export_contracts": LocalIntegerField,
            "export_value": LocalDecimalField,
        }

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not event.category.is_creative_industry:
            for name in ("export_contracts", "export_value", "export_currency", "buyer_countries"):
                del self.fields[name]
        else:
            self.fields["buyer_countries"].widget = forms.SelectMultiple(attrs={"size": 8})
            self.fields["buyer_countries"].choices = list(countries)

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {"attachments": data.pop("attachments", []), **data}
