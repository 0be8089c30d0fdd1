"""Which gaps to close first: a priority that means something, and honest ties.

Priority = weight (criticality) x shortfall (1 - score) x consequence factor x remedy
leverage. The consequence factor puts people's safety first, then the integrity and
continuity of evidence, contamination, admissibility and general quality. Leverage rises
by a tenth for every other gap the same remedy closes (at most by half), because money
spent on one remedy that closes ten gaps goes further.

Gaps of equal priority are ordered by consequence, then by how many gaps their remedy
closes. Gaps still equal after that are tied and share a rank: the ranking never falls
back on where a requirement happens to sit in the checklist.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from app.domain.checklist import Checklist, Requirement
from app.domain.scoring import Answer, is_major_gap, requirement_score

#: Most serious first: the order ties are broken in.
CONSEQUENCE_ORDER = ("safety", "integrity", "contamination", "admissibility", "quality")
CONSEQUENCE_FACTOR = {"safety": 1.3, "integrity": 1.25, "contamination": 1.2, "admissibility": 1.1, "quality": 1.0}
LEVERAGE_STEP = 0.1
LEVERAGE_MAX = 1.5


@dataclass(frozen=True)
class Gap:
    """A requirement scored below full, with its priority and rank."""

    requirement: Requirement
    value: int
    score: float
    weight: float
    priority: float
    major: bool
    remedy_gaps: int = 1  # gaps the requirement's remedy closes, this one included
    rank: int = 0
    tied: bool = False  # another gap shares this rank

    @property
    def own_priority(self) -> float:
        """The priority without remedy leverage: what closing this gap alone is worth."""
        return self.priority / leverage(self.remedy_gaps)


def leverage(remedy_gaps: int) -> float:
    """How much closing several gaps with one remedy raises each gap's priority."""
    return min(1 + LEVERAGE_STEP * (remedy_gaps - 1), LEVERAGE_MAX)


def gap_priority(weight: float, score: float, consequence: str, remedy_gaps: int = 1) -> float:
    """Weight x shortfall x consequence factor x remedy leverage."""
    return weight * (1 - score) * CONSEQUENCE_FACTOR.get(consequence, 1.0) * leverage(remedy_gaps)


def _order_key(gap: Gap) -> tuple:
    return (-round(gap.priority, 9), CONSEQUENCE_ORDER.index(gap.requirement.consequence), -gap.remedy_gaps)


def rank_gaps(
    checklist: Checklist, requirements: Iterable[Requirement], answers: Mapping[str, Answer]
) -> tuple[Gap, ...]:
    """Gaps among the scored ``answers``, highest priority first, equal ones sharing a rank."""
    top = checklist.max_value
    below = [
        (req, answers[req.id].value)
        for req in requirements
        if req.id in answers and answers[req.id].value is not None and answers[req.id].value < top
    ]
    per_remedy = Counter(req.remedy for req, _ in below if req.remedy)
    gaps = []
    for req, value in below:
        score = requirement_score(value, top)
        weight = checklist.weight(req)
        closes = per_remedy[req.remedy] if req.remedy else 1
        gaps.append(
            Gap(
                requirement=req,
                value=value,
                score=score,
                weight=weight,
                priority=gap_priority(weight, score, req.consequence, closes),
                major=is_major_gap(req, value),
                remedy_gaps=closes,
            )
        )
    # Within a tie the id only fixes the listing order; the shared rank says they are equal.
    gaps.sort(key=lambda g: (_order_key(g), g.requirement.id))
    return _ranked(gaps, _order_key)


def _ranked(items: list, key) -> tuple:
    """Items (sorted by ``key``) with competition ranks: equal keys share a rank (1, 2, 2, 4)."""
    counts = Counter(key(item) for item in items)
    ranked, rank, previous = [], 0, None
    for index, item in enumerate(items, start=1):
        value = key(item)
        if value != previous:
            rank, previous = index, value
        ranked.append(replace(item, rank=rank, tied=counts[value] > 1))
    return tuple(ranked)


@dataclass(frozen=True)
class RankedAction:
    """An action of the plan with the current gaps it closes, ranked among the others."""

    key: object  # the caller's handle on the action
    gaps: tuple[Gap, ...]
    priority: float  # the sum of its gaps' own priorities: one remedy closing many gaps weighs more
    major: int  # major gaps among them
    rank: int = 0
    tied: bool = False

    @property
    def band(self) -> str:
        """high when it closes a major gap or carries a large share of the work, medium, or low."""
        if self.major or self.priority >= 6:
            return "high"
        if self.priority >= 2:
            return "medium"
        return "low"


def _action_key(action: RankedAction) -> tuple:
    # Major gaps first, as accreditation bodies clear major nonconformities before anything else.
    return (-action.major, -round(action.priority, 9), -len(action.gaps))


def rank_actions(groups: Iterable[tuple[object, Iterable[Gap]]]) -> tuple[RankedAction, ...]:
    """Actions closing the most major gaps first, then by the priority of all the gaps they close; equal ones share a rank."""
    actions = []
    for key, gaps in groups:
        gaps = tuple(sorted(gaps, key=lambda g: (g.rank, g.requirement.id)))
        # Own priorities, without leverage: the sum already counts every gap the action closes.
        actions.append(RankedAction(key, gaps, sum(g.own_priority for g in gaps), sum(g.major for g in gaps)))
    actions.sort(key=_action_key)
    return _ranked(actions, _action_key)
