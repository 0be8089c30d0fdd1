"""``flask assessments summary ID``: where an assessment stands, one ``name: value`` line each.

Others script against it: the names, their order and the form of the values are a contract
(no other text on stdout, nothing localised). Percentages are whole numbers with ``%``; an
overall below half the applicable requirements scored from evidence prints ``withheld``; a
percentage of nothing (every requirement marked N/A) prints ``n/a``.
"""

from __future__ import annotations

import click

from app.cli.assessments import assessment_by_id, group
from app.cli.output import echo
from app.services.assessment.assessments import score_sheet
from app.services.assessment.summary import AssessmentSummary, summary_of

#: What a withheld overall prints.
WITHHELD = "withheld"
#: What a share of nothing prints.
NOTHING = "n/a"


def _percent(share: float | None) -> str:
    return NOTHING if share is None else f"{round(share * 100)}%"


def _overall(score: float | None) -> str:
    return WITHHELD if score is None else _percent(score)


def summary_lines(summary: AssessmentSummary) -> list[tuple[str, str]]:
    """The (name, value) pairs the command prints, in their fixed order."""
    ready, found = summary.readiness, summary.finding_counts
    return [
        ("stage", summary.stage),
        ("scope", summary.scope),
        ("completeness", _percent(summary.overall.completeness)),
        ("evidence coverage", _percent(summary.overall.coverage)),
        ("overall", _overall(summary.overall_score)),
        ("self-assessed overall", _overall(summary.self_score)),
        ("agreed", str(summary.agreed)),
        ("unanswered in scope", str(len(ready.unanswered))),
        ("re-check left", str(len(ready.recheck))),
        ("gaps without action", str(len(ready.unplanned_gaps))),
        ("major", str(found["major_nc"])),
        ("minor", str(found["minor_nc"])),
        ("observations", str(found["observation"])),
        ("good practices", str(found["good_practice"])),
        *_in_scope(summary),
    ]


def _in_scope(summary: AssessmentSummary) -> list[tuple[str, str]]:
    """After the fixed lines: the focus ("essentials N of M" for a first assessment) and the scene types left out."""
    scope = summary.in_scope
    if scope is None:
        return []
    focus = f"essentials {scope.essentials} of {scope.total}" if scope.essentials_only else "full"
    return [("focus", focus), ("scene types left out", ", ".join(m.id for m in scope.left_out) or "none")]


@group.command("summary")
@click.argument("assessment_id", type=int)
def summary(assessment_id: int) -> None:
    """Where an assessment stands: one "name: value" line each (stage, scope, completeness, ... good practices)."""
    sheet = score_sheet(assessment_by_id(assessment_id))
    for name, value in summary_lines(summary_of(sheet)):
        echo(f"{name}: {value}")
