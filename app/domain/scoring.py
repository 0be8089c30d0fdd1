"""Scoring an assessment, as the domain brief sets it out, and never claiming more than the evidence.

- requirement score = value / max value of the scale;
- section and overall score = weighted mean over applicable requirements *scored from
  evidence*, weights from criticality;
- "not evidenced" (the document was not available) and "to verify on site" (a desk review
  cannot decide a requirement that only records or practice show) are answers, not zeros:
  they count towards completeness but not towards the score or the evidence coverage;
- completeness = requirements gone through / applicable; evidence coverage = scored /
  applicable; a section under half covered is "not assessed", whatever its score;
- a gap is a scored requirement below full; a major gap an essential one at 0 or 1;
- priority combines criticality, the level found, the forensic consequence at risk and
  how many gaps the same remedy closes; equal priorities share a rank
  (:mod:`app.domain.ranking`; :mod:`app.domain.results` puts it all together).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from app.domain.checklist import Checklist, Requirement

#: Values at or below this on an essential requirement make a major gap.
MAJOR_GAP_MAX_VALUE = 1
#: A section with less than this share of its applicable requirements scored is "not assessed".
SUFFICIENT_COVERAGE = 0.5


class Scope(StrEnum):
    """How the assessment was made: from documents alone, or on site."""

    DESK = "desk"
    ONSITE = "onsite"


class Basis(StrEnum):
    """What a score rests on."""

    SOP_TEXT = "sop_text"
    RECORDS = "records"
    INTERVIEW = "interview"
    OBSERVATION = "observation"


#: Bases that can decide a requirement only records or practice show.
SITE_BASES = frozenset({Basis.RECORDS, Basis.INTERVIEW, Basis.OBSERVATION})
#: How :attr:`Summary.by_basis` counts a score that never said what it rests on (an answer
#: carried over from a version that did not ask): never as SOP text.
BASIS_NOT_RECORDED = "not_recorded"


class State(StrEnum):
    """Where one requirement stands in an assessment."""

    OPEN = "open"  # nothing said yet
    NOT_APPLICABLE = "not_applicable"
    NOT_EVIDENCED = "not_evidenced"  # the document or record was not available
    TO_VERIFY = "to_verify"  # desk review: only records or practice can decide it
    SCORED = "scored"


@dataclass(frozen=True)
class Answer:
    """What was said about one requirement: a value (with its basis), N/A, not evidenced, or nothing."""

    value: int | None = None
    not_applicable: bool = False
    not_evidenced: bool = False
    basis: str | None = None

    @property
    def given(self) -> bool:
        """True once anything was said: a value, N/A or not evidenced."""
        return self.not_applicable or self.not_evidenced or self.value is not None


NOT_ASSESSED = Answer()


def state_of(requirement: Requirement, answer: Answer, scope: str = Scope.ONSITE) -> State:
    """The state of a requirement under an answer, in an assessment of ``scope``."""
    if answer.not_applicable:
        return State.NOT_APPLICABLE
    if answer.not_evidenced:
        return State.NOT_EVIDENCED
    decided_on_site = answer.value is not None and answer.basis in SITE_BASES
    if scope == Scope.DESK and requirement.needs_site_visit and not decided_on_site:
        return State.TO_VERIFY
    if answer.value is None:
        return State.OPEN
    return State.SCORED


@dataclass(frozen=True)
class Summary:
    """Scores and counts for a set of requirements (a section, or the whole assessment)."""

    total: int
    not_applicable: int
    assessed: int  # scored from evidence: what the score rests on
    score: float | None
    gaps: int
    major_gaps: int
    not_evidenced: int = 0
    to_verify: int = 0
    by_basis: tuple[tuple[str, int], ...] = ()

    @property
    def applicable(self) -> int:
        """Requirements that count: all but those marked N/A."""
        return self.total - self.not_applicable

    @property
    def unassessed(self) -> int:
        """Applicable requirements nobody has answered yet."""
        return self.applicable - self.assessed - self.not_evidenced - self.to_verify

    @property
    def completeness(self) -> float | None:
        """Share of the applicable requirements gone through (scored, not evidenced or to verify)."""
        return (self.applicable - self.unassessed) / self.applicable if self.applicable else None

    @property
    def coverage(self) -> float | None:
        """Evidence coverage: share of the applicable requirements scored from evidence."""
        return self.assessed / self.applicable if self.applicable else None

    @property
    def sufficient(self) -> bool:
        """At least half the applicable requirements scored: enough to show a score for."""
        return enough_evidence(self.coverage)

    @property
    def shown_score(self) -> float | None:
        """The score where it may be shown (sufficient coverage), else None ("not assessed")."""
        return self.score if self.sufficient else None

    @property
    def answered(self) -> int:
        """Requirements with any answer, N/A included: what progress bars show."""
        return self.total - self.unassessed

    def basis_count(self, basis: str) -> int:
        """How many scores rest on ``basis``."""
        return dict(self.by_basis).get(basis, 0)


def enough_evidence(coverage: float | None) -> bool:
    """True when an evidence coverage is high enough to show the score resting on it (half or more)."""
    return coverage is not None and coverage >= SUFFICIENT_COVERAGE


def shown_score(score: float | None, coverage: float | None) -> float | None:
    """A score where its evidence coverage allows showing it, else None: for figures kept apart from a Summary."""
    return score if enough_evidence(coverage) else None


def requirement_score(value: int, max_value: int) -> float:
    """Share of the top of the scale a value reaches (0.0 to 1.0)."""
    return value / max_value


def is_major_gap(requirement: Requirement, value: int) -> bool:
    """An essential requirement at 0 or 1 is a major gap."""
    return requirement.criticality == "essential" and value <= MAJOR_GAP_MAX_VALUE


def summarise(
    checklist: Checklist,
    requirements: Iterable[Requirement],
    answers: Mapping[str, Answer],
    scope: str = Scope.ONSITE,
) -> Summary:
    """Counts and weighted score of ``requirements`` under ``answers``."""
    top = checklist.max_value
    total = not_applicable = assessed = gaps = major = not_evidenced = to_verify = 0
    weighted = weights = 0.0
    bases: dict[str, int] = {}
    for req in requirements:
        total += 1
        answer = answers.get(req.id, NOT_ASSESSED)
        state = state_of(req, answer, scope)
        if state is State.NOT_APPLICABLE:
            not_applicable += 1
        elif state is State.NOT_EVIDENCED:
            not_evidenced += 1
        elif state is State.TO_VERIFY:
            to_verify += 1
        elif state is State.SCORED:
            assessed += 1
            key = answer.basis or BASIS_NOT_RECORDED
            bases[key] = bases.get(key, 0) + 1
            weight = checklist.weight(req)
            weighted += weight * requirement_score(answer.value, top)
            weights += weight
            if answer.value < top:
                gaps += 1
                major += is_major_gap(req, answer.value)
    return Summary(
        total=total,
        not_applicable=not_applicable,
        assessed=assessed,
        score=weighted / weights if weights else None,
        gaps=gaps,
        major_gaps=major,
        not_evidenced=not_evidenced,
        to_verify=to_verify,
        by_basis=tuple(sorted(bases.items())),
    )
