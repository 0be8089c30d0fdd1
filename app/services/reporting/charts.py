"""Geometry for the SVG charts that pages and reports draw with the same macros."""

from __future__ import annotations

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


LABEL_CHARACTERS = 40


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARACTERS else text[: LABEL_CHARACTERS - 1].rstrip() + "…"


def section_bars(result) -> BarChart:
    """Bars of the section scores of an :class:`~app.domain.results.AssessmentResult`, named by title.

    A section with too little evidence has no bar: it reads "not assessed", never 0.
    """
    return bar_chart(
        [(_short(str(r.section.title)), str(r.section.title), r.summary.shown_score) for r in result.sections],
        width=680,
        label_width=250,
    )
