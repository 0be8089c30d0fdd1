"""Calibration: how far a unit's self-assessment lies from the expert's review.

Compared over the requirements both scored on the scale (N/A, not evidenced and open
answers are left out). Reports exact agreement, agreement within one level, Cohen's kappa
with quadratic weights (a disagreement of two levels counts four times one of one level),
the sections the unit over- or under-rated most, and the largest single disagreements.

Where a requirement lists elements and both layers ticked them, the element agreement is
the share of those elements both marked the same (met by both, or by neither), with the
number of elements it rests on: a share of a handful of elements says little.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.domain.checklist import Checklist, Requirement, Section

#: Landis and Koch's reading of kappa, lower bounds.
KAPPA_BANDS = ((0.81, "almost_perfect"), (0.61, "substantial"), (0.41, "moderate"), (0.21, "fair"), (0.0, "slight"))
LARGEST = 10


@dataclass(frozen=True)
class Pair:
    """A requirement scored by the unit and by the expert."""

    requirement: Requirement
    self_value: int
    expert_value: int

    @property
    def difference(self) -> int:
        """Positive when the unit rated itself higher than the expert did."""
        return self.self_value - self.expert_value


@dataclass(frozen=True)
class TickPair:
    """A requirement whose elements both the unit and the expert ticked."""

    requirement: Requirement
    self_ticks: frozenset[int]
    expert_ticks: frozenset[int]

    @property
    def same(self) -> int:
        """How many of its elements both marked the same: met by both, or by neither."""
        count = len(self.requirement.elements)
        return sum(1 for i in range(count) if (i in self.self_ticks) == (i in self.expert_ticks))


@dataclass(frozen=True)
class ElementAgreement:
    """The share of elements the two layers marked the same, and what it rests on."""

    requirements: int
    elements: int
    same: int

    @property
    def share(self) -> float | None:
        return self.same / self.elements if self.elements else None


def element_agreement(pairs: Iterable[TickPair]) -> ElementAgreement:
    """Over the requirements both layers ticked: the elements marked the same, of all their elements."""
    pairs = tuple(pairs)
    return ElementAgreement(
        requirements=len(pairs),
        elements=sum(len(p.requirement.elements) for p in pairs),
        same=sum(p.same for p in pairs),
    )


@dataclass(frozen=True)
class SectionBias:
    """How the unit's scores in one section lay against the expert's."""

    section: Section
    pairs: int
    mean_difference: float  # in scale levels; positive: over-rated

    @property
    def direction(self) -> str:
        """over, under or level."""
        if self.mean_difference > 0:
            return "over"
        if self.mean_difference < 0:
            return "under"
        return "level"


@dataclass(frozen=True)
class Calibration:
    """Agreement between self-assessment and expert review."""

    pairs: tuple[Pair, ...]
    exact: float | None
    within_one: float | None
    kappa: float | None
    sections: tuple[SectionBias, ...]
    largest: tuple[Pair, ...]
    elements: ElementAgreement = ElementAgreement(0, 0, 0)

    @property
    def count(self) -> int:
        return len(self.pairs)

    @property
    def mean_difference(self) -> float | None:
        """Average self minus expert, in levels: above 0 the unit rated itself too high."""
        return sum(p.difference for p in self.pairs) / len(self.pairs) if self.pairs else None

    @property
    def over_rated(self) -> tuple[SectionBias, ...]:
        """Sections the unit rated above the expert, most first."""
        return tuple(s for s in sorted(self.sections, key=lambda s: -s.mean_difference) if s.mean_difference > 0)

    @property
    def under_rated(self) -> tuple[SectionBias, ...]:
        """Sections the unit rated below the expert, most first."""
        return tuple(s for s in sorted(self.sections, key=lambda s: s.mean_difference) if s.mean_difference < 0)

    @property
    def kappa_band(self) -> str | None:
        """poor, slight, fair, moderate, substantial or almost_perfect."""
        if self.kappa is None:
            return None
        return next((band for bound, band in KAPPA_BANDS if self.kappa >= bound), "poor")


def weighted_kappa(pairs: Sequence[tuple[int, int]], levels: Sequence[int]) -> float | None:
    """Cohen's kappa with quadratic weights over ``levels``; None when chance agreement is total."""
    if not pairs:
        return None
    index = {level: i for i, level in enumerate(sorted(levels))}
    k = len(index)
    if k < 2:
        return None
    n = len(pairs)
    observed = [[0.0] * k for _ in range(k)]
    for a, b in pairs:
        observed[index[a]][index[b]] += 1 / n
    rows = [sum(observed[i]) for i in range(k)]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]
    span = (k - 1) ** 2
    disagreement = expected = 0.0
    for i in range(k):
        for j in range(k):
            weight = (i - j) ** 2 / span
            disagreement += weight * observed[i][j]
            expected += weight * rows[i] * cols[j]
    if expected == 0:
        return None
    return 1 - disagreement / expected


def calibrate(checklist: Checklist, pairs: Iterable[Pair], ticks: Iterable[TickPair] = ()) -> Calibration:
    """The calibration figures for ``pairs`` of self and expert scores (and ``ticks`` of their elements)."""
    pairs = tuple(pairs)
    n = len(pairs)
    by_section: dict[str, list[Pair]] = {}
    for pair in pairs:
        by_section.setdefault(pair.requirement.section_id, []).append(pair)
    sections = tuple(
        SectionBias(checklist.section(sid), len(items), sum(p.difference for p in items) / len(items))
        for sid, items in by_section.items()
    )
    disagreements = [p for p in pairs if p.difference]
    disagreements.sort(key=lambda p: (-abs(p.difference), -checklist.weight(p.requirement), p.requirement.id))
    return Calibration(
        pairs=pairs,
        exact=sum(1 for p in pairs if p.difference == 0) / n if n else None,
        within_one=sum(1 for p in pairs if abs(p.difference) <= 1) / n if n else None,
        kappa=weighted_kappa([(p.self_value, p.expert_value) for p in pairs], [lvl.value for lvl in checklist.scale]),
        sections=sections,
        largest=tuple(disagreements[:LARGEST]),
        elements=element_agreement(ticks),
    )
