"""The stage panel on every assessment page: where the assessment stands, what the
current user may do next, and who may do what in this stage (from the access policy)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, url_for
from flask_login import current_user

from app.domain.workflow import STAGE_ORDER, Move, Stage
from app.models import User
from app.services.assessment.access import allowed_moves, stage_rules
from app.services.assessment.assessments import ScoreSheet
from app.services.assessment.workflow import refusal
from app.services.exchange.provenance import imported_from
from app.services.labels import ACTION, MOVE, ROLE, STAGE


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # done | current | todo


#: Moves that undo work: each asks first on a page of its own, and is never the primary button.
UNDOING = frozenset({Move.WITHDRAW, Move.RETURN, Move.REVISE_AGREEMENT, Move.REOPEN})


@dataclass(frozen=True)
class MoveButton:
    move: Move
    label: str
    url: str
    method: str  # post, or get for a confirmation page first
    blocked: str | None  # why it cannot be made yet (a precondition), or None
    primary: bool = True  # False for a move that undoes work


@dataclass(frozen=True)
class StagePanel:
    stage: Stage
    label: str
    steps: tuple[Step, ...]
    moves: tuple[MoveButton, ...]
    rules: tuple[tuple[str, str], ...]  # (what, who)

    @property
    def locked(self) -> bool:
        return self.stage is Stage.FINALISED


def stage_panel(sheet: ScoreSheet, user: User) -> StagePanel:
    """What the panel shows to ``user`` for this assessment."""
    assessment = sheet.assessment
    stage = Stage(assessment.stage)
    current = STAGE_ORDER.index(stage)
    steps = tuple(
        Step(str(STAGE[s]), "done" if i < current else ("current" if i == current else "todo"))
        for i, s in enumerate(STAGE_ORDER)
    )
    buttons = []
    for move in allowed_moves(user, assessment):
        confirm = move is Move.FINALISE
        endpoint = "assessments.confirm_finalise" if confirm else "assessments.change_stage"
        url = url_for(endpoint, assessment_id=assessment.id, **({} if confirm else {"move_name": move.value}))
        if move in UNDOING:
            url = url_for("assessments.confirm_move", assessment_id=assessment.id, move_name=move.value)
        label = MOVE[move]
        if move is Move.FINALISE and stage is Stage.SELF_ASSESSMENT:
            label = ACTION["finalise_internal"]
        method = "get" if confirm or move in UNDOING else "post"
        buttons.append(
            MoveButton(move, str(label), url, method, refusal(sheet, move, user), primary=move not in UNDOING)
        )
    rules = tuple(
        (str(ACTION[action]), ", ".join(str(ROLE[r]) for r in roles))
        for action, roles in stage_rules(stage, assessment)
    )
    return StagePanel(stage, str(STAGE[stage]), steps, tuple(buttons), rules)


def render_assessment_page(template: str, sheet: ScoreSheet, **context) -> str:
    """An assessment page: the template with the sheet, its assessment, the stage panel and, for an
    imported copy, where it came from and the review its package reported."""
    return render_template(
        template,
        sheet=sheet,
        assessment=sheet.assessment,
        panel=stage_panel(sheet, current_user),
        imported=imported_from(sheet.assessment, sheet),
        **context,
    )
