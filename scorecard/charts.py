"""Geometry for the scorecard's SVG charts, drawn on the server and mirrored for right-to-left pages."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: float
    x: float
    width: float
    label_x: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    label_anchor: str
    value_anchor: str
    axis_x: float


def bar_chart(rows: list[tuple[str, float]], rtl: bool, maximum: float = 100.0, width: int = 640) -> BarChart:
    """Horizontal bars, one a row; in right-to-left pages labels sit on the right and bars grow leftwards."""
    label_room, value_room, row_height = 140, 56, 34
    plot = width - label_room - value_room
    bars = []
    for index, (label, value) in enumerate(rows):
        length = plot * max(min(value / maximum, 1.0), 0.0) if maximum else 0.0
        y = 10 + index * row_height
        if rtl:
            start = width - label_room
            bars.append(Bar(label, value, y, start - length, length, width - 6, start - length - 6))
        else:
            bars.append(Bar(label, value, y, label_room, length, 6, label_room + length + 6))
    return BarChart(
        width=width,
        height=20 + len(rows) * row_height,
        bars=bars,
        # SVG text follows the page's direction, so "start" is the right end in right-to-left pages.
        label_anchor="start",
        value_anchor="start",
        axis_x=width - label_room if rtl else label_room,
    )


@dataclass(frozen=True)
class Point:
    label: str
    value: float | None
    x: float
    y: float | None


@dataclass(frozen=True)
class Tick:
    """A month's name under the plot; only every ``step``-th month gets one, so none overlap."""

    label: str
    x: float


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: list[Point]
    path: str
    gridlines: list[tuple[float, int]]
    tick_anchor: str
    ticks: list[Tick] = field(default_factory=list)  # at the desktop size (``TICK_FONT``)
    narrow_ticks: list[Tick] = field(
        default_factory=list
    )  # on a phone, larger and fewer (``NARROW_TICK_FONT``)
    step: int = 1
    narrow_step: int = 1

    @property
    def gaps(self) -> int:
        """How many months have no point (no data yet, or still to come)."""
        return sum(1 for point in self.points if point.y is None)


# Month names are drawn at these sizes (in the chart's own units: the style sheet uses the same): the
# SVG is scaled to its box, so on a phone (about 340 px for 720 units) the larger size still reads.
TICK_FONT = 11
NARROW_TICK_FONT = 22
# Every month, or one in 2, 3, 6 or 12: steps that keep a quarter's or a year's months in line.
LABEL_STEPS = (1, 2, 3, 6, 12)


def label_width(label: str, font_size: float) -> float:
    """A generous guess at a label's drawn width: about 0.6 em a character (Latin letters and digits
    are wider than most Persian letters), and half an em of space between neighbours."""
    return len(label) * font_size * 0.6 + font_size * 0.5


def _placed(points: list[Point], every: int, font_size: float, width: int) -> list[Tick]:
    """Every ``every``-th month's name, centred under its point but kept inside the chart."""
    ticks = []
    for index, point in enumerate(points):
        if index % every:
            continue
        half = label_width(point.label, font_size) / 2
        ticks.append(Tick(point.label, round(min(max(point.x, half), width - half), 1)))
    return ticks


def overlapping(ticks: list[Tick], font_size: float) -> bool:
    """Whether any two neighbouring names would touch (in either direction of time)."""
    ordered = sorted(ticks, key=lambda tick: tick.x)
    return any(
        later.x - earlier.x
        < (label_width(earlier.label, font_size) + label_width(later.label, font_size)) / 2
        for earlier, later in itertools.pairwise(ordered)
    )


def thinned(points: list[Point], font_size: float, width: int) -> tuple[int, list[Tick]]:
    """The month names to draw: all if they fit, else every 2nd, 3rd, 6th or 12th, the first that fits.

    Names at the ends are pulled inside the chart, which can bring them onto a neighbour: when no
    step is clear of that, the widest step is used and a name that would touch the one before it
    is left out.
    """
    for every in LABEL_STEPS:
        ticks = _placed(points, every, font_size, width)
        if not overlapping(ticks, font_size):
            return every, ticks
    spacing = abs(points[1].x - points[0].x) if len(points) > 1 else float(width)
    widest = max(label_width(point.label, font_size) for point in points)
    every = max(LABEL_STEPS[-1], math.ceil(widest / spacing) if spacing else 1)
    kept: list[Tick] = []
    for tick in _placed(points, every, font_size, width):
        if not kept or not overlapping([kept[-1], tick], font_size):
            kept.append(tick)
    return every, kept


def _path(points: list[Point]) -> str:
    """The line through the points, lifted at every month without a value: a gap, never a drop to 0."""
    moves = []
    pen_down = False
    for point in points:
        if point.y is None:
            pen_down = False
            continue
        moves.append(f"{'L' if pen_down else 'M'}{point.x},{point.y}")
        pen_down = True
    return " ".join(moves)


def line_chart(
    series: list[tuple[str, float | None]],
    rtl: bool,
    maximum: float = 100.0,
    width: int = 720,
    height: int = 260,
) -> LineChart:
    """One point a month (``None``: no point, and a gap in the line); time runs right to left in
    right-to-left pages, as the reader reads."""
    left, right, top, bottom = 40, 20, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(series) - 1, 1)
    points = []
    for index, (label, value) in enumerate(series):
        offset = index * step
        x = (left + plot_w - offset) if rtl else (left + offset)
        y = (
            top + plot_h * (1 - min(max(value / maximum, 0.0), 1.0))
            if value is not None and maximum
            else None
        )
        points.append(Point(label, value, round(x, 1), round(y, 1) if y is not None else None))
    # Quarters of the scale; for a small count (events held: 0, 1, 2) whole numbers only, so no two
    # lines carry the same number.
    steps = int(maximum) if 0 < maximum < 4 and maximum == int(maximum) else 4
    gridlines = [
        (round(top + plot_h * (1 - share / steps), 1), int(maximum * share / steps))
        for share in range(steps + 1)
    ]
    every, ticks = thinned(points, TICK_FONT, width)
    narrow_every, narrow_ticks = thinned(points, NARROW_TICK_FONT, width)
    # Tick labels sit left of the plot; in right-to-left text "start" is a label's right end.
    return LineChart(
        width,
        height,
        points,
        _path(points),
        gridlines,
        "start" if rtl else "end",
        ticks=ticks,
        narrow_ticks=narrow_ticks,
        step=every,
        narrow_step=narrow_every,
    )
