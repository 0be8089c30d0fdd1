"""How far two assessors agree who scored the same SOP alone, with the same checklist.

Each scoring gives, per requirement, the elements ticked and a level, or a state (to verify
on site, not applicable). Compared over the requirements both scored with a level: exact
agreement, Cohen's kappa with quadratic weights (as the calibration of a self-assessment
against the expert uses), and element agreement (over requirements both ticked, the share of
elements both marked the same). Requirements one scored and the other did not are counted
apart, as a disagreement about whether the requirement could be scored at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.calibration import TickPair, element_agreement, weighted_kappa
from app.domain.checklist import Requirement


@dataclass(frozen=True)
class Mark:
    """One assessor's answer to one requirement."""

    level: int | None = None
    ticks: frozenset[int] | None = None
    state: str | None = None  # to_verify, not_applicable, or None when scored

    @classmethod
    def read(cls, entry: Mapping) -> Mark:
        ticks = entry.get("ticks")
        return cls(
            level=entry.get("level"),
            ticks=frozenset(ticks) if ticks is not None else None,
            state=entry.get("state"),
        )


@dataclass(frozen=True)
class Agreement:
    """Two scorings of one SOP (or several SOPs pooled) compared."""

    pairs: tuple[tuple[str, int, int], ...]  # requirement id, level of the first, of the second
    scored_by_one: tuple[str, ...]
    element_same: int
    element_total: int
    levels: tuple[int, ...] = (0, 1, 2, 3)

    @property
    def count(self) -> int:
        return len(self.pairs)

    @property
    def exact(self) -> float | None:
        return sum(1 for _rid, a, b in self.pairs if a == b) / self.count if self.pairs else None

    @property
    def kappa(self) -> float | None:
        return weighted_kappa([(a, b) for _rid, a, b in self.pairs], self.levels)

    @property
    def elements(self) -> float | None:
        return self.element_same / self.element_total if self.element_total else None

    def largest(self, n: int = 10) -> list[tuple[str, int, int]]:
        """The requirements they disagree on most, largest difference first."""
        return sorted((p for p in self.pairs if p[1] != p[2]), key=lambda p: (-abs(p[1] - p[2]), p[0]))[:n]

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            self.pairs + other.pairs,
            self.scored_by_one + other.scored_by_one,
            self.element_same + other.element_same,
            self.element_total + other.element_total,
            self.levels,
        )


def compare(requirements: Iterable[Requirement], first: Mapping[str, Mark], second: Mapping[str, Mark]) -> Agreement:
    """Compare two scorings over ``requirements`` (those neither scored are left out)."""
    pairs, by_one, ticked = [], [], []
    for req in requirements:
        a, b = first.get(req.id), second.get(req.id)
        a_level = a.level if a and a.state is None else None
        b_level = b.level if b and b.state is None else None
        if a_level is not None and b_level is not None:
            pairs.append((req.id, a_level, b_level))
            if a.ticks is not None and b.ticks is not None and req.elements:
                ticked.append(TickPair(req, a.ticks, b.ticks))
        elif (a_level is None) != (b_level is None):
            by_one.append(req.id)
    elements = element_agreement(ticked)  # counted as calibration counts the unit against the expert
    return Agreement(tuple(pairs), tuple(by_one), elements.same, elements.elements)
