"""A record's history as a person reads it: every version of its rows and every status move, newest first.

Two things are kept. django-simple-history stores a full copy of a row at each save, with who saved it
(``Model.history``), so any field's value at any moment can be shown and an earlier file stays reachable;
the lifecycle helper stores each status move with its reason (``StatusChangeRecord``). ``timeline()``
merges both, for a record and the rows that belong to it (an event's invitations and report, an
agreement's parties, documents and obligations), into entries: when, who, what kind of change, and per
field the old and the new value as the page shows values elsewhere (choices by label, dates in the
reader's calendar, related rows by name, files by their label with a download link).

A page of the timeline costs the same number of queries however long the history is: per kind of row
one query for the versions (each with the id of the version before it, and the rows its foreign keys
name joined to it) and one for the versions just before them, one per tracked many-to-many field, and
one per kind of status move. Pages are cut by a cursor (the last entry shown), never by counting what
came before.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from zones_portal.dates import format_date
from zones_portal.i18n import join_list

PAGE_SIZE = 20
TEXT_SHOWN = 300  # characters of a long text shown in an entry; the rest is cut with an ellipsis
CURSOR_PARAM = "history-before"
MAX_SOURCES = 100
MAX_ID = 2**63


class Kind:
    CREATED = "created"
    RECORDED = "recorded"  # the first version kept of a row older than its history
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"
    STATUS = "status"

    LABELS: Mapping[str, Any] = {
        CREATED: gettext_lazy("Created"),
        RECORDED: gettext_lazy("First recorded"),
        CHANGED: gettext_lazy("Changed"),
        WITHDRAWN: gettext_lazy("Withdrawn"),
        REMOVED: gettext_lazy("Removed"),
        STATUS: gettext_lazy("Status changed"),
    }


@dataclass(frozen=True)
class Track:
    """One kind of row in a timeline: the versions to show, and how to name and link them.

    ``history`` is a queryset of one model's historical rows (``Obligation.history.filter(agreement_id=…)``);
    its filter must keep every version of a row or none (filter on a field that never changes, such as
    the owner's id), since each version is compared with the one before it. ``subject`` names the row in
    an entry (blank: the page's own record). ``files`` maps a file field to the field that keeps the
    file's label; ``file_url(version, field name)`` gives the address that serves that version's file
    after checking who asks. ``hidden`` fields are not shown (the status and its reason, where the
    status moves show them).
    """

    history: QuerySet
    subject: Callable[[Any], str] | None = None
    files: Mapping[str, str] = field(default_factory=dict)
    file_url: Callable[[Any, str], str | None] | None = None
    hidden: Collection[str] = ()


@dataclass(frozen=True)
class Moves:
    """The status moves of one kind of record (rows of a ``StatusChangeRecord`` subclass)."""

    records: QuerySet
    subject: Callable[[Any], str] | None = None


@dataclass
class Change:
    field: str
    old: str | None  # None: the entry has no earlier value to show (a creation)
    new: str


@dataclass
class Entry:
    when: dt.datetime
    who: Any
    kind: str
    subject: str
    changes: list[Change]
    reason: str = ""

    @property
    def kind_label(self) -> str:
        return str(Kind.LABELS[self.kind])

    @property
    def who_label(self) -> str:
        return str(self.who) if self.who is not None else _("the portal")


@dataclass
class Timeline:
    entries: list[Entry]
    older_url: str = ""  # the next page, older entries
    newest_url: str = ""  # back to the first page, when this is not it
    anchor: str = "history"


# What a candidate entry is before it is rendered -------------------------------------------------------


@dataclass
class _Candidate:
    key: tuple[dt.datetime, int, int]  # when, which source, row id: the order and the cursor
    source: int
    row: Any
    previous: Any = None
    is_move: bool = False
    raw: list[tuple[Any, Any, Any]] = field(default_factory=list)  # (field, old, new)
    kind: str = Kind.CHANGED


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def parse_cursor(text: str | None) -> tuple[dt.datetime, int, int] | None:
    """The cursor ``<ISO datetime>~<source>~<id>`` of the last entry shown; anything else starts over."""
    if not text:
        return None
    parts = text.split("~")
    if len(parts) != 3:
        return None
    try:
        when = _aware(dt.datetime.fromisoformat(parts[0].replace(" ", "+")))
        source, pk = int(parts[1]), int(parts[2])
    except (ValueError, OverflowError):
        return None
    if not (0 <= source < MAX_SOURCES and 0 <= pk < MAX_ID):  # ids a database column can hold
        return None
    return (when, source, pk)


def _cursor_text(key: tuple[dt.datetime, int, int]) -> str:
    return f"{key[0].isoformat()}~{key[1]}~{key[2]}"


def _before(cursor: tuple[dt.datetime, int, int] | None, source: int, date: str, pk: str) -> Q:
    """The rows of ``source`` that come after the cursor in the timeline's order (newest first)."""
    if cursor is None:
        return Q()
    when, cursor_source, cursor_pk = cursor
    if source < cursor_source:
        return Q(**{f"{date}__lte": when})
    if source > cursor_source:
        return Q(**{f"{date}__lt": when})
    return Q(**{f"{date}__lt": when}) | Q(**{date: when, f"{pk}__lt": cursor_pk})


# Fields ---------------------------------------------------------------------------------------------


def _original(history_model: type[models.Model]) -> type[models.Model]:
    return history_model.instance_type


def _shown_fields(track: Track) -> list[models.Field]:
    """The original model's fields that the versions keep and a person should read."""
    history_model = track.history.model
    kept = {f.attname for f in history_model._meta.concrete_fields}
    labels = set(track.files.values())
    shown = []
    for f in _original(history_model)._meta.concrete_fields:
        if f.primary_key or f.attname not in kept or f.name in track.hidden or f.name in labels:
            continue
        if not f.editable and f.name not in track.files:  # kept by the code: week, notice start, digest
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            continue
        shown.append(f)
    return shown


def _named_through(model: type[models.Model], name: str) -> list[str]:
    """What to join to name the row a foreign key points at, and the rows its name reads (a party's
    zone or institution): one level further, so that no name costs a query of its own."""
    return [
        name,
        *(f"{name}__{f.name}" for f in model._meta.concrete_fields if f.many_to_one or f.one_to_one),
    ]


def _joins(track: Track) -> list[str]:
    joins = []
    for f in _shown_fields(track):
        if f.many_to_one or f.one_to_one:
            joins += _named_through(f.related_model, f.name)
    return joins


def _m2m_fields(track: Track) -> list[models.ManyToManyField]:
    return [f for f in getattr(track.history.model, "_history_m2m_fields", []) if f.name not in track.hidden]


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple, set, frozenset)) and not value)


def _value(row: Any, f: models.Field) -> Any:
    value = getattr(row, f.attname)
    if isinstance(f, models.FileField):
        return str(value or "")
    if isinstance(value, Iterable) and not isinstance(value, (str, bytes, Mapping)):
        return tuple(value)  # several countries (a list-like value), offsets in days
    return value


# Building ---------------------------------------------------------------------------------------------


def _history_candidates(
    index: int, track: Track, cursor: tuple[dt.datetime, int, int] | None, reach: int
) -> list[_Candidate]:
    """The newest ``reach`` versions after the cursor, each with the version before it; the rows their
    foreign keys point at are joined, so naming them costs nothing more."""
    model = track.history.model
    earlier = (
        model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        .order_by("-history_id")
        .values("history_id")[:1]
    )
    joins = _joins(track)
    rows = list(
        track.history.filter(_before(cursor, index, "history_date", "history_id"))
        .select_related("history_user", *joins)
        .annotate(previous_version=Subquery(earlier))
        .order_by("-history_date", "-history_id")[:reach]
    )
    known = {row.history_id: row for row in rows}
    earlier_ids = {row.previous_version for row in rows if row.previous_version}
    if earlier_ids:
        # All of them, not only those outside the page: the query is then the same for a short history
        # and a long one, which keeps a page's cost a constant.
        known.update(
            (row.history_id, row)
            for row in model.objects.filter(history_id__in=earlier_ids).select_related(*joins)
        )
    return [
        _Candidate(
            key=(row.history_date, index, row.history_id),
            source=index,
            row=row,
            previous=known.get(row.previous_version) if row.previous_version else None,
        )
        for row in rows
    ]


def _move_candidates(
    index: int, moves: Moves, cursor: tuple[dt.datetime, int, int] | None, reach: int
) -> list[_Candidate]:
    records = (
        moves.records.filter(_before(cursor, index, "changed_at", "pk"))
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")[:reach]
    )
    return [
        _Candidate(
            key=(record.changed_at, index, record.pk),
            source=index,
            row=record,
            is_move=True,
            kind=Kind.STATUS,
        )
        for record in records
    ]


@dataclass(frozen=True, order=True)
class _Named:
    """A related row in a many-to-many value: compared by id, shown by name."""

    pk: Any
    name: str = field(compare=False)

    def __str__(self) -> str:
        return self.name


def _m2m_sets(track: Track, candidates: Iterable[_Candidate]) -> dict[tuple[str, int], frozenset]:
    """(field name, version id) -> the related rows that version had, one query per tracked field."""
    versions = {c.row.history_id for c in candidates} | {
        c.previous.history_id for c in candidates if c.previous
    }
    sets: dict[tuple[str, int], set] = defaultdict(set)
    for m2m in _m2m_fields(track):
        through = HistoricalRecords.m2m_models[m2m]
        target = m2m.m2m_reverse_field_name()
        rows = through.objects.filter(history_id__in=versions).select_related(
            *_named_through(m2m.related_model, target)
        )
        for row in rows:
            related = getattr(row, target)
            pk = getattr(row, f"{target}_id")
            sets[(m2m.name, row.history_id)].add(
                _Named(pk, str(related) if related is not None else f"#{pk}")
            )
    return {key: frozenset(value) for key, value in sets.items()}


def _diff(track: Track, candidate: _Candidate, fields: list[models.Field], m2m_sets: Mapping) -> None:
    """Fills the candidate's raw changes and kind from its version and the one before it."""
    row, previous = candidate.row, candidate.previous
    m2m = _m2m_fields(track)
    if row.history_type == "-":
        candidate.kind = Kind.REMOVED
        return
    if previous is None:
        candidate.kind = Kind.CREATED if row.history_type == "+" else Kind.RECORDED
        candidate.raw = [(f, None, _value(row, f)) for f in fields if not _empty(_value(row, f))]
        candidate.raw += [
            (f, None, m2m_sets[(f.name, row.history_id)])
            for f in m2m
            if m2m_sets.get((f.name, row.history_id))
        ]
        return
    candidate.raw = [
        (f, _value(previous, f), _value(row, f)) for f in fields if _value(previous, f) != _value(row, f)
    ]
    for f in m2m:
        before = m2m_sets.get((f.name, previous.history_id), frozenset())
        after = m2m_sets.get((f.name, row.history_id), frozenset())
        if before != after:
            candidate.raw.append((f, before, after))
    withdrawn = any(
        f.name == "withdrawn_at" and old is None and new is not None for f, old, new in candidate.raw
    )
    candidate.kind = Kind.WITHDRAWN if withdrawn else Kind.CHANGED


def _render_file(track: Track, f: models.Field, value: str, version: Any) -> str:
    """A file by the label it had in that version, linked to the view that serves that version."""
    label_field = track.files.get(f.name)
    label = (getattr(version, label_field, "") if label_field else "") or value.rsplit("/", 1)[-1]
    url = track.file_url(version, f.name) if track.file_url else None
    return format_html('<a href="{}" dir="ltr">{}</a>', url, label) if url else label


def _render_plain(f: models.Field, value: Any) -> str:
    if isinstance(value, (list, tuple)):  # several countries, offsets in days
        shown = join_list(str(getattr(item, "name", item)) for item in value)
    elif f.choices:
        shown = dict(f.flatchoices or ()).get(value, value)
    elif isinstance(f, models.BooleanField):
        shown = _("yes") if value else _("no")
    elif isinstance(f, models.DateTimeField):
        shown = format_date(value, "datetime")
    elif isinstance(f, models.DateField):
        shown = format_date(value, "date")
    else:
        shown = Truncator(str(value)).chars(TEXT_SHOWN)
    return str(shown)


def _render(track: Track, f: models.Field, value: Any, version: Any) -> str:
    """A value as the page shows values elsewhere; ``version`` is the row version it was read from."""
    if _empty(value):
        return "—"
    if f.many_to_many:
        return join_list(sorted(str(related) for related in value))
    if f.many_to_one or f.one_to_one:
        related = getattr(version, f.name, None)  # joined with the version: no query of its own
        return str(related) if related is not None else f"#{value}"
    if isinstance(f, models.FileField):
        return _render_file(track, f, value, version)
    return _render_plain(f, value)


def _entry(candidate: _Candidate, sources: Sequence[Track | Moves]) -> Entry:
    source: Any = sources[candidate.source]
    row = candidate.row
    subject = source.subject(row) if source.subject else ""
    if candidate.is_move:
        old = row.get_from_status_display() if row.from_status else None
        return Entry(
            when=row.changed_at,
            who=row.changed_by,
            kind=Kind.STATUS,
            subject=subject,
            changes=[Change(str(_("status")), old, str(row.get_to_status_display()))],
            reason=row.reason,
        )
    changes = [
        Change(
            str(f.verbose_name),
            None
            if old is None and candidate.kind in (Kind.CREATED, Kind.RECORDED)
            else _render(source, f, old, candidate.previous),
            _render(source, f, new, row),
        )
        for f, old, new in candidate.raw
    ]
    return Entry(
        when=row.history_date, who=row.history_user, kind=candidate.kind, subject=subject, changes=changes
    )


def timeline(
    tracks: Sequence[Track],
    moves: Sequence[Moves] = (),
    *,
    cursor: tuple[dt.datetime, int, int] | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[Entry], tuple[dt.datetime, int, int] | None]:
    """One page of entries after ``cursor`` (the first page without one), newest first, and the cursor of
    the next page (None when nothing older is left).

    A version that changed only what the page does not show (a status that the moves show, a
    timestamp) makes no entry; twice the page size is read from each source so that such versions do not
    leave a page short.
    """
    sources: list[Track | Moves] = [*tracks, *moves]
    reach = 2 * size + 1
    candidates: list[_Candidate] = []
    for index, track in enumerate(tracks):
        found = _history_candidates(index, track, cursor, reach)
        fields = _shown_fields(track)
        m2m_sets = _m2m_sets(track, found) if _m2m_fields(track) else {}
        for candidate in found:
            _diff(track, candidate, fields, m2m_sets)
        candidates += found
    for offset, group in enumerate(moves):
        candidates += _move_candidates(len(tracks) + offset, group, cursor, reach)
    candidates.sort(key=lambda c: c.key, reverse=True)
    shown: list[_Candidate] = []
    last_read = None
    for candidate in candidates:
        if len(shown) == size:
            break
        last_read = candidate
        if candidate.kind == Kind.CHANGED and not candidate.raw:
            continue
        shown.append(candidate)
    entries = [_entry(candidate, sources) for candidate in shown]
    more = last_read is not None and candidates.index(last_read) + 1 < len(candidates)
    return entries, (last_read.key if more and last_read else None)


def timeline_for(
    request: HttpRequest,
    tracks: Sequence[Track],
    moves: Sequence[Moves] = (),
    *,
    size: int = PAGE_SIZE,
    anchor: str = "history",
) -> Timeline:
    """The page of the timeline that the request's cursor asks for, with links to older entries and back."""
    cursor = parse_cursor(request.GET.get(CURSOR_PARAM))
    entries, following = timeline(tracks, moves, cursor=cursor, size=size)

    def url(value: str | None) -> str:
        query = request.GET.copy()
        query.pop(CURSOR_PARAM, None)
        if value:
            query[CURSOR_PARAM] = value
        encoded = query.urlencode()
        return (f"?{encoded}" if encoded else request.path) + f"#{anchor}"

    return Timeline(
        entries=entries,
        older_url=url(_cursor_text(following)) if following else "",
        newest_url=url(None) if cursor else "",
        anchor=anchor,
    )


def is_tracked(model: type[models.Model]) -> bool:
    """Whether the model keeps a history of its rows."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def own_track(obj: models.Model, **options: Any) -> Track:
    """The versions of one record."""
    manager = getattr(type(obj), obj._meta.simple_history_manager_attribute)
    return Track(manager.filter(id=obj.pk), **options)


# A first version for the rows older than their history ------------------------------------------------


def record_baseline(batch_size: int = 500) -> dict[str, int]:
    """Keeps the present state of every row that has no version yet as its first version ("first
    recorded"), with its many-to-many links, so that its next change reads as a change of the fields it
    changed. Rows that have a version are left alone, so running it again does nothing."""
    counts: dict[str, int] = {}
    for model in apps.get_models():
        if not is_tracked(model):
            continue
        manager = getattr(model, model._meta.simple_history_manager_attribute)
        unversioned = model._default_manager.exclude(pk__in=manager.model.objects.values("id")).order_by("pk")
        total = 0
        while batch := list(unversioned[:batch_size]):
            versions = manager.bulk_history_create(batch, update=True)  # "~": a state, not a creation
            if not versions:
                break  # history switched off (SIMPLE_HISTORY_ENABLED): nothing would ever be kept
            _baseline_links(manager.model, versions)
            total += len(versions)
        counts[model._meta.label] = total
    return counts


def _baseline_links(history_model: type[models.Model], versions: Sequence[Any]) -> None:
    """The many-to-many links each new version had, kept as a save keeps them."""
    by_row = {version.id: version for version in versions}
    for m2m in getattr(history_model, "_history_m2m_fields", []):
        through = m2m.remote_field.through
        kept = HistoricalRecords.m2m_models[m2m]
        names = [f.name for f in through._meta.fields]
        owner = f"{m2m.m2m_field_name()}_id"
        links = through.objects.filter(**{f"{owner}__in": list(by_row)})
        kept.objects.bulk_create(
            [
                kept(history=by_row[getattr(link, owner)], **{name: getattr(link, name) for name in names})
                for link in links
            ]
        )
