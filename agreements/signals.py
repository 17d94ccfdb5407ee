"""What changes the agreements' pages: every save or delete of the rows the list shows bumps the
``agreements`` version counter (zones_portal.versions), so its kept content (zones_portal.fragments)
follows at once."""

from __future__ import annotations

from agreements.models import Agreement, Obligation, Party
from zones_portal.models import Institution, Zone
from zones_portal.versions import watch

AGREEMENTS = "agreements"
SHOWN = (Agreement, Party, Obligation, Zone, Institution)


def connect() -> None:
    watch(AGREEMENTS, SHOWN)
