"""Progress of a unit from one round of a programme to the next: figures, gaps and actions.

What it decides, and why:

- **Figures per round**, overall and per section, each with its evidence coverage. A figure
  under half covered is *withheld*: it has no point on the trend and no change is computed
  from it (:func:`app.domain.scoring.enough_evidence`).
- **Gaps** are compared by requirement id between the previous round and this one:
  *closed*: a gap then, fully met now; *still open*: a gap in both (better or not);
  *new*: a gap now that was not one then (fully met, not scored, out of scope, or a
  requirement new in this checklist version); *not comparable*: scored in neither, or in
  one of the two only, and not a gap now. A gap marked **not applicable** now is not
  counted as closed: it left the scope, it was not fixed; it is listed as not comparable.
- **Actions** of the previous round's plan, as their copies in the later plan stand:
  *done* (marked done), *dropped* (not done and carried into no action of the later plan),
  *overdue* (carried, not done, due before the day the report is made: the later plan is
  live, so statuses and the date are both today's), *still open* (carried, not done, not
  yet due).
- **What to do next**: the overdue actions first (oldest due date first), then the gaps
  still open and the new major gaps in the order of the ranking
  (:mod:`app.domain.ranking`); a gap an overdue action already closes is not listed twice.
  It must fit the first page: at most three overdue actions and five gaps, the rest counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.checklist import Checklist
from app.domain.ranking import Gap
from app.domain.results import AssessmentResult
from app.domain.scoring import State, Summary

#: Gaps (still open, or new and major) and overdue actions listed under "what to do next" (page 1);
#: the rest are counted there and listed in the report's later sections.
NEXT_GAPS = 5
NEXT_OVERDUE = 3
DONE = "done"


@dataclass(frozen=True)
class RoundResult:
    """What one round's assessment found: the input of the comparison."""

    label: str
    checklist: Checklist
    overall: Summary
    #: Section summaries by section id, in checklist order.
    sections: Mapping[str, Summary]
    #: The state of each requirement in the assessment's scope.
    states: Mapping[str, State]
    #: The counted value of each scored requirement.
    values: Mapping[str, int]
    gaps: frozenset[str]
    major_gaps: frozenset[str]

    def section_title(self, section_id: str):
        return self.checklist.section(section_id).title


def round_result(label: str, checklist: Checklist, result: AssessmentResult) -> RoundResult:
    """The comparison's view of an assessment's scores (a scored requirement that is no gap is full)."""
    gap_values = {g.requirement.id: g.value for g in result.gaps}
    values = {
        rid: gap_values.get(rid, checklist.max_value) for rid, state in result.states.items() if state is State.SCORED
    }
    return RoundResult(
        label=label,
        checklist=checklist,
        overall=result.overall,
        sections={r.section.id: r.summary for r in result.sections},
        states=dict(result.states),
        values=values,
        gaps=frozenset(gap_values),
        major_gaps=frozenset(g.requirement.id for g in result.gaps if g.major),
    )


@dataclass(frozen=True)
class Figure:
    """One score of one round, with the evidence it rests on; ``shown`` is None where withheld."""

    score: float | None
    coverage: float | None
    assessed: int
    applicable: int
    sufficient: bool

    @property
    def shown(self) -> float | None:
        return self.score if self.sufficient else None

    @property
    def withheld(self) -> bool:
        """Not shown: too little evidence (or none at all)."""
        return not self.sufficient


def figure_of(summary: Summary | None) -> Figure | None:
    """A summary's figure; None where the round did not cover the section."""
    if summary is None:
        return None
    return Figure(summary.score, summary.coverage, summary.assessed, summary.applicable, summary.sufficient)


@dataclass(frozen=True)
class Trend:
    """A line of figures across the rounds, oldest first (None: not in that round's scope)."""

    key: str  # "overall" or a section id
    title: object
    figures: tuple[Figure | None, ...]

    @property
    def change(self) -> float | None:
        """Last round's figure minus the one before, where both are shown; else None."""
        if len(self.figures) < 2:
            return None
        before, now = self.figures[-2], self.figures[-1]
        if before is None or now is None or before.shown is None or now.shown is None:
            return None
        return now.shown - before.shown

    @property
    def withheld_rounds(self) -> tuple[int, ...]:
        """Positions of the rounds whose figure is withheld (covered, but under half scored)."""
        return tuple(i for i, f in enumerate(self.figures) if f is not None and f.withheld)


def trends(rounds: Sequence[RoundResult]) -> tuple[Trend, tuple[Trend, ...]]:
    """The overall trend and one per section (the latest round's order, then sections it no longer has)."""
    overall = Trend("overall", None, tuple(figure_of(r.overall) for r in rounds))
    order: list[str] = []
    for r in reversed(rounds):
        order += [sid for sid in r.sections if sid not in order]
    sections = []
    for sid in order:
        latest = next(r for r in reversed(rounds) if sid in r.sections)
        sections.append(Trend(sid, latest.section_title(sid), tuple(figure_of(r.sections.get(sid)) for r in rounds)))
    return overall, tuple(sections)


class Change(StrEnum):
    CLOSED = "closed"
    STILL_OPEN = "still_open"
    NEW = "new"
    NOT_COMPARABLE = "not_comparable"


#: Where a requirement was in a round when it has no state there.
NEW_IN_VERSION = "new_in_version"  # not in that round's checklist version (later one: "not in this version")
OUT_OF_SCOPE = "out_of_scope"  # in the version, but not in the assessment's modules or focus


@dataclass(frozen=True)
class RequirementChange:
    """One requirement between the previous round and this one."""

    requirement_id: str
    title: object
    change: Change
    #: The scored value, else the state (``not_applicable``, ``open``...), else NEW_IN_VERSION or OUT_OF_SCOPE.
    before: int | str
    after: int | str
    major_before: bool = False
    major_now: bool = False

    @property
    def direction(self) -> int | None:
        """1 a higher level now, -1 a lower one, 0 the same; None unless scored in both rounds."""
        if isinstance(self.before, int) and isinstance(self.after, int):
            return (self.after > self.before) - (self.after < self.before)
        return None


def _where(r: RoundResult, rid: str) -> int | str:
    if rid in r.values:
        return r.values[rid]
    if rid in r.states:
        return str(r.states[rid])
    try:
        r.checklist.requirement(rid)
    except KeyError:
        return NEW_IN_VERSION
    return OUT_OF_SCOPE


def _title(rid: str, *rounds: RoundResult):
    for r in rounds:
        try:
            return r.checklist.requirement(rid).title
        except KeyError:
            continue
    return rid


@dataclass(frozen=True)
class GapChanges:
    closed: tuple[RequirementChange, ...]
    still_open: tuple[RequirementChange, ...]
    new: tuple[RequirementChange, ...]
    not_comparable: tuple[RequirementChange, ...]

    @property
    def new_major(self) -> tuple[RequirementChange, ...]:
        return tuple(c for c in self.new if c.major_now)

    @property
    def still_open_moves(self) -> tuple[int, int, int]:
        """Gaps still open at a higher level, at the same level, at a lower level."""
        moves = [c.direction for c in self.still_open]
        return moves.count(1), moves.count(0), moves.count(-1)


def compare(before: RoundResult, now: RoundResult) -> GapChanges:
    """Gaps closed, still open and new, and the requirements not comparable, in this round's checklist order."""
    order = list(now.states) + [rid for rid in before.states if rid not in now.states]
    found: dict[Change, list[RequirementChange]] = {c: [] for c in Change}
    for rid in order:
        was_gap, is_gap = rid in before.gaps, rid in now.gaps
        if was_gap and is_gap:
            change = Change.STILL_OPEN
        elif was_gap and rid in now.values:
            change = Change.CLOSED
        elif is_gap:
            change = Change.NEW
        elif rid in before.values and rid in now.values:
            continue  # fully met in both rounds
        else:
            change = Change.NOT_COMPARABLE
        found[change].append(
            RequirementChange(
                rid,
                _title(rid, now, before),
                change,
                _where(before, rid),
                _where(now, rid),
                rid in before.major_gaps,
                rid in now.major_gaps,
            )
        )
    return GapChanges(*(tuple(found[c]) for c in Change))


class ActionState(StrEnum):
    DONE = "done"
    OVERDUE = "overdue"
    DROPPED = "dropped"
    STILL_OPEN = "still_open"


@dataclass(frozen=True)
class PlannedStep:
    """An action of the previous round's plan, with what became of it in the later plan."""

    key: object  # the caller's handle (the action's id)
    title: str
    owner: str
    due_on: dt.date | None
    status: str  # as it stands: its copy's status in the later plan where carried, else its own
    carried: bool  # some action of the later plan was carried from it
    gap_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActionOutcome:
    step: PlannedStep
    state: ActionState
    #: Its gaps that are gaps still in the later round.
    gaps_open: tuple[str, ...] = ()


def action_state(step: PlannedStep, on: dt.date) -> ActionState:
    """Done, dropped, overdue or still open, as of ``on`` (see the module's notes)."""
    if step.status == DONE:
        return ActionState.DONE
    if not step.carried:
        return ActionState.DROPPED
    if step.due_on is not None and step.due_on < on:
        return ActionState.OVERDUE
    return ActionState.STILL_OPEN


def action_outcomes(steps: Iterable[PlannedStep], now: RoundResult, on: dt.date) -> tuple[ActionOutcome, ...]:
    """Every action of the previous plan with its state: overdue first, then still open, dropped, done; by due date."""
    order = (ActionState.OVERDUE, ActionState.STILL_OPEN, ActionState.DROPPED, ActionState.DONE)
    outcomes = [
        ActionOutcome(step, action_state(step, on), tuple(g for g in step.gap_ids if g in now.gaps)) for step in steps
    ]
    far = dt.date.max
    return tuple(sorted(outcomes, key=lambda o: (order.index(o.state), o.step.due_on or far, str(o.step.title))))


@dataclass(frozen=True)
class NextStep:
    """One line of "what to do next": an overdue action, or a gap (still open, or new and major)."""

    action: ActionOutcome | None = None
    gap: Gap | None = None
    new: bool = False


@dataclass(frozen=True)
class NextSteps:
    """What to do next, short enough for the first page, and how much it leaves to the sections after."""

    items: tuple[NextStep, ...]
    more_overdue: int = 0
    more_gaps: int = 0
    more_new_major: int = 0  # of ``more_gaps``

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def next_steps(
    outcomes: Sequence[ActionOutcome],
    ranked: Sequence[Gap],
    changes: GapChanges,
    gaps: int = NEXT_GAPS,
    overdue: int = NEXT_OVERDUE,
) -> NextSteps:
    """The ``overdue`` most overdue actions, then the top ``gaps`` gaps still open or new and major, by priority.

    A gap an overdue action listed closes is not listed again; what does not fit is counted.
    """
    late = [o for o in outcomes if o.state is ActionState.OVERDUE]  # oldest due date first
    shown = late[:overdue]
    covered = {g for o in shown for g in o.gaps_open}
    still_open = {c.requirement_id for c in changes.still_open}
    new_major = {c.requirement_id for c in changes.new_major}
    wanted = [
        g
        for g in ranked
        if g.requirement.id not in covered and (g.requirement.id in still_open or g.requirement.id in new_major)
    ]
    items = [NextStep(action=o) for o in shown]
    items += [NextStep(gap=g, new=g.requirement.id in new_major) for g in wanted[:gaps]]
    return NextSteps(
        tuple(items),
        more_overdue=len(late) - len(shown),
        more_gaps=len(wanted[gaps:]),
        more_new_major=sum(1 for g in wanted[gaps:] if g.requirement.id in new_major),
    )


@dataclass(frozen=True)
class Progress:
    """A unit's progress over its rounds, the last compared with the one before."""

    rounds: tuple[RoundResult, ...]  # oldest first
    overall: Trend
    sections: tuple[Trend, ...]
    changes: GapChanges
    actions: tuple[ActionOutcome, ...]
    next: NextSteps
    on: dt.date

    @property
    def before(self) -> RoundResult:
        return self.rounds[-2]

    @property
    def now(self) -> RoundResult:
        return self.rounds[-1]

    def count(self, state: ActionState) -> int:
        return sum(1 for o in self.actions if o.state is state)


def progress(
    rounds: Sequence[RoundResult], steps: Iterable[PlannedStep], ranked: Sequence[Gap], on: dt.date
) -> Progress:
    """The progress over ``rounds`` (oldest first, at least two); ``steps``: the previous plan; ``ranked``: this round's gaps."""
    if len(rounds) < 2:
        raise ValueError("progress needs two rounds at least")
    overall, sections = trends(rounds)
    changes = compare(rounds[-2], rounds[-1])
    outcomes = action_outcomes(steps, rounds[-1], on)
    return Progress(tuple(rounds), overall, sections, changes, outcomes, next_steps(outcomes, ranked, changes), on)
