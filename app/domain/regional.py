"""The regional findings of a round, across its units: pure figures, no database, no Flask.

In: for each unit of the round its counted scores (agreed where agreed) and its calibration,
or nothing when it has no assessment. Out: the heat map of sections by units with a regional
median for each section, each unit's distance from it, the regional strengths and weaknesses,
the gaps several units share, and the calibration across units. Which regional actions apply
is in :mod:`app.domain.regional_actions`.

The named and the anonymised form follow the same rules with different sizes (:class:`Rules`):

- a figure about a group of units (a median, how many units share a gap, a pooled
  calibration) rests on at least ``min_group`` units, else it is suppressed: never a figure
  of fewer units;
- a figure of one unit (a heat map cell, its distance from the median, its calibration) is
  shown only while at least ``min_assessed`` units have an assessment: in the anonymised
  form a letter then hides its unit among at least that many. A cell is one unit's figure,
  not a group's: with the letters unlinkable it says nothing about any named unit. But a
  section only one or two units have a figure in (a module few units take) would show which
  letters took it, and a remit is often public: in the anonymised form such a section's
  cells are suppressed with its median, the section itself becoming the small group.

A figure under half evidence coverage is withheld in both forms, and never enters a median.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from app.domain.calibration import Calibration
from app.domain.checklist import Requirement, Section
from app.domain.results import AssessmentResult
from app.domain.scoring import State, Summary

#: A unit scores a section "high" from here (the good band of the reports) and "low" below LOW.
HIGH = 0.8
LOW = 0.5
#: In the named form, a group figure needs two units: one unit is no region.
NAMED_GROUP = 2


@dataclass(frozen=True)
class Rules:
    """How many units a figure must rest on before it is shown."""

    min_group: int
    min_assessed: int = 1


NAMED = Rules(min_group=NAMED_GROUP)


def anonymised_rules(smallest_group: int) -> Rules:
    """The anonymised form: no group figure of fewer than ``smallest_group`` units, no single unit among fewer."""
    return Rules(min_group=smallest_group, min_assessed=smallest_group)


@dataclass(frozen=True)
class UnitEntry:
    """One unit of the round: its counted results and calibration, or None without an assessment."""

    key: int
    result: AssessmentResult | None
    calibration: Calibration | None = None
    finalised: bool = False

    @property
    def assessed(self) -> bool:
        return self.result is not None


class CellState(StrEnum):
    """What a heat map cell shows."""

    SCORED = "scored"
    WITHHELD = "withheld"  # under half the applicable requirements scored from evidence
    NOT_APPLICABLE = "not_applicable"  # every requirement of the section marked N/A
    OUT_OF_SCOPE = "out_of_scope"  # the section's module was not chosen
    NO_ASSESSMENT = "no_assessment"
    HIDDEN = "hidden"  # anonymised, and too few units assessed for a letter to hide its unit


@dataclass(frozen=True)
class Cell:
    """One unit's figure for one section (or overall)."""

    state: CellState
    score: float | None = None
    coverage: float | None = None
    provisional: bool = False  # from an assessment not finalised yet

    @property
    def shown(self) -> float | None:
        return self.score if self.state is CellState.SCORED else None


@dataclass(frozen=True)
class GroupFigure:
    """A figure about several units: None with ``suppressed`` when fewer than the form allows stand behind it."""

    value: float | None
    count: int  # units with a shown figure it rests on
    suppressed: bool = False
    #: The evidence coverage of the figures it rests on, lowest and highest.
    coverage: tuple[float, float] | None = None


@dataclass(frozen=True)
class Row:
    """A section (or the overall, ``section`` None) across the units, with its regional median."""

    section: Section | None
    cells: tuple[Cell, ...]
    median: GroupFigure
    high: int  # units scoring HIGH or more
    low: int  # units scoring under LOW
    #: Its cells are not shown: too few units assessed, or (anonymised) too few with a figure in it.
    suppressed: bool = False

    @property
    def shown(self) -> int:
        return self.median.count

    @property
    def key(self) -> str:
        return self.section.id if self.section is not None else ""


@dataclass(frozen=True)
class HeatMap:
    """Sections by units, the overall row below, in the order of ``keys``."""

    keys: tuple[int, ...]
    rows: tuple[Row, ...]
    overall: Row
    hidden: bool  # single units' figures suppressed (anonymised, too few units assessed)
    assessed: int


def section_order(results: Iterable[AssessmentResult]) -> list[Section]:
    """The sections any of ``results`` covers, in checklist order (give the newest checklist first: its sections win)."""
    seen: dict[str, Section] = {}
    for result in results:
        for row in result.sections:
            seen.setdefault(row.section.id, row.section)
    return sorted(seen.values(), key=lambda s: s.position)


def _cell(entry: UnitEntry, summary: Summary | None) -> Cell:
    if entry.result is None:
        return Cell(CellState.NO_ASSESSMENT)
    provisional = not entry.finalised
    if summary is None:
        return Cell(CellState.OUT_OF_SCOPE, provisional=provisional)
    if summary.coverage is None:
        return Cell(CellState.NOT_APPLICABLE, provisional=provisional)
    if not summary.sufficient:
        return Cell(CellState.WITHHELD, coverage=summary.coverage, provisional=provisional)
    return Cell(CellState.SCORED, summary.score, summary.coverage, provisional)


def group_median(cells: Sequence[Cell], rules: Rules) -> GroupFigure:
    """The median of the shown figures among ``cells``; suppressed when fewer than ``rules.min_group`` units have one."""
    shown = [c for c in cells if c.state is CellState.SCORED]
    if not shown:
        return GroupFigure(None, 0)
    if len(shown) < rules.min_group:
        return GroupFigure(None, len(shown), suppressed=True)
    coverages = [c.coverage for c in shown]
    return GroupFigure(statistics.median(c.score for c in shown), len(shown), coverage=(min(coverages), max(coverages)))


def _row(section: Section | None, cells: list[Cell], rules: Rules, hidden: bool) -> Row:
    median = group_median(cells, rules)
    scores = [c.score for c in cells if c.state is CellState.SCORED]
    high = sum(1 for s in scores if s >= HIGH)
    low = sum(1 for s in scores if s < LOW)
    # The named form (min_assessed 1) shows every cell; the anonymised one none of a small group's.
    suppressed = hidden or (rules.min_assessed > 1 and len(scores) < rules.min_assessed)
    if suppressed:
        cells = [Cell(CellState.HIDDEN) for _ in cells]
    return Row(section, tuple(cells), median, high, low, suppressed)


def heat_map(entries: Sequence[UnitEntry], sections: Sequence[Section], rules: Rules) -> HeatMap:
    """Each section's cell for each unit (columns in the order of ``entries``), and the overall row."""
    assessed = sum(1 for e in entries if e.assessed)
    hidden = assessed < rules.min_assessed
    by_unit = [{r.section.id: r.summary for r in e.result.sections} if e.result is not None else {} for e in entries]
    rows = tuple(
        _row(
            section,
            [_cell(e, summaries.get(section.id)) for e, summaries in zip(entries, by_unit, strict=True)],
            rules,
            hidden,
        )
        for section in sections
    )
    overall = _row(None, [_cell(e, e.result.overall if e.result else None) for e in entries], rules, hidden)
    return HeatMap(tuple(e.key for e in entries), rows, overall, hidden, assessed)


def strengths(heat: HeatMap, rules: Rules) -> list[Row]:
    """Sections where most units with a figure score high (and at least ``min_group`` do), most first."""
    found = [r for r in heat.rows if r.high >= rules.min_group and 2 * r.high > r.shown]
    return sorted(found, key=lambda r: (-r.high, -(r.median.value or 0.0)))


def weaknesses(heat: HeatMap, rules: Rules) -> list[Row]:
    """Sections where most units with a figure score low (and at least ``min_group`` do), most first."""
    found = [r for r in heat.rows if r.low >= rules.min_group and 2 * r.low > r.shown]
    return sorted(found, key=lambda r: (-r.low, r.median.value if r.median.value is not None else 1.0))


def ranked_by_median(heat: HeatMap) -> list[Row]:
    """Sections with a regional median resting on at least half the assessed units, highest first.

    A median of the two units that take a scene-type module says little about where the region
    stands; the heat map still shows it.
    """
    regional = (r for r in heat.rows if r.median.value is not None and 2 * r.shown >= heat.assessed)
    return sorted(regional, key=lambda r: -r.median.value)


# --- each unit against the regional median ------------------------------------------------


@dataclass(frozen=True)
class Position:
    """One unit's distance from the regional median (score minus median), overall and per section."""

    key: int
    overall: float | None
    sections: dict[str, float | None]

    @property
    def above(self) -> int:
        return sum(1 for d in self.sections.values() if d is not None and d > 0)

    @property
    def below(self) -> int:
        return sum(1 for d in self.sections.values() if d is not None and d < 0)

    def furthest(self, sign: int) -> str | None:
        """The section furthest above (``sign`` 1) or below (-1) the median, if any."""
        found = [(d * sign, sid) for sid, d in self.sections.items() if d is not None and d * sign > 0]
        return max(found)[1] if found else None


def _distance(cell: Cell, median: GroupFigure) -> float | None:
    if cell.state is not CellState.SCORED or median.value is None:
        return None
    return cell.score - median.value


def positions(heat: HeatMap) -> list[Position]:
    """Each unit's position against the median, in column order (all None where its figures are hidden)."""
    return [
        Position(
            key,
            _distance(heat.overall.cells[i], heat.overall.median),
            {row.key: _distance(row.cells[i], row.median) for row in heat.rows},
        )
        for i, key in enumerate(heat.keys)
    ]


# --- gaps several units share ---------------------------------------------------------------


@dataclass(frozen=True)
class SharedGap:
    """A requirement that is a gap in several units."""

    requirement: Requirement
    units: tuple[int, ...]  # keys of the units where it is a gap
    major: tuple[int, ...]  # of those, where it is a major gap
    scored_in: int  # units that scored it from evidence
    #: The sum of its priority in each unit (without the unit's own remedy leverage).
    priority: float


def shared_gaps(entries: Sequence[UnitEntry], rules: Rules) -> list[SharedGap]:
    """Requirements that are gaps in at least ``rules.min_group`` units, highest regional priority first."""
    requirement: dict[str, Requirement] = {}
    units: dict[str, list[int]] = {}
    major: dict[str, list[int]] = {}
    priority: dict[str, float] = {}
    scored: dict[str, int] = {}
    for entry in entries:
        if entry.result is None:
            continue
        for rid, state in entry.result.states.items():
            if state is State.SCORED:
                scored[rid] = scored.get(rid, 0) + 1
        for gap in entry.result.gaps:
            rid = gap.requirement.id
            requirement.setdefault(rid, gap.requirement)
            units.setdefault(rid, []).append(entry.key)
            if gap.major:
                major.setdefault(rid, []).append(entry.key)
            priority[rid] = priority.get(rid, 0.0) + gap.own_priority
    found = [
        SharedGap(requirement[rid], tuple(keys), tuple(major.get(rid, ())), scored[rid], priority[rid])
        for rid, keys in units.items()
        if len(keys) >= rules.min_group
    ]
    return sorted(found, key=lambda g: (-round(g.priority, 9), -len(g.units), g.requirement.id))


# --- calibration across units -----------------------------------------------------------------


@dataclass(frozen=True)
class Bias:
    """Mean self minus expert score, in scale levels, over pairs from ``units`` units; None when suppressed or none."""

    mean: float | None
    pairs: int
    units: int
    suppressed: bool = False

    @property
    def direction(self) -> str | None:
        """high (self-assessments above the expert's), low, level; None without a figure."""
        if self.mean is None:
            return None
        return "high" if self.mean > 0 else "low" if self.mean < 0 else "level"


def _bias(differences: list[int], units: int, min_units: int) -> Bias:
    if not differences:
        return Bias(None, 0, units)
    if units < min_units:
        return Bias(None, len(differences), units, suppressed=True)
    return Bias(sum(differences) / len(differences), len(differences), units)


@dataclass(frozen=True)
class RegionalCalibration:
    """Where self-assessments ran high or low: over all pairs, per unit, and per section across units."""

    overall: Bias
    units: dict[int, Bias]
    sections: tuple[tuple[Section, Bias], ...]

    @property
    def reviewed_units(self) -> int:
        return self.overall.units


def calibration_across(
    entries: Sequence[UnitEntry], sections: Sequence[Section], rules: Rules, *, hidden: bool = False
) -> RegionalCalibration:
    """Pool the pairs of self and expert scores of every unit (``hidden``: single units' figures suppressed)."""
    everything: list[int] = []
    contributors: set[int] = set()
    per_section: dict[str, list[tuple[int, int]]] = {}
    units: dict[int, Bias] = {}
    for entry in entries:
        pairs = entry.calibration.pairs if entry.calibration is not None else ()
        differences = [p.difference for p in pairs]
        units[entry.key] = Bias(None, len(differences), 1, suppressed=True) if hidden else _bias(differences, 1, 1)
        if pairs:
            contributors.add(entry.key)
        everything.extend(differences)
        for pair in pairs:
            per_section.setdefault(pair.requirement.section_id, []).append((entry.key, pair.difference))
    by_section = tuple(
        (
            section,
            _bias(
                [d for _, d in per_section[section.id]], len({k for k, _ in per_section[section.id]}), rules.min_group
            ),
        )
        for section in sections
        if section.id in per_section
    )
    return RegionalCalibration(_bias(everything, len(contributors), rules.min_group), units, by_section)
