"""What a list of actions adds up to: a cost range and the count of actions by effort.

Cost bands are ranges (the installation sets them, with their currency), so a total is a
range too: the sum of the lower ends to the sum of the upper ends, open-ended as soon as
one band has no upper end. Actions without a band are counted apart, never as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.checklist import EFFORT_BANDS

#: A cost band's range in the installation's currency: from, to (None: no upper end).
CostRange = tuple[int, int | None]


@dataclass(frozen=True)
class PlanTotals:
    """The cost range and the effort of some actions."""

    actions: int
    cost_low: int
    #: None when an action's band has no upper end ("over 50,000"), so neither has the total.
    cost_high: int | None
    #: Actions with no cost band: left out of the range, not counted as free.
    uncosted: int
    #: (effort band, number of actions), in the order days, weeks, months; bands with none left out.
    effort: tuple[tuple[str, int], ...]
    #: Actions with no effort band.
    unestimated: int


def total_of(actions: Iterable[tuple[str | None, str | None]], ranges: Mapping[str, CostRange]) -> PlanTotals:
    """Totals of actions given as (effort band, cost band) pairs, with the bands' ``ranges``."""
    count = low = uncosted = unestimated = 0
    high: int | None = 0
    by_effort = dict.fromkeys(EFFORT_BANDS, 0)
    for effort, cost in actions:
        count += 1
        if effort in by_effort:
            by_effort[effort] += 1
        else:
            unestimated += 1
        if cost not in ranges:
            uncosted += 1
            continue
        band_low, band_high = ranges[cost]
        low += band_low
        high = None if high is None or band_high is None else high + band_high
    return PlanTotals(
        actions=count,
        cost_low=low,
        cost_high=high,
        uncosted=uncosted,
        effort=tuple((band, n) for band, n in by_effort.items() if n),
        unestimated=unestimated,
    )
