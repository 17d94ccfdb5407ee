"""Turns the export figures of existing post-event reports into deals of the export register.

Until this issue a report held an event's exports as three figures: how many contracts, their total
value in one currency, and the buyers' countries. The register keeps one deal per business and country.
The report did not say who sold, nor how much each country bought, so each such report becomes:

* a business of the host zone, "غرفه‌داران «<title>»" (the event's exhibitors), in the creative field
  "other" (made here if missing), which the zone can later split into its real businesses;
* one deal per buyer country, the value divided equally (the last takes the remainder, so the sum is
  exact), dated the event's last day, linked to the event and to the agreement it carried out; with no
  country given, a single deal whose country is empty (the form asks for it on the next edit);
* each deal's note says that it came from the report, how it was split and the report's own totals
  (contracts, value, currency, countries), so nothing is lost and no precision is invented;
* a deal in rials has the rate 1; in any other currency the old data has no rate, so the rate is 0
  and the rial value is 0: "unknown", shown as such, until the zone enters the rate of the day.

The report's fields stay on the model in this issue (events 0008); a later migration that drops them must
depend on this one. Reversing deletes exactly what this made (by the note's first line).
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

MARKER = "از گزارش پس از رویداد منتقل شد."  # the note's first line: how the reverse finds these deals
BUSINESS_PREFIX = "غرفه‌داران «"
OTHER_FIELD = {"slug": "other", "name_fa": "سایر", "name_en": "Other", "sort_order": 999}
CENT = Decimal("0.01")


def _codes(countries) -> list[str]:
    """The report's countries as codes, whether the field gives Country objects or strings."""
    codes = []
    for country in countries or ():
        code = getattr(country, "code", country)
        if code and code not in codes:
            codes.append(str(code))
    return codes


def _split(value: Decimal, parts: int) -> list[Decimal]:
    share = (value / parts).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (parts - 1) + [value - share * (parts - 1)]


def _note(report, codes: list[str], parts: int) -> str:
    lines = [
        MARKER,
        (
            f"گزارش رویداد: {report.export_contracts} قرارداد صادراتی به ارزش {report.export_value} "
            f"{report.export_currency}؛ کشورهای خریدار: {'، '.join(codes) or 'ذکر نشده'}."
        ),
    ]
    if parts > 1:
        lines.append(f"ارزش به‌طور مساوی میان {parts} کشور تقسیم شد؛ گزارش سهم هر کشور را مشخص نکرده بود.")
    if not codes:
        lines.append("کشور خریدار در گزارش ذکر نشده بود.")
    if report.export_currency != "IRR":
        lines.append("نرخ تبدیل به ریال در گزارش ثبت نشده بود؛ ارزش ریالی نامعلوم است.")
    return "\n".join(lines)


def deals_from_reports(apps, schema_editor) -> None:
    EventReport = apps.get_model("events", "EventReport")
    CreativeField = apps.get_model("exports", "CreativeField")
    CreativeBusiness = apps.get_model("exports", "CreativeBusiness")
    ExportDeal = apps.get_model("exports", "ExportDeal")
    reports = (
        EventReport.objects.filter(Q(export_contracts__gt=0) | Q(export_value__gt=0))
        .select_related("event")
        .order_by("pk")
    )
    other = None
    for report in reports:
        event = report.event
        if ExportDeal.objects.filter(event_id=event.pk, note__startswith=MARKER).exists():
            continue  # already moved
        if other is None:
            other = CreativeField.objects.filter(slug=OTHER_FIELD["slug"]).first()
            if other is None:
                other = CreativeField.objects.create(**OTHER_FIELD)
        name = f"{BUSINESS_PREFIX}{event.title}»"[:200]
        business, _ = CreativeBusiness.objects.get_or_create(
            zone_id=event.host_zone_id,
            name=name,
            defaults={"field": other, "description": "بنگاه‌های عرضه‌کننده در رویداد، از گزارش رویداد."},
        )
        codes = _codes(report.buyer_countries)
        parts = max(len(codes), 1)
        rate = Decimal(1) if report.export_currency == "IRR" else Decimal(0)
        note = _note(report, codes, parts)
        for code, value in zip(codes or [""], _split(Decimal(report.export_value), parts), strict=True):
            ExportDeal.objects.create(
                business=business,
                zone_id=event.host_zone_id,
                buyer_country=code,
                product=f"محصولات عرضه‌شده در «{event.title}»"[:300],
                value=value,
                currency=report.export_currency,
                rate_to_rial=rate,
                value_rial=(value * rate).quantize(Decimal(1)),
                signed_on=timezone.localtime(event.ends_at).date(),
                event_id=event.pk,
                agreement_id=event.agreement_id,
                note=note,
                recorded_by_id=report.filed_by_id,
            )


def remove_moved_deals(apps, schema_editor) -> None:
    CreativeBusiness = apps.get_model("exports", "CreativeBusiness")
    ExportDeal = apps.get_model("exports", "ExportDeal")
    ExportDeal.objects.filter(note__startswith=MARKER).delete()
    CreativeBusiness.objects.filter(name__startswith=BUSINESS_PREFIX, deals__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exports", "0001_export_register"),
        ("events", "0007_reportattachment_withdrawn_at_and_more"),
    ]

    operations = [migrations.RunPython(deals_from_reports, remove_moved_deals)]
