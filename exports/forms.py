"""The register's forms: a creative business and an export deal. Rules beyond one field are the
service's (exports/services.py); its errors land on these forms."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from agreements.models import Agreement, Party
from events.models import Event, Participation
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from exports.services import BUSINESS_FIELDS, DEAL_FIELDS
from zones_portal.models import Zone
from zones_portal.permissions import AnyUser, scope_of
from zones_portal.widgets import LatinDigitsCharField, LocalDateField, LocalDecimalField


class BusinessForm(forms.Form):
    """A business of the register. The secretariat chooses the zone; a zone's staff keep their own."""

    zone = forms.ModelChoiceField(label=_("Zone"), queryset=Zone.objects.filter(is_active=True))
    name = forms.CharField(label=_("Name"), max_length=200)
    field = forms.ModelChoiceField(label=_("Creative field"), queryset=CreativeField.objects.none())
    size = forms.ChoiceField(label=_("Size"), choices=CreativeBusiness.Size.choices)
    description = forms.CharField(
        label=_("What it makes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_phone = LatinDigitsCharField(label=_("Contact phone"), max_length=40, required=False)
    contact_email = forms.EmailField(label=_("Contact email"), required=False)

    def __init__(self, *args: Any, user: AnyUser, business: CreativeBusiness | None = None, **kwargs: Any):
        if business is not None:
            kwargs.setdefault("initial", {name: getattr(business, name) for name in BUSINESS_FIELDS})
        super().__init__(*args, **kwargs)
        active = CreativeField.objects.filter(is_active=True)
        if business is not None:  # a retired field the business already has stays choosable
            active = CreativeField.objects.filter(is_active=True) | CreativeField.objects.filter(
                pk=business.field_id
            )
        self.fields["field"].queryset = active.order_by("sort_order", "slug")
        self.fields["contact_phone"].widget.attrs.update({"dir": "ltr", "inputmode": "tel"})
        self.fields["contact_email"].widget.attrs["dir"] = "ltr"
        if business is not None or not scope_of(user).secretariat:
            del self.fields["zone"]  # a zone's staff add to their own zone; a business never moves

    def service_arguments(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in BUSINESS_FIELDS}


def keepers_events(user: AnyUser) -> Any:
    """The events a deal may come from, for the person: approved and later, of their zone (hosted or
    joined); every zone's for the secretariat. The latest first."""
    events = Event.objects.visible_to(user).filter(status__in=Event.PUBLISHED)
    zone_id = scope_of(user).zone_id
    if not scope_of(user).secretariat:
        joined = Participation.objects.filter(zone_id=zone_id, answer=Participation.Answer.ACCEPTED)
        events = events.filter(pk__in=joined.values("event_id")) | events.filter(host_zone_id=zone_id)
    return events.select_related("host_zone").order_by("-starts_at", "-pk")


def keepers_agreements(user: AnyUser) -> Any:
    """Agreements with a zone among their parties that the person sees (their own zone's, for a zone)."""
    zones = Party.objects.filter(kind=Party.Kind.ZONE)
    if not scope_of(user).secretariat:
        zones = zones.filter(zone_id=scope_of(user).zone_id)
    return (
        Agreement.objects.visible_to(user).filter(pk__in=zones.values("agreement_id")).order_by("-signed_on")
    )


# Where the zones' creative businesses usually sell (the demo's and the secretariat's reports' list).
USUAL_DESTINATIONS = ("IQ", "AE", "OM", "TR", "AM", "AZ", "RU", "CN", "IN", "AF", "QA", "KW")


# The Persian alphabet's order (آ with ا, as dictionaries file it); Unicode's order puts پ چ ژ گ last.
PERSIAN_ORDER = {letter: index for index, letter in enumerate("اآبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی")}
PERSIAN_ORDER.update({"آ": PERSIAN_ORDER["ا"], "ك": PERSIAN_ORDER["ک"], "ي": PERSIAN_ORDER["ی"]})


def name_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """A name's place in a list sorted as its reader expects: Persian letters in the alphabet's order,
    Latin ones without accents or case."""
    plain = unicodedata.normalize("NFKD", name.casefold())
    return tuple(
        (0, PERSIAN_ORDER[char]) if char in PERSIAN_ORDER else (1, char)
        for char in plain
        if not unicodedata.combining(char) and char not in " -'()\u200c"
    )


def country_choices() -> list[tuple[Any, Any]]:
    """The buyer's country: the usual destinations first, then every country, each group sorted by
    its name in the reader's language (django-countries sorts by the English names), built per form in
    the language active now."""
    named = sorted(((country.code, str(country.name)) for country in countries), key=lambda c: name_key(c[1]))
    return [
        ("", "---------"),
        (_("Usual destinations"), [choice for choice in named if choice[0] in USUAL_DESTINATIONS]),
        (_("All countries"), [choice for choice in named if choice[0] not in USUAL_DESTINATIONS]),
    ]


class EventChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, event: Event) -> str:
        return f"{event.title} ({event.host_zone})"


class DealForm(forms.Form):
    """An export deal: of which business, to which country, what, for how much, when, and from where."""

    business = forms.ModelChoiceField(label=_("Business"), queryset=CreativeBusiness.objects.none())
    buyer_country = ExportDeal._meta.get_field("buyer_country").formfield(label=_("Buyer's country"))
    product = forms.CharField(label=_("Product or service"), max_length=300)
    value = LocalDecimalField(label=_("Value"), max_digits=18, decimal_places=2, min_value=0)
    currency = forms.ChoiceField(label=_("Currency"), choices=ExportDeal.Currency.choices)
    rate_to_rial = LocalDecimalField(
        label=_("Rate to the rial"),
        max_digits=18,
        decimal_places=2,
        required=False,
        help_text=_(
            "How many rials one unit of the currency was worth on the deal's date, as you recorded it. "
            "Leave empty for a deal in rials."
        ),
    )
    signed_on = LocalDateField(label=_("Date of the deal"))
    event = EventChoiceField(
        label=_("Fair or event it came from"),
        queryset=Event.objects.none(),
        required=False,
        empty_label=_("Not from an event"),
    )
    agreement = forms.ModelChoiceField(
        label=_("Agreement it came from"),
        queryset=Agreement.objects.none(),
        required=False,
        empty_label=_("Not from an agreement"),
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: AnyUser, deal: ExportDeal | None = None, **kwargs: Any):
        if deal is not None:
            kwargs.setdefault("initial", {name: getattr(deal, name) for name in DEAL_FIELDS})
        super().__init__(*args, **kwargs)
        businesses = CreativeBusiness.objects.editable_by(user).filter(is_active=True)
        if deal is not None:
            businesses = businesses | CreativeBusiness.objects.filter(pk=deal.business_id)
        self.fields["business"].queryset = businesses.select_related("zone").order_by(
            "zone__sort_order", "name"
        )
        if scope_of(user).secretariat:
            self.fields["business"].label_from_instance = lambda b: f"{b.name} ({b.zone})"
        events = keepers_events(user)
        agreements = keepers_agreements(user)
        if deal is not None:  # what the deal already names stays choosable
            events = events | Event.objects.filter(pk=deal.event_id)
            agreements = agreements | Agreement.objects.filter(pk=deal.agreement_id)
        self.fields["event"].queryset = events
        self.fields["agreement"].queryset = agreements
        self.fields["currency"].initial = ExportDeal.Currency.USD
        self.fields["buyer_country"].choices = country_choices()

    def service_arguments(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DEAL_FIELDS}
