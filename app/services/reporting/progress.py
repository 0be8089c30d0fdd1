"""The progress report of a unit: its rounds, the latest compared with the one before (page and PDF).

An assessment's ``predecessor`` is either a follow-up's (the unit's assessment in an earlier
round) or an upgrade's (the same round, a later checklist version). Only the first is a step
of progress: the chain is walked back through upgrades to the assessment that stands for each
earlier round (the last one reached in it going back). What the comparison decides is in
:mod:`app.domain.progress`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.domain.jurisdictions import in_jurisdiction
from app.domain.progress import (
    NEW_IN_VERSION,
    OUT_OF_SCOPE,
    ActionState,
    PlannedStep,
    Progress,
    progress,
    round_result,
)
from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, PlannedAction
from app.models.base import utcnow
from app.services.assessment.assessments import ScoreSheet, score_sheet
from app.services.content.jurisdictions import profile_of
from app.services.formatting import date, in_report_language
from app.services.labels import STATE
from app.services.reporting import pdf_writing
from app.services.reporting.charts import TrendChart, trend_chart
from app.services.reporting.reports import (
    FONTS_DIR,
    PDF_VARIANT,
    _parsed_stylesheet,
    compact_blocks,
    report_stylesheet,
    static_only_fetcher,
)

#: What became of an action of the previous plan, as the report says it.
OUTCOME = {
    ActionState.DONE: _l("Done"),
    ActionState.OVERDUE: _l("Overdue"),
    ActionState.DROPPED: _l("Dropped"),
    ActionState.STILL_OPEN: _l("Still open"),
}


class NothingToCompare(Exception):
    """The assessment has no predecessor in an earlier round; the message says so."""


def nothing_to_compare(assessment: Assessment) -> str:
    """The sentence the page and the command give when there is no earlier round to compare with."""
    return _(
        "There is nothing to compare yet: assessment %(id)s has no predecessor in an earlier round. "
        "A progress report compares a unit's follow-up assessment with its assessment of the round before.",
        id=assessment.id,
    )


def _earlier_round(predecessor: Assessment, assessment: Assessment) -> bool:
    """A follow-up's predecessor (another round, or none before a round), not an upgrade's (the same round)."""
    return predecessor.round_id != assessment.round_id


def rounds_back(assessment: Assessment) -> list[list[Assessment]]:
    """The assessment's chain grouped by round, newest first; in each group the one standing for the round first."""
    groups = [[assessment]]
    seen = {assessment.id}
    current, earlier = assessment, assessment.predecessor
    # Only the unit's own assessments: the page is shown to whoever may see this unit.
    while earlier is not None and earlier.id not in seen and earlier.unit_id == assessment.unit_id:
        seen.add(earlier.id)
        if _earlier_round(earlier, current):
            groups.append([earlier])
        else:
            groups[-1].append(earlier)
        current, earlier = earlier, earlier.predecessor
    return groups


def baseline_of(assessment: Assessment) -> Assessment | None:
    """The assessment of the round before this one's (through same-round upgrades), or None."""
    groups = rounds_back(assessment)
    return groups[1][0] if len(groups) > 1 else None


def round_label(assessment: Assessment) -> str:
    """The round's label ("2026"), or the assessment date for one made outside any round."""
    return assessment.round.label if assessment.round is not None else assessment.assessed_on.isoformat()


def round_name(assessment: Assessment) -> str:
    """``round 2026``; ``the assessment of 3 Mar 2025`` for one made outside any round."""
    if assessment.round is not None:
        return _("round %(label)s", label=assessment.round.label)
    return _("the assessment of %(date)s", date=date(assessment.assessed_on))


@dataclass(frozen=True)
class RoundStep:
    """The assessment standing for one round, with its score sheet."""

    assessment: Assessment
    sheet: ScoreSheet

    @property
    def label(self) -> str:
        return round_label(self.assessment)

    @property
    def name(self) -> str:
        return round_name(self.assessment)

    @property
    def heading(self) -> str:
        """The name at the start of a line ("Round 2026")."""
        name = self.name
        return name[:1].upper() + name[1:]


@dataclass
class ProgressData:
    """Everything the progress page and PDF print."""

    assessment: Assessment
    steps: list[RoundStep]  # oldest first
    progress: Progress
    chart: TrendChart
    generated_at: dt.datetime = field(default_factory=utcnow)

    @property
    def unit(self):
        return self.assessment.unit

    @property
    def before(self) -> RoundStep:
        return self.steps[-2]

    @property
    def now(self) -> RoundStep:
        return self.steps[-1]

    @cached_property
    def programme(self):
        found = self.now.assessment.round or self.before.assessment.round
        return found.programme if found is not None else None

    @property
    def overall_before(self):
        return self.progress.overall.figures[-2]

    @property
    def overall_now(self):
        return self.progress.overall.figures[-1]

    @property
    def change_points(self) -> int | None:
        """The overall change in percentage points (rounded), where both overall figures are shown."""
        change = self.progress.overall.change
        return None if change is None else round(change * 100)

    @property
    def draft(self) -> bool:
        """This round's assessment is not finalised: its figures may still change."""
        return self.now.assessment.stage != Stage.FINALISED

    @staticmethod
    def outcome_label(state: ActionState) -> str:
        return str(OUTCOME[state])

    @cached_property
    def counts(self) -> dict[str, int]:
        """The summary's counts: gaps closed, still open, new (and new major), not comparable; actions by state."""
        c = self.progress.changes
        counts = {
            "closed": len(c.closed),
            "still_open": len(c.still_open),
            "new": len(c.new),
            "new_major": len(c.new_major),
            "not_comparable": len(c.not_comparable),
        }
        counts.update({f"actions_{state}": self.progress.count(state) for state in ActionState})
        counts["actions"] = len(self.progress.actions)
        return counts

    def current_action(self, requirement_id: str) -> PlannedAction | None:
        """The action of this round's plan that closes the requirement's gap, if any."""
        response = self.now.sheet.responses.get(requirement_id)
        return self.now.sheet.action_of.get(response.id) if response is not None else None

    def where(self, value) -> str:
        """A requirement's place in a round as printed: "2/3", a state, "new in this version", "not in scope"."""
        if isinstance(value, int):
            return f"{value}/{self.now.sheet.checklist.max_value}"
        if value == NEW_IN_VERSION:
            return _("not in that checklist version")
        if value == OUT_OF_SCOPE:
            return _("not in scope")
        label = str(STATE.get(value, value))
        return label[:1].lower() + label[1:]  # read mid-sentence: "was not evidenced, now 1/3"

    @cached_property
    def notes(self) -> list[str]:
        """What differs between the two rounds' assessments, so no change is read as more than it is."""
        a, b = self.before.assessment, self.now.assessment
        notes = []
        if a.checklist_version_id != b.checklist_version_id:
            notes.append(
                _(
                    "The rounds used different checklist versions (%(before)s, then %(now)s): requirements are "
                    "compared by their id, and a requirement that is new in the later version counts as a new gap "
                    "where it is one.",
                    before=a.checklist_version.version,
                    now=b.checklist_version.version,
                )
            )
        if sorted(a.modules) != sorted(b.modules):
            notes.append(
                _("The rounds covered different optional modules: the overall figures cover different ground.")
            )
        if a.focus != b.focus:
            notes.append(
                _("One round took the essential requirements only: the overall figures cover different ground.")
            )
        if a.scope != b.scope:
            notes.append(
                _(
                    "One round was a desk review and the other on site: a desk review cannot decide what only "
                    "records or practice show."
                )
            )
        return notes


def _later_actions(group: list[Assessment], current_sheet: ScoreSheet) -> list[PlannedAction]:
    """The actions of every assessment of the current round's group (its own from the sheet)."""
    others = [a.id for a in group[1:]]
    found = list(current_sheet.actions)
    if others:
        found += list(db.session.scalars(select(PlannedAction).where(PlannedAction.assessment_id.in_(others))))
    return found


def _planned_steps(before: ScoreSheet, later: list[PlannedAction], current: Assessment) -> list[PlannedStep]:
    """The previous plan's actions, each with the status of its latest copy and whether this round's plan holds it."""
    copies = {a.carried_from_id: a for a in later if a.carried_from_id is not None}
    code_of = {r.id: code for code, r in before.responses.items()}
    steps = []
    for action in before.actions:
        copy, seen = copies.get(action.id), set()
        while copy is not None and copy.id in copies and copy.id not in seen:  # carried on through an upgrade
            seen.add(copy.id)
            copy = copies[copy.id]
        carried = copy is not None and copy.assessment_id == current.id
        steps.append(
            PlannedStep(
                key=action.id,
                title=action.title,
                owner=action.owner,
                due_on=action.due_on,
                status=(copy or action).status,
                carried=carried,
                gap_ids=tuple(code_of[r.id] for r in action.gaps if r.id in code_of),
            )
        )
    return steps


def build_progress(assessment: Assessment, on: dt.date | None = None) -> ProgressData:
    """The unit's progress over every round of the chain, the latest against the one before.

    ``on``: the day overdue actions are counted at (today by default). Raises
    :class:`NothingToCompare` when there is no earlier round.
    """
    groups = rounds_back(assessment)
    if len(groups) < 2:
        raise NothingToCompare(nothing_to_compare(assessment))
    steps = [RoundStep(group[0], score_sheet(group[0])) for group in reversed(groups)]
    rounds = [round_result(step.label, step.sheet.checklist, step.sheet.result) for step in steps]
    planned = _planned_steps(steps[-2].sheet, _later_actions(groups[0], steps[-1].sheet), assessment)
    found = progress(rounds, planned, steps[-1].sheet.result.gaps, on or utcnow().date())
    return ProgressData(assessment, steps, found, _chart(found, [s.label for s in steps]))


def _chart(found: Progress, labels: list[str]) -> TrendChart:
    items = [(_("Overall"), _("Overall"), found.overall.figures, True)]
    items += [(str(t.title), str(t.title), t.figures, False) for t in found.sections]
    return trend_chart(labels, items)


def progress_stylesheet(fonts_url: str) -> str:
    """The gap report's print CSS with the progress report's own rules after it."""
    return report_stylesheet(fonts_url) + "\n" + render_template("reports/progress/progress.css")


def render_progress_html(data: ProgressData, *, stylesheet_url: str | None = None, pdf: bool = False) -> str:
    """The progress report as HTML: the page (with a stylesheet link) or the PDF's source."""
    return render_template("reports/progress/progress.html", p=data, stylesheet_url=stylesheet_url, pdf=pdf)


def render_progress_pdf(
    assessment: Assessment, *, locale: str = "en", on: dt.date | None = None, bilingual: bool = False
) -> bytes:
    """The progress report as PDF/A-3a bytes (tagged, archival; no record attached: it is a comparison).

    ``bilingual``: the checklist's texts and the headings with their English beside them.
    """
    from weasyprint import HTML

    with in_report_language(locale, bilingual=bilingual), in_jurisdiction(profile_of(assessment.unit)):
        data = build_progress(assessment, on)
        html = render_progress_html(data, pdf=True)
        css_text = progress_stylesheet(FONTS_DIR.as_uri())
    pdf_writing.install()  # pydyf without its repeated work (see the module)
    fonts, stylesheet = _parsed_stylesheet(css_text)
    document = HTML(string=compact_blocks(html), base_url=str(FONTS_DIR), url_fetcher=static_only_fetcher()).render(
        stylesheets=[stylesheet], font_config=fonts
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT)
