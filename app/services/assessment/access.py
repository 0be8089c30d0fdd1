"""Who may do what with a unit's data, and when: the one place that decides.

Two tables decide: what each role may do (:data:`ROLE_ACTIONS`) and in which stages of an
assessment each action is open (:data:`STAGE_ACTIONS`). Every view and every query that
touches unit data goes through :func:`may`, :func:`may_in` or :func:`visible_units_clause`;
pages show what the tables say (:func:`stage_rules`), and tests walk every route with
every role.
"""

from __future__ import annotations

from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, select, true

from app.domain.workflow import TRANSITIONS, Move, Stage
from app.extensions import db
from app.models import Assessment, AssessmentPart, IssuedReport, Programme, User, programme_members
from app.services.labels import ACTION, PART_DONE


class Action(StrEnum):
    """Things a user does with a unit's data."""

    VIEW = "view"  # see the unit, its assessments, results and reports
    CREATE = "create"  # start an assessment of the unit
    MANAGE_SOPS = "manage_sops"  # edit the unit's document register
    IMPORT = "import"  # bring an assessment package in
    EXPORT = "export"  # take the responses out as a file
    SCORE = "score"  # the unit's self-assessment: scores, basis, citations, notes
    REPLY = "reply"  # the unit answers the expert's comments
    REVIEW = "review"  # the expert's review: score, stance, comment, finding
    AGREE = "agree"  # the agreed score after the consultation
    DISSENT = "dissent"  # the unit head's note of dissent from an agreed score
    CONSULT = "consult"  # the consultation record
    PLAN = "plan"  # the action plan
    ISSUE = "issue"  # issue the report of a finalised assessment
    SET_SCOPE = "set_scope"  # change a draft's scope: a document review (desk) or on site
    WIDEN = "widen"  # widen a first assessment (essentials only) to the full checklist
    # Moves between stages
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    RETURN = "return"
    HOLD_CONSULTATION = "hold_consultation"
    CONFIRM_AGREEMENT = "confirm_agreement"
    REVISE_AGREEMENT = "revise_agreement"
    FINALISE_INTERNAL = "finalise_internal"  # a self-assessment finalised without external review
    FINALISE = "finalise"  # an agreed assessment finalised
    REOPEN = "reopen"


_ALL = frozenset(Action)
_UNIT_MOVES = {Action.SUBMIT, Action.WITHDRAW, Action.CONFIRM_AGREEMENT, Action.FINALISE_INTERNAL}
_EXPERT_MOVES = {Action.START_REVIEW, Action.RETURN, Action.HOLD_CONSULTATION}
_SHARED_MOVES = {Action.REVISE_AGREEMENT, Action.FINALISE, Action.REOPEN}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "admin": _ALL,
    "expert": frozenset(
        {
            Action.VIEW,
            Action.CREATE,
            Action.SET_SCOPE,
            Action.IMPORT,
            Action.EXPORT,
            Action.REVIEW,
            Action.AGREE,
            Action.CONSULT,
            Action.PLAN,
            Action.ISSUE,
            *_EXPERT_MOVES,
            *_SHARED_MOVES,
        }
    ),
    "unit_head": frozenset(
        {
            Action.VIEW,
            Action.CREATE,
            Action.SET_SCOPE,
            Action.WIDEN,
            Action.MANAGE_SOPS,
            Action.IMPORT,
            Action.EXPORT,
            Action.SCORE,
            Action.REPLY,
            Action.DISSENT,
            Action.PLAN,
            Action.ISSUE,
            *_UNIT_MOVES,
            *_SHARED_MOVES,
        }
    ),
    "assessor": frozenset({Action.VIEW, Action.EXPORT, Action.SCORE, Action.REPLY}),
    "viewer": frozenset({Action.VIEW}),
    # Reads the assessments of its programmes' units: it neither scores, reviews nor plans.
    "programme_staff": frozenset({Action.VIEW}),
}

_DISCUSSION = frozenset({Stage.IN_REVIEW, Stage.CONSULTATION_HELD})

#: The stages in which an action on an assessment is open; actions not listed are open in all.
STAGE_ACTIONS: dict[Action, frozenset[Stage]] = {
    Action.SCORE: frozenset({Stage.SELF_ASSESSMENT}),
    Action.REPLY: _DISCUSSION,
    Action.REVIEW: _DISCUSSION,
    Action.CONSULT: _DISCUSSION,
    Action.AGREE: frozenset({Stage.CONSULTATION_HELD}),
    Action.DISSENT: frozenset({Stage.CONSULTATION_HELD}),
    # The plan outlives finalisation (lowered scores open gaps to plan) until the report is
    # issued: see report_issued, which closes it then.
    Action.PLAN: frozenset(Stage),
    Action.ISSUE: frozenset({Stage.FINALISED}),
    Action.SET_SCOPE: frozenset({Stage.SELF_ASSESSMENT}),  # once submitted, the expert reviews what was asked
    Action.WIDEN: frozenset({Stage.SELF_ASSESSMENT}),  # the unit's own choice, before anyone reviews it
    Action.FINALISE_INTERNAL: frozenset({Stage.SELF_ASSESSMENT}),
    Action.FINALISE: frozenset({Stage.AGREED}),
    **{Action(move.value): transition.sources for move, transition in TRANSITIONS.items() if move is not Move.FINALISE},
}


def move_action(move: Move, stage: Stage) -> Action:
    """The action a move is, from ``stage``: finalising a self-assessment is an internal check."""
    if move is Move.FINALISE and stage is Stage.SELF_ASSESSMENT:
        return Action.FINALISE_INTERNAL
    return Action(move.value)


def _signed_in(user: User | None) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_admin(user: User | None) -> bool:
    """True for an active administrator."""
    return _signed_in(user) and user.role == "admin"


def may(user: User | None, action: Action, unit_id: int) -> bool:
    """Whether ``user``'s role and units allow ``action`` with the data of unit ``unit_id``."""
    if not _signed_in(user) or action not in ROLE_ACTIONS.get(user.role, ()):
        return False
    return user.role == "admin" or unit_id in user.unit_ids


def open_in(action: Action, stage: Stage) -> bool:
    """Whether ``action`` can be done at all while an assessment is in ``stage``."""
    return stage in STAGE_ACTIONS.get(action, frozenset(Stage))


#: Actions that close once the report of the assessment's current revision is issued.
CLOSED_BY_ISSUE = frozenset({Action.PLAN})


def report_issued(assessment: Assessment) -> bool:
    """Whether the report of the assessment's current revision is issued."""
    if assessment.stage != Stage.FINALISED:  # only a finalised revision is issued (reopening starts a new one)
        return False
    issued = select(IssuedReport.id).where(
        IssuedReport.assessment_id == assessment.id, IssuedReport.revision == assessment.revision
    )
    return db.session.scalar(issued.limit(1)) is not None


def open_for(action: Action, assessment: Assessment) -> bool:
    """Whether ``action`` can be done at all with ``assessment`` now: its stage, and its issued report."""
    if not open_in(action, Stage(assessment.stage)):
        return False
    return action not in CLOSED_BY_ISSUE or not report_issued(assessment)


#: The two sides of an assessment: one person never acts on both (the rest belong to neither).
SIDES: dict[str, frozenset[Action]] = {
    "unit": frozenset(
        {
            Action.SCORE,
            Action.REPLY,
            Action.DISSENT,
            Action.SUBMIT,
            Action.WITHDRAW,
            Action.CONFIRM_AGREEMENT,
            Action.FINALISE_INTERNAL,
        }
    ),
    "expert": frozenset(
        {
            Action.REVIEW,
            Action.AGREE,
            Action.CONSULT,
            Action.START_REVIEW,
            Action.RETURN,
            Action.HOLD_CONSULTATION,
        }
    ),
}


def side_of(action: Action) -> str | None:
    """The side of an assessment ``action`` belongs to ("unit" or "expert"), or None."""
    return next((side for side, actions in SIDES.items() if action in actions), None)


def other_side(user: User | None, action: Action, assessment: Assessment) -> AssessmentPart | None:
    """The part ``user`` took on the other side of ``assessment``, which keeps them from ``action``."""
    side = side_of(action)
    if side is None or user is None or getattr(user, "id", None) is None:
        return None
    return next((p for p in assessment.parts if p.user_id == user.id and p.side != side), None)


def side_refusal(user: User | None, action: Action, assessment: Assessment) -> str | None:
    """Why ``user`` may not do ``action`` here because they acted on the other side; None if they may."""
    part = other_side(user, action, assessment)
    if part is None:
        return None
    did, what = PART_DONE.get(part.action, part.action), ACTION[action]
    if part.side == "expert":
        return _(
            "You %(did)s on this assessment, so you cannot also %(what)s: that must come from the unit's own people.",
            did=did,
            what=what,
        )
    return _(
        "You %(did)s on this assessment, so you cannot also %(what)s: that must come from the expert reviewing it.",
        did=did,
        what=what,
    )


def may_in(user: User | None, action: Action, assessment: Assessment) -> bool:
    """Whether ``user`` may do ``action`` with ``assessment`` now: role, unit, stage and side."""
    return (
        may(user, action, assessment.unit_id)
        and open_for(action, assessment)
        and other_side(user, action, assessment) is None
    )


def allowed_moves(user: User | None, assessment: Assessment) -> list[Move]:
    """The moves ``user`` may make from the assessment's current stage."""
    stage = Stage(assessment.stage)
    return [
        move
        for move, transition in TRANSITIONS.items()
        if stage in transition.sources and may_in(user, move_action(move, stage), assessment)
    ]


def roles_for(action: Action) -> list[str]:
    """The roles (other than administrator) that may do ``action``."""
    return [role for role, actions in ROLE_ACTIONS.items() if role != "admin" and action in actions]


def stage_rules(stage: Stage, assessment: Assessment | None = None) -> list[tuple[Action, list[str]]]:
    """What can be done in ``stage`` and by which roles: shown on the assessment's pages.

    With ``assessment``, what its issued report closes is left out.
    """
    closed = CLOSED_BY_ISSUE if assessment is not None and report_issued(assessment) else frozenset()
    return [
        (action, roles_for(action))
        for action in Action
        if action in STAGE_ACTIONS and stage in STAGE_ACTIONS[action] and roles_for(action) and action not in closed
    ]


def may_anywhere(user: User | None, action: Action) -> bool:
    """Whether ``user`` may do ``action`` in at least one unit (to show a button or menu)."""
    if not _signed_in(user) or action not in ROLE_ACTIONS.get(user.role, ()):
        return False
    return user.role == "admin" or bool(user.unit_ids)


def visible_units_clause(user: User | None, unit_id_column) -> ColumnElement[bool]:
    """A WHERE clause keeping rows of the units ``user`` may view."""
    if not _signed_in(user):
        return false()
    if user.role == "admin":
        return true()
    ids = user.unit_ids
    return unit_id_column.in_(ids) if ids else false()


class ProgrammeAction(StrEnum):
    """Things done with a regional programme as a whole."""

    VIEW = "view"  # its units, rounds and the progress across them
    MANAGE = "manage"  # create it, add units, people and rounds
    REGIONAL = "regional"  # the regional findings report, with unit names
    ANONYMISED = "anonymised"  # the regional findings report for a public meeting
    DATASET = "dataset"  # the round's results as a data set


#: What programme staff and the experts assigned to a programme do with it (administrators do all).
PROGRAMME_MEMBER_ACTIONS: dict[str, frozenset[ProgrammeAction]] = {
    "programme_staff": frozenset(
        {ProgrammeAction.VIEW, ProgrammeAction.REGIONAL, ProgrammeAction.ANONYMISED, ProgrammeAction.DATASET}
    ),
    "expert": frozenset(
        {ProgrammeAction.VIEW, ProgrammeAction.REGIONAL, ProgrammeAction.ANONYMISED, ProgrammeAction.DATASET}
    ),
}


def may_programme(user: User | None, action: ProgrammeAction, programme: Programme) -> bool:
    """Whether ``user`` may do ``action`` with ``programme``: administrators, and its own staff and experts.

    Unit users never see a programme: they see their own unit only.
    """
    if not _signed_in(user):
        return False
    if user.role == "admin":
        return True
    if action not in PROGRAMME_MEMBER_ACTIONS.get(user.role, ()):
        return False
    return any(p.id == programme.id for p in user.programmes)


def visible_programmes_clause(user: User | None, programme_id_column) -> ColumnElement[bool]:
    """A WHERE clause keeping rows of the programmes ``user`` may view."""
    if not _signed_in(user):
        return false()
    if user.role == "admin":
        return true()
    if user.role not in PROGRAMME_MEMBER_ACTIONS:
        return false()
    mine = select(programme_members.c.programme_id).where(programme_members.c.user_id == user.id)
    return programme_id_column.in_(mine)
