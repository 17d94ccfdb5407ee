"""Set-up shared by the export register's tests (tests/factories.py is not this issue's to change)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from events.models import EventCategory, Participation
from exports.models import CreativeBusiness, CreativeField, ExportDeal
from tests.factories import make_agreement, make_event


def creative_field(slug: str = "handicrafts", name_fa: str = "صنایع دستی") -> CreativeField:
    field, _ = CreativeField.objects.get_or_create(slug=slug, defaults={"name_fa": name_fa, "name_en": slug})
    return field


def make_business(
    zone, name: str = "کارگاه سفال", field: CreativeField | None = None, **extra
) -> CreativeBusiness:
    return CreativeBusiness.objects.create(
        zone=zone,
        name=name,
        field=field or creative_field(),
        contact_name=extra.pop("contact_name", "مریم رضایی"),
        contact_phone=extra.pop("contact_phone", "09120000000"),
        contact_email=extra.pop("contact_email", "maryam@example.org"),
        **extra,
    )


def make_deal(
    business, *, country: str = "IQ", value: str = "1000", days_ago: int = 10, **extra
) -> ExportDeal:
    currency = extra.pop("currency", "USD")
    return ExportDeal.objects.create(
        business=business,
        buyer_country=country,
        product=extra.pop("product", "ظروف سفالی"),
        value=Decimal(value),
        currency=currency,
        rate_to_rial=extra.pop("rate_to_rial", Decimal(1) if currency == "IRR" else Decimal(600000)),
        signed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        **extra,
    )


def make_fair(host, *, co_organisers=(), joined=(), status: str = "held", **extra):
    """A creative-industries export fair that ended a few days ago."""
    assert EventCategory.objects.filter(slug="export-fair", is_creative_industry=True).exists()
    fair = make_event(host, status=status, category="export-fair", starts_in_days=-5, **extra)
    fair.co_organisers.set(co_organisers)
    for zone in joined:
        Participation.objects.create(
            event=fair, zone=zone, invited_at=timezone.now(), answer=Participation.Answer.ACCEPTED
        )
    return fair


__all__ = ["creative_field", "make_agreement", "make_business", "make_deal", "make_fair"]
