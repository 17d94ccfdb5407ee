"""The creative-industries export register: the creative businesses of each zone and the export deals
they make, with the fair (an event) or the agreement a deal came from.

Writes happen only in ``exports.services``. This app sits above events and agreements (a deal points at
them), beside the coordination desk; the scorecard reads it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from agreements.models import Agreement
from events.models import Event
from zones_portal.models import BilingualLookup, Zone
from zones_portal.querysets import ScopedQuerySet
from zones_portal.search import Searchable


class CreativeField(BilingualLookup):
    """The editable list of creative fields: handicrafts, design, animation, games, publishing, music,
    film, fashion, ..."""

    objects = ScopedQuerySet.as_manager()

    class Meta(BilingualLookup.Meta):
        verbose_name = _("creative field")
        verbose_name_plural = _("creative fields")


class CreativeBusiness(Searchable):
    """A creative business of a zone, kept by that zone's staff. Its contact details are for the
    secretariat and the zone only."""

    class Size(models.TextChoices):
        MICRO = "micro", pgettext_lazy("business size", "Micro (under 10 people)")
        SMALL = "small", pgettext_lazy("business size", "Small (10 to 49)")
        MEDIUM = "medium", pgettext_lazy("business size", "Medium (50 to 249)")
        LARGE = "large", pgettext_lazy("business size", "Large (250 or more)")

    SEARCH_FIELDS = ("name", "description")

    zone = models.ForeignKey(
        Zone, on_delete=models.PROTECT, related_name="creative_businesses", verbose_name=_("zone")
    )
    name = models.CharField(_("name"), max_length=200)
    field = models.ForeignKey(
        CreativeField, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("creative field")
    )
    size = models.CharField(_("size"), max_length=16, choices=Size.choices, default=Size.SMALL)
    description = models.TextField(_("what it makes"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        ordering = ["zone__sort_order", "name"]
        verbose_name = _("creative business")
        verbose_name_plural = _("creative businesses")
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="one_business_name_per_zone"),
        ]

    def __str__(self) -> str:
        return self.name


class ExportDeal(models.Model):
    """One export deal of a creative business: to which country, what, for how much (in the deal's
    currency and in rials at the rate of its day, as entered), and where it came from."""

    class Currency(models.TextChoices):
        IRR = "IRR", _("Iranian rial")
        USD = "USD", _("US dollar")
        EUR = "EUR", _("Euro")
        AED = "AED", _("UAE dirham")
        CNY = "CNY", _("Chinese yuan")
        TRY = "TRY", _("Turkish lira")
        RUB = "RUB", _("Russian rouble")
        INR = "INR", _("Indian rupee")
        IQD = "IQD", _("Iraqi dinar")
        OMR = "OMR", _("Omani rial")

    business = models.ForeignKey(
        CreativeBusiness, on_delete=models.PROTECT, related_name="deals", verbose_name=_("business")
    )
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        related_name="export_deals",
        verbose_name=_("zone"),
        editable=False,
        help_text=_("The business's zone, kept on the deal for the dashboard's sums."),
    )
    buyer_country = CountryField(_("buyer's country"))
    product = models.CharField(_("product or service"), max_length=300)
    value = models.DecimalField(
        _("value"), max_digits=18, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.USD)
    rate_to_rial = models.DecimalField(
        _("rate to the rial"),
        max_digits=18,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Rials to one unit of the currency on the deal's date, as entered (1 for rials)."),
    )
    value_rial = models.DecimalField(_("value in rials"), max_digits=24, decimal_places=0, editable=False)
    signed_on = models.DateField(_("date of the deal"), db_index=True)
    event = models.ForeignKey(
        Event,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_deals",
        verbose_name=_("fair or event it came from"),
    )
    agreement = models.ForeignKey(
        Agreement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="export_deals",
        verbose_name=_("agreement it came from"),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("export deal")
        verbose_name_plural = _("export deals")
        indexes = [
            models.Index(fields=["zone", "signed_on"], name="export_deal_zone_date"),
            models.Index(fields=["buyer_country", "signed_on"], name="export_deal_country_date"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="export_deal_value_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.business} → {self.buyer_country.name}: {self.product}"

    def save(self, *args: object, **kwargs: object) -> None:
        # Kept on the row so the dashboard sums and groups with indexes, in one currency.
        if self.business_id:
            self.zone_id = CreativeBusiness.objects.values_list("zone_id", flat=True).get(pk=self.business_id)
        self.value_rial = (self.value or 0) * (self.rate_to_rial or 0)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "zone", "value_rial"}
        super().save(*args, **kwargs)
