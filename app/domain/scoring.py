"""Scoring an assessment, exactly as the domain brief sets it out.

- requirement score = value / max value of the scale;
- section and overall score = weighted mean over applicable, assessed requirements,
  weights from criticality;
- completeness = assessed / applicable; unassessed requirements are counted, never zero;
- a gap is a requirement below full; priority = weight x (1 - score);
- a major gap is an essential requirement at value 0 or 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.checklist import Checklist, Requirement, Section

#: Values at or below this on an essential requirement make a major gap.
MAJOR_GAP_MAX_VALUE = 1


@dataclass(frozen=True)
class Answer:
    """What the assessor said about one requirement: a value, N/A, or nothing yet."""

    value: int | None = None
    not_applicable: bool = False

    @property
    def assessed(self) -> bool:
        """True once the requirement has a value or is marked N/A."""
        return self.not_applicable or self.value is not None


NOT_ASSESSED = Answer()


@dataclass(frozen=True)
class Summary:
    """Scores and counts for a set of requirements (a section, or the whole assessment)."""

    total: int
    not_applicable: int
    assessed: int
    score: float | None
    gaps: int
    major_gaps: int

    @property
    def applicable(self) -> int:
        """Requirements that count: all but those marked N/A."""
        return self.total - self.not_applicable

    @property
    def unassessed(self) -> int:
        """Applicable requirements without a value yet."""
        return self.applicable - self.assessed

    @property
    def completeness(self) -> float | None:
        """Assessed share of the applicable requirements; None when nothing applies."""
        return self.assessed / self.applicable if self.applicable else None

    @property
    def answered(self) -> int:
        """Requirements with a value or N/A: what progress bars show."""
        return self.assessed + self.not_applicable


@dataclass(frozen=True)
class Gap:
    """A requirement scored below full, with its priority."""

    requirement: Requirement
    value: int
    score: float
    weight: float
    priority: float
    major: bool


@dataclass(frozen=True)
class SectionResult:
    """A section with its summary."""

    section: Section
    summary: Summary


@dataclass(frozen=True)
class AssessmentResult:
    """Everything the results page and the report show about scores."""

    overall: Summary
    sections: tuple[SectionResult, ...]
    gaps: tuple[Gap, ...]

    @property
    def major_gaps(self) -> tuple[Gap, ...]:
        """The major gaps, highest priority first."""
        return tuple(g for g in self.gaps if g.major)


def requirement_score(value: int, max_value: int) -> float:
    """Share of the top of the scale a value reaches (0.0 to 1.0)."""
    return value / max_value


def is_major_gap(requirement: Requirement, value: int) -> bool:
    """An essential requirement at 0 or 1 is a major gap."""
    return requirement.criticality == "essential" and value <= MAJOR_GAP_MAX_VALUE


def summarise(checklist: Checklist, requirements: Iterable[Requirement], answers: Mapping[str, Answer]) -> Summary:
    """Counts and weighted score of ``requirements`` under ``answers``."""
    top = checklist.max_value
    total = not_applicable = assessed = gaps = major = 0
    weighted = weights = 0.0
    for req in requirements:
        total += 1
        answer = answers.get(req.id, NOT_ASSESSED)
        if answer.not_applicable:
            not_applicable += 1
            continue
        if answer.value is None:
            continue
        assessed += 1
        weight = checklist.weight(req)
        weighted += weight * requirement_score(answer.value, top)
        weights += weight
        if answer.value < top:
            gaps += 1
            major += is_major_gap(req, answer.value)
    score = weighted / weights if weights else None
    return Summary(
        total=total, not_applicable=not_applicable, assessed=assessed, score=score, gaps=gaps, major_gaps=major
    )


def rank_gaps(
    checklist: Checklist, requirements: Iterable[Requirement], answers: Mapping[str, Answer]
) -> tuple[Gap, ...]:
    """Gaps, highest priority first; ties go to major gaps, then checklist order."""
    top = checklist.max_value
    gaps = []
    for req in requirements:
        answer = answers.get(req.id, NOT_ASSESSED)
        if answer.not_applicable or answer.value is None or answer.value >= top:
            continue
        score = requirement_score(answer.value, top)
        weight = checklist.weight(req)
        gaps.append(
            Gap(
                requirement=req,
                value=answer.value,
                score=score,
                weight=weight,
                priority=weight * (1 - score),
                major=is_major_gap(req, answer.value),
            )
        )
    gaps.sort(key=lambda g: (-round(g.priority, 9), not g.major, -g.weight, g.requirement.position))
    return tuple(gaps)


def score_assessment(checklist: Checklist, modules: Iterable[str], answers: Mapping[str, Answer]) -> AssessmentResult:
    """Section results, the overall summary and ranked gaps for an assessment."""
    sections = checklist.sections_for(modules)
    results = tuple(SectionResult(s, summarise(checklist, s.requirements, answers)) for s in sections)
    requirements = [r for s in sections for r in s.requirements]
    return AssessmentResult(
        overall=summarise(checklist, requirements, answers),
        sections=results,
        gaps=rank_gaps(checklist, requirements, answers),
    )
