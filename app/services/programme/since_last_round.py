"""What changed since the last round, for each card of a follow-up assessment.

For every requirement: the score that counted in the previous round (agreed with the
expert where agreed) and the unit's own score then when it differs; the SOPs the previous
answer cited whose register entry has a later version than the one assessed; and the action
that was meant to close the gap, with its status and due date now (from its carried copy;
"dropped" when the follow-up's plan no longer has it). Loaded for all cards at once, in a
fixed number of queries, whatever the number of requirements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.checklist import Checklist
from app.domain.lineage import Lineage
from app.domain.progress import ActionState, PlannedStep, action_state
from app.domain.scoring import Answer
from app.extensions import db
from app.models import Assessment, ChecklistRequirement, Citation, PlannedAction, Response, Round
from app.services.assessment.assessments import ScoreSheet, effective_answer
from app.services.content.checklists import checklist_of
from app.services.programme.follow_up import is_follow_up


@dataclass(frozen=True)
class EarlierAnswer:
    """The previous round's answer to one (earlier) requirement."""

    requirement_id: str
    #: What counted: the agreed score where one was agreed, else the unit's own.
    counted: Answer
    #: The expert scored it and the previous assessment was finalised after the agreement: what counted was agreed.
    agreed: bool
    #: The unit's own score then, when it differs from what counted (else None).
    own: Answer | None


@dataclass(frozen=True)
class ChangedSop:
    """A document the previous answer cited, assessed at one version and at a later one in the register now."""

    code: str
    title: str
    assessed: str
    now: str


@dataclass(frozen=True)
class EarlierAction:
    """The action of the previous plan that was meant to close the gap, as it stands now."""

    title: str
    status: str
    due_on: dt.date | None
    #: The follow-up's plan no longer has it (deleted there).
    dropped: bool

    def overdue(self, today: dt.date) -> bool:
        """Past its due date and not done (a dropped action is no longer due): the progress report's rule."""
        step = PlannedStep(None, self.title, "", self.due_on, self.status, carried=not self.dropped)
        return action_state(step, today) is ActionState.OVERDUE


@dataclass(frozen=True)
class SinceCard:
    """What the card's "Since the last round" panel shows."""

    earlier: tuple[EarlierAnswer, ...]
    changed_sops: tuple[ChangedSop, ...]
    actions: tuple[EarlierAction, ...]


@dataclass
class SinceLastRound:
    """The previous round's answers, cited documents and actions, by requirement of the follow-up."""

    previous: Assessment
    round: Round | None
    checklist: Checklist
    cards: dict[str, SinceCard] = field(default_factory=dict)
    today: dt.date = field(default_factory=dt.date.today)

    def of(self, requirement_id: str) -> SinceCard | None:
        return self.cards.get(requirement_id)


def _earlier_ids(sheet: ScoreSheet, lineage: Lineage | None, same_version: bool) -> dict[str, tuple[str, ...]]:
    """The previous requirement(s) each requirement of the follow-up answers to."""
    ids = [r.id for r in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus)]
    if same_version or lineage is None:
        return {rid: (rid,) for rid in ids}
    return {rid: tuple(lineage.carries[rid].earlier) if rid in lineage.carries else () for rid in ids}


def _changed(citations: list[Citation]) -> list[ChangedSop]:
    found = []
    for citation in citations:
        sop = citation.sop
        if sop is None or citation.frozen_version is None or sop.version == citation.frozen_version:
            continue
        found.append(ChangedSop(sop.code, sop.title, citation.frozen_version, sop.version))
    return found


def since_last_round(sheet: ScoreSheet, lineage: Lineage | None = None) -> SinceLastRound | None:
    """The panel's data for every card of ``sheet``'s assessment; None unless it is a follow-up.

    ``lineage``: between the previous assessment's checklist version and this one's, when
    they differ (the scoring page has it for the carried answers already).
    """
    assessment = sheet.assessment
    if assessment.predecessor_id is None or not is_follow_up(assessment):
        return None
    previous = assessment.predecessor
    rows = db.session.execute(
        select(Response, ChecklistRequirement.code)
        .join(ChecklistRequirement, Response.requirement_id == ChecklistRequirement.id)
        .where(Response.assessment_id == previous.id)
        .options(
            selectinload(Response.review),
            selectinload(Response.reported),
            selectinload(Response.citations).selectinload(Citation.sop),
        )
    )
    earlier = {code: response for response, code in rows}
    actions = db.session.scalars(
        select(PlannedAction)
        .where(PlannedAction.assessment_id == previous.id)
        .options(selectinload(PlannedAction.gaps))
        .order_by(PlannedAction.id)
    )
    carried = {a.carried_from_id: a for a in sheet.actions if a.carried_from_id is not None}
    action_of: dict[int, EarlierAction] = {}
    for action in actions:
        now = carried.get(action.id)
        shown = EarlierAction(action.title, (now or action).status, (now or action).due_on, now is None)
        for gap in action.gaps:
            action_of[gap.id] = shown
    panel = SinceLastRound(previous, previous.round, checklist_of(previous.checklist_version))
    # Finalised after an agreed review: what counted on a card the expert scored is what was agreed.
    reviewed = bool(previous.reviewed)
    same_version = previous.checklist_version_id == assessment.checklist_version_id
    for rid, sources in _earlier_ids(sheet, lineage, same_version).items():
        answers, sops, planned = [], [], []
        for source_id in sources:
            response = earlier.get(source_id)
            if response is None:
                continue
            counted = effective_answer(response)
            own = response.answer
            agreed = reviewed and response.review is not None and response.review.reviewed
            answers.append(EarlierAnswer(source_id, counted, agreed, None if own == counted else own))
            sops += [s for s in _changed(response.citations) if s not in sops]
            if response.id in action_of and action_of[response.id] not in planned:
                planned.append(action_of[response.id])
        panel.cards[rid] = SinceCard(tuple(answers), tuple(sops), tuple(planned))
    return panel
