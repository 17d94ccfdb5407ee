"""The event's history after a report: what the report asks is shown, the export figures it no longer asks
for (they live in the export register since issue 17) are not shown as zeros."""

import pytest
from django.urls import reverse

from events import services
from tests.factories import make_event

pytestmark = pytest.mark.django_db


def test_the_report_in_the_history_leaves_out_the_moved_export_figures(client_for, kish, kish_deputy):
    event = make_event(kish, status="held", category="export-fair", starts_in_days=-3)
    services.file_report(
        kish_deputy, event, attendance=2800, artists_count=65, outcomes="نمایشگاه", spent=900
    )
    page = client_for(kish_deputy).get(reverse("events:detail", args=[event.pk])).content.decode()
    assert "مبلغ هزینه‌شده" in page
    assert "قراردادهای صادراتی امضاشده" not in page
