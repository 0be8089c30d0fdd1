"""Geometry for the SVG charts that pages and reports draw with the same macros."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a label and a share from 0 to 1 (None: nothing assessed)."""

    label: str
    title: str
    value: float | None
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    """Horizontal bars, one per section, on a 0-100 % axis."""

    bars: tuple[Bar, ...]
    width: float
    height: float
    label_width: float
    plot_width: float
    row_height: float
    ticks: tuple[tuple[float, str], ...]


def bar_chart(
    items: list[tuple[str, str, float | None]], *, width: float = 640, row_height: float = 22, label_width: float = 70
) -> BarChart:
    """Bars for ``(label, title, share)`` items, in the order given."""
    plot_width = width - label_width - 40
    bars = tuple(
        Bar(label=label, title=title, value=value, y=12 + i * row_height, width=(value or 0.0) * plot_width)
        for i, (label, title, value) in enumerate(items)
    )
    ticks = tuple((label_width + plot_width * t / 4, f"{t * 25}%") for t in range(5))
    return BarChart(bars, width, 12 + len(items) * row_height + 22, label_width, plot_width, row_height, ticks)


@dataclass(frozen=True)
class RadarAxis:
    """One spoke of the radar: its end, its label position and the point for the score."""

    label: str
    end: tuple[float, float]
    label_at: tuple[float, float]
    anchor: str
    point: tuple[float, float]
    value: float | None


@dataclass(frozen=True)
class Radar:
    """A radar (spider) chart of section scores."""

    size: float
    center: tuple[float, float]
    radius: float
    axes: tuple[RadarAxis, ...]
    rings: tuple[str, ...]

    @property
    def polygon(self) -> str:
        """The score polygon's points; unassessed sections sit at the centre."""
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (a.point for a in self.axes))


def radar_chart(items: list[tuple[str, float | None]], *, size: float = 360) -> Radar:
    """A radar of ``(label, share)`` items; needs three or more to be a shape."""
    cx = cy = size / 2
    radius = size / 2 - 46
    n = max(len(items), 1)

    def at(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    axes = []
    for i, (label, value) in enumerate(items):
        end = at(i, radius)
        label_at = at(i, radius + 16)
        dx = label_at[0] - cx
        anchor = "middle" if abs(dx) < 8 else ("start" if dx > 0 else "end")
        axes.append(RadarAxis(label, end, label_at, anchor, at(i, radius * (value or 0.0)), value))
    rings = tuple(
        " ".join(f"{x:.1f},{y:.1f}" for x, y in (at(i, radius * level) for i in range(n)))
        for level in (0.25, 0.5, 0.75, 1.0)
    )
    return Radar(size, (cx, cy), radius, tuple(axes), rings)


def section_bars(result) -> BarChart:
    """Bars of the section scores of an :class:`~app.domain.scoring.AssessmentResult`."""
    return bar_chart([(r.section.id, str(r.section.title), r.summary.score) for r in result.sections])


def section_radar(result) -> Radar:
    """Radar of the section scores of an :class:`~app.domain.scoring.AssessmentResult`."""
    return radar_chart([(r.section.id, r.summary.score) for r in result.sections])
