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


@dataclass(frozen=True)
class TrendPoint:
    """A figure drawn on a trend row: its round (position, oldest first), value and x."""

    round_index: int
    value: float
    x: float


@dataclass(frozen=True)
class TrendRow:
    """One line of the trend chart (the overall, or a section) with the points it may draw.

    ``figures`` keeps every round's figure, withheld ones included, for the note beside the row;
    ``points`` holds only the figures that may be shown: a withheld one is never drawn.
    """

    label: str
    title: str
    y: float
    points: tuple[TrendPoint, ...]
    figures: tuple
    strong: bool = False
    #: Where the latest round's value is written, (x, text-anchor), on the side away from the
    #: earlier dot; None when the latest round has no dot.
    value_at: tuple[float, str] | None = None


@dataclass(frozen=True)
class TrendChart:
    """A dot plot of figures per round: one row per line, one dot per round, joined oldest to latest."""

    rounds: tuple[str, ...]
    rows: tuple[TrendRow, ...]
    width: float
    height: float
    top: float
    label_width: float
    plot_width: float
    note_x: float
    row_height: float
    ticks: tuple[tuple[float, str], ...]

    @property
    def short_notes(self) -> bool:
        """More than two rounds: the notes mark a withheld figure with an asterisk, not the word."""
        return len(self.rounds) > 2

    @property
    def legend(self) -> tuple[tuple[str, str, float], ...]:
        """(round label, colour, x) for the legend above the plot, oldest first."""
        step = min(90.0, self.plot_width / max(len(self.rounds), 1))
        return tuple(
            (label, trend_colour(i, len(self.rounds)), self.label_width + i * step)
            for i, label in enumerate(self.rounds)
        )


#: Earlier rounds in greys that darken towards the latest, drawn in the report's blue.
_EARLIER = ("#d0d5dd", "#98a2b3", "#667085")
LATEST_COLOUR = "#1f4e79"


def trend_colour(index: int, count: int) -> str:
    """The colour of a round's dots: the latest blue, the one before mid grey, older ones lighter."""
    if index == count - 1:
        return LATEST_COLOUR
    back = count - 1 - index  # 1 for the round just before
    return _EARLIER[max(len(_EARLIER) - back, 0)]


def trend_chart(
    rounds: list[str],
    items: list[tuple[str, str, tuple, bool]],
    *,
    width: float = 680,
    label_width: float = 240,
    note_width: float = 150,
    row_height: float = 22,
) -> TrendChart:
    """Rows for ``(label, title, figures, strong)`` items; each figure has ``.shown`` (None: not drawn) or is None."""
    top = 30.0
    plot_width = width - label_width - note_width - 16
    rows = []
    for i, (label, title, figures, strong) in enumerate(items):
        points = tuple(
            TrendPoint(r, f.shown, label_width + f.shown * plot_width)
            for r, f in enumerate(figures)
            if f is not None and f.shown is not None
        )
        value_at = None
        if points and points[-1].round_index == len(rounds) - 1:
            last = points[-1]
            fell = len(points) > 1 and points[-2].x > last.x
            room_right = last.x + 33 <= label_width + plot_width + 10  # "100%" ends before the notes
            room_left = last.x - 33 >= label_width
            right = (not fell and room_right) or not room_left
            value_at = (last.x + 9, "start") if right else (last.x - 9, "end")
        rows.append(TrendRow(_short(label), title, top + i * row_height, points, tuple(figures), strong, value_at))
    ticks = tuple((label_width + plot_width * t / 4, f"{t * 25}%") for t in range(5))
    height = top + len(items) * row_height + 22
    return TrendChart(
        tuple(rounds),
        tuple(rows),
        width,
        height,
        top,
        label_width,
        plot_width,
        label_width + plot_width + 12,
        row_height,
        ticks,
    )
