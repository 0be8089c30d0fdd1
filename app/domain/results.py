"""An assessment's results: section summaries, the overall summary, states and ranked gaps."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from app.domain.checklist import Checklist, Focus, Section
from app.domain.ranking import Gap, rank_gaps
from app.domain.scoring import NOT_ASSESSED, Answer, Scope, State, Summary, state_of, summarise


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
    states: Mapping[str, State]

    @property
    def major_gaps(self) -> tuple[Gap, ...]:
        """The major gaps, highest priority first."""
        return tuple(g for g in self.gaps if g.major)

    @property
    def assessed_sections(self) -> tuple[SectionResult, ...]:
        """Sections with enough evidence to show a score for."""
        return tuple(r for r in self.sections if r.summary.sufficient)

    @property
    def strongest(self) -> SectionResult | None:
        """The best-scored section among those sufficiently assessed."""
        return max(self.assessed_sections, key=lambda r: r.summary.score, default=None)

    @property
    def weakest(self) -> SectionResult | None:
        """The worst-scored section among those sufficiently assessed; never one barely assessed."""
        return min(self.assessed_sections, key=lambda r: r.summary.score, default=None)

    def in_state(self, state: State) -> list[str]:
        """Ids of the requirements in ``state``, in checklist order."""
        return [rid for rid, s in self.states.items() if s is state]


def score_assessment(
    checklist: Checklist,
    modules: Iterable[str],
    answers: Mapping[str, Answer],
    scope: str = Scope.ONSITE,
    focus: str = Focus.FULL,
) -> AssessmentResult:
    """Section results, the overall summary, each requirement's state and ranked gaps.

    Only the requirements in scope count: the core and the chosen modules, and of those the
    essential ones alone when the focus is the essentials.
    """
    sections = checklist.sections_for(modules, focus)
    requirements = [r for s in sections for r in s.requirements]
    states = {r.id: state_of(r, answers.get(r.id, NOT_ASSESSED), scope) for r in requirements}
    scored = {rid: answers[rid] for rid, s in states.items() if s is State.SCORED}
    return AssessmentResult(
        overall=summarise(checklist, requirements, answers, scope),
        sections=tuple(SectionResult(s, summarise(checklist, s.requirements, answers, scope)) for s in sections),
        gaps=rank_gaps(checklist, requirements, scored),
        states=states,
    )
