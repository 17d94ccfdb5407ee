"""What changed between two frozen versions of a programme: the aims, and the activities added,
removed and changed field by field, worded for people (names in the reader's language, quarters and
months by name, rials in the reader's digits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from programmes.calendar import month_name, quarter_name
from programmes.models import ProgrammeVersion
from zones_portal.models import in_active_language
from zones_portal.widgets import grouped_number

FIELDS = {
    "title": _("Title"),
    "description": _("Description"),
    "category": _("Category"),
    "quarter": _("Quarter"),
    "month": _("Month"),
    "expected_audience": _("Expected audience"),
    "partner_zones": _("Partner zones"),
    "partner_institutions": _("Partner institutions"),
    "budget_zone": _("Funded by the zone (rials)"),
    "budget_secretariat": _("Funded by the secretariat (rials)"),
    "budget_partner": _("Funded by partners (rials)"),
}


def _name(value: Any) -> str:
    if isinstance(value, dict):
        return in_active_language(value.get("fa", ""), value.get("en", ""))
    return str(value or "")


def _quarter(value: Any) -> str:
    return quarter_name(value)


def _people(value: Any) -> str:
    return "، ".join(_name(item) for item in value)


WORDING = {
    "quarter": _quarter,
    "month": month_name,
    "partner_zones": _people,
    "partner_institutions": _people,
    "category": _name,
    "expected_audience": grouped_number,
    "budget_zone": grouped_number,
    "budget_secretariat": grouped_number,
    "budget_partner": grouped_number,
}


def shown(name: str, value: Any) -> str:
    """One field of a frozen activity as a person reads it."""
    if value in (None, "", []):
        return "—"
    return WORDING.get(name, str)(value)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ActivityChange:
    title: str
    when: str
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Comparison:
    older: ProgrammeVersion
    newer: ProgrammeVersion
    summary_changed: bool
    added: list[ActivityChange]
    removed: list[ActivityChange]
    changed: list[ActivityChange]
    budget_before: int
    budget_after: int

    @property
    def nothing_changed(self) -> bool:
        return not (self.summary_changed or self.added or self.removed or self.changed)


def _when(activity: dict) -> str:
    month = month_name(activity.get("month"))
    quarter = quarter_name(activity.get("quarter"))
    return f"{quarter} · {month}" if month else quarter


def _total(content: dict) -> int:
    return sum(
        int(a.get("budget_zone", 0)) + int(a.get("budget_secretariat", 0)) + int(a.get("budget_partner", 0))
        for a in content.get("activities", [])
    )


def compare(older: ProgrammeVersion, newer: ProgrammeVersion) -> Comparison:
    """Activities are matched by the activity they were frozen from; one removed and written afresh
    counts as removed and added, as it was."""
    before = {a["key"]: a for a in older.content.get("activities", [])}
    after = {a["key"]: a for a in newer.content.get("activities", [])}
    added = [ActivityChange(a["title"], _when(a)) for key, a in after.items() if key not in before]
    removed = [ActivityChange(a["title"], _when(a)) for key, a in before.items() if key not in after]
    changed = []
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            continue
        changes = [
            FieldChange(str(label), shown(name, old.get(name)), shown(name, new.get(name)))
            for name, label in FIELDS.items()
            if old.get(name) != new.get(name)
        ]
        if changes:
            changed.append(ActivityChange(new["title"], _when(new), changes))
    return Comparison(
        older=older,
        newer=newer,
        summary_changed=older.content.get("summary", "") != newer.content.get("summary", ""),
        added=added,
        removed=removed,
        changed=changed,
        budget_before=_total(older.content),
        budget_after=_total(newer.content),
    )


def version_rows(version: ProgrammeVersion) -> list[dict[str, Any]]:
    """A frozen version's activities, each with its fields worded, in the order they were frozen."""
    return [
        {
            "title": a["title"],
            "when": _when(a),
            "quarter": a.get("quarter"),
            "fields": [
                (str(label), shown(name, a.get(name))) for name, label in FIELDS.items() if name != "title"
            ],
        }
        for a in version.content.get("activities", [])
    ]
