"""exports 0002: the export figures of existing event reports become deals, nothing lost.

The migration's functions are run on the project state of that migration (the historical models, as
``migrate`` would give them), on a test database where the events' report fields still exist."""

from __future__ import annotations

from decimal import Decimal
from importlib import import_module

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from events.models import EventReport
from exports.models import CreativeBusiness, ExportDeal
from tests.exports.register_world import make_agreement, make_fair

pytestmark = pytest.mark.django_db

NAME = "0002_deals_from_event_reports"
migration = import_module(f"exports.migrations.{NAME}")


@pytest.fixture
def state_apps():
    loader = MigrationLoader(connection)
    assert ("exports", NAME) in loader.applied_migrations
    return loader.project_state(("exports", NAME)).apps


def _report(event, **fields):
    return EventReport.objects.create(event=event, attendance=300, artists_count=20, outcomes="خوب", **fields)


def test_a_report_with_two_countries_becomes_two_deals_that_keep_every_figure(
    state_apps, kish, art_bureau, kish_deputy
):
    agreement = make_agreement(zones=[kish], institutions=[art_bureau])
    fair = make_fair(kish, title="نمایشگاه صنایع دستی کیش", agreement=agreement)
    _report(
        fair,
        export_contracts=3,
        export_value=Decimal("1000.01"),
        export_currency="USD",
        buyer_countries=["IQ", "AE"],
        filed_by=kish_deputy,
    )
    quiet = make_fair(kish, title="رویداد بی‌صادرات")
    _report(quiet)  # no export: nothing made

    migration.deals_from_reports(state_apps, None)

    business = CreativeBusiness.objects.get()
    assert (business.zone, business.name, business.field.slug) == (
        kish,
        "غرفه‌داران «نمایشگاه صنایع دستی کیش»",
        "other",
    )
    deals = list(ExportDeal.objects.order_by("buyer_country"))
    assert [deal.buyer_country.code for deal in deals] == ["AE", "IQ"]
    assert sum(deal.value for deal in deals) == Decimal("1000.01")  # split, the sum exact
    assert {deal.value for deal in deals} == {Decimal("500.00"), Decimal("500.01")}
    for deal in deals:
        assert (deal.event, deal.agreement, deal.currency, deal.zone) == (fair, agreement, "USD", kish)
        assert (deal.rate_to_rial, deal.value_rial) == (0, 0)  # no rate in the old data: unknown
        assert deal.signed_on == timezone.localtime(fair.ends_at).date()  # the fair's last day
        assert deal.recorded_by == kish_deputy
        assert "3 قرارداد" in deal.note
        assert "1000.01 USD" in deal.note
        assert "AE، IQ" in deal.note
        assert "ارزش ریالی نامعلوم" in deal.note
    report = EventReport.objects.get(event=fair)
    assert (report.export_contracts, report.export_value) == (3, Decimal("1000.01"))  # the report keeps them

    migration.deals_from_reports(state_apps, None)  # a second run adds nothing
    assert ExportDeal.objects.count() == 2

    migration.remove_moved_deals(state_apps, None)
    assert not ExportDeal.objects.exists()
    assert not CreativeBusiness.objects.exists()


def test_rials_keep_their_value_and_no_country_is_not_invented(state_apps, qeshm):
    fair = make_fair(qeshm)
    _report(
        fair, export_contracts=1, export_value=Decimal("5000000"), export_currency="IRR", buyer_countries=[]
    )
    migration.deals_from_reports(state_apps, None)
    deal = ExportDeal.objects.get()
    assert (deal.value, deal.rate_to_rial, deal.value_rial) == (5000000, 1, 5000000)
    assert deal.buyer_country.code in ("", None)
    assert "ذکر نشده" in deal.note
