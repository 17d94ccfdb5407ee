"""Geometry for the scorecard's SVG charts, drawn on the server and mirrored for right-to-left pages."""

from __future__ import annotations

from dataclasses import dataclass


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
class LineChart:
    width: int
    height: int
    points: list[Point]
    path: str
    gridlines: list[tuple[float, int]]
    tick_anchor: str


def line_chart(
    series: list[tuple[str, float | None]],
    rtl: bool,
    maximum: float = 100.0,
    width: int = 720,
    height: int = 260,
) -> LineChart:
    """One point a month; time runs right to left in right-to-left pages, as the reader reads."""
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
    drawn = [p for p in points if p.y is not None]
    path = " ".join(f"{'M' if i == 0 else 'L'}{p.x},{p.y}" for i, p in enumerate(drawn))
    gridlines = [
        (round(top + plot_h * (1 - fraction), 1), int(maximum * fraction))
        for fraction in (0, 0.25, 0.5, 0.75, 1)
    ]
    # Tick labels sit left of the plot; in right-to-left text "start" is a label's right end.
    return LineChart(width, height, points, path, gridlines, "start" if rtl else "end")
