"""Moving an assessment between stages: submit, review, consult, agree, finalise, reopen.

:func:`move` is the one way to change a stage: it checks the transition, the policy in
:mod:`app.services.assessment.access` and the move's own preconditions, then does what the move
implies (reviews started, citations frozen or thawed, a new revision). It flushes; the
caller commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from app.domain.workflow import Move, Stage, target_of
from app.extensions import db
from app.models import Consultation, User
from app.models.base import utcnow
from app.services.accounts.audit import MOVE_EVENTS, changes, record
from app.services.assessment.access import ROLE_ACTIONS, may_in, move_action, roles_for, side_refusal
from app.services.assessment.assessments import AssessmentError, ScoreSheet, hold
from app.services.assessment.parts import take_part
from app.services.assessment.readiness import Readiness, readiness_of
from app.services.assessment.responses import ensure_review
from app.services.labels import ACTION, MOVE, ROLE, STAGE

#: How many requirement ids a refusal names before "and N more".
SHOWN_IDS = 5


class MoveRefused(AssessmentError):
    """The move cannot be made now; the message says why and what to do.

    ``readiness`` is set when what blocks is the assessment's content (unanswered
    requirements, answers to re-check, gaps without an action), so callers can list it.
    """

    def __init__(self, message: str, readiness: Readiness | None = None) -> None:
        super().__init__(message)
        self.readiness = readiness


def needs_readiness(move: Move, stage: Stage) -> bool:
    """Whether ``move`` from ``stage`` needs the assessment whole (see :mod:`readiness`).

    Submitting, accepting the agreed scores and finalising a reviewed assessment do; a
    self-assessment finalised as an internal check may stay partial (its report says so).
    """
    return move in (Move.SUBMIT, Move.CONFIRM_AGREEMENT) or (move is Move.FINALISE and stage is Stage.AGREED)


def _ids(ids: tuple[str, ...]) -> str:
    shown = ", ".join(ids[:SHOWN_IDS])
    if len(ids) > SHOWN_IDS:
        shown = ngettext("%(ids)s and %(num)s more", "%(ids)s and %(num)s more", len(ids) - SHOWN_IDS, ids=shown)
    return shown


def readiness_refusal(ready: Readiness, action: str) -> str | None:
    """What keeps ``action`` from being done with counts, the first ids and where to fix each; None when nothing."""
    if ready.complete:
        return None
    parts = [_("You cannot %(what)s yet.", what=ACTION[action])]
    if ready.unanswered:
        parts.append(
            ngettext(
                "%(num)s requirement in scope is unanswered (%(ids)s): answer it on the Requirements page "
                "(filter 'Not yet assessed'), or mark it not applicable with a reason.",
                "%(num)s requirements in scope are unanswered (%(ids)s): answer them on the Requirements page "
                "(filter 'Not yet assessed'), or mark them not applicable with a reason.",
                len(ready.unanswered),
                ids=_ids(ready.unanswered),
            )
        )
    if ready.recheck:
        parts.append(
            ngettext(
                "%(num)s carried answer is not re-checked (%(ids)s): confirm or change it (filter 'To re-check').",
                "%(num)s carried answers are not re-checked (%(ids)s): confirm or change them (filter 'To re-check').",
                len(ready.recheck),
                ids=_ids(ready.recheck),
            )
        )
    if ready.unplanned_gaps:
        parts.append(
            ngettext(
                "%(num)s gap has no action and no reason (%(ids)s): close it with an action, or leave it "
                "open with a reason, on the Action plan.",
                "%(num)s gaps have no action and no reason (%(ids)s): close them with actions, or leave "
                "them open with a reason, on the Action plan.",
                len(ready.unplanned_gaps),
                ids=_ids(ready.unplanned_gaps),
            )
        )
    return " ".join(parts)


def consultation_of(assessment_id: int) -> Consultation | None:
    """The consultation record of an assessment, if there is one."""
    return db.session.scalar(select(Consultation).where(Consultation.assessment_id == assessment_id))


def unresolved_disagreements(sheet: ScoreSheet) -> list[str]:
    """Requirements where the expert's score differs from the unit's and no agreed score is recorded."""
    return [
        code
        for code, response in sheet.responses.items()
        if response.review is not None
        and response.review.reviewed
        and not response.review.agreed
        and sheet.differs(code)
    ]


def _refusal(sheet: ScoreSheet, move: Move, user: User | None) -> MoveRefused | None:
    assessment = sheet.assessment
    stage = Stage(assessment.stage)
    try:
        target_of(move, stage, assessment.reviewed)
    except ValueError:
        return MoveRefused(
            _("'%(move)s' is not possible at the stage '%(stage)s'.", move=MOVE[move], stage=STAGE[stage])
        )
    action = move_action(move, stage)
    other_side = side_refusal(user, action, assessment)
    if other_side:
        return MoveRefused(other_side)
    if not may_in(user, action, assessment):
        roles = [str(ROLE[r]) for r in roles_for(action)] or [str(ROLE["admin"])]
        mine = user is not None and action in ROLE_ACTIONS.get(getattr(user, "role", ""), ())
        if mine:
            return MoveRefused(_("You are not assigned to this unit; ask an administrator to add you to it."))
        return MoveRefused(_("Only %(roles)s may do this at this stage.", roles=", ".join(roles)))
    if move is Move.HOLD_CONSULTATION:
        record = consultation_of(assessment.id)
        if record is None or not record.recorded:
            return MoveRefused(_("Record the consultation first: its date and who took part."))
    if move is Move.CONFIRM_AGREEMENT:
        open_items = unresolved_disagreements(sheet)
        if open_items:
            shown = ", ".join(open_items[:8])
            if len(open_items) > 8:
                shown = ngettext("%(ids)s and %(num)s more", "%(ids)s and %(num)s more", len(open_items) - 8, ids=shown)
            return MoveRefused(
                ngettext(
                    "%(num)s requirement still has a different expert score and no agreed score: %(ids)s.",
                    "%(num)s requirements still have a different expert score and no agreed score: %(ids)s.",
                    len(open_items),
                    ids=shown,
                )
            )
    if needs_readiness(move, stage):
        ready = readiness_of(sheet)
        message = readiness_refusal(ready, action)
        if message:
            return MoveRefused(message, ready)
    return None


def refusal(sheet: ScoreSheet, move: Move, user: User | None) -> str | None:
    """Why ``user`` cannot make ``move`` now, or None when they can."""
    refused = _refusal(sheet, move, user)
    return str(refused) if refused else None


def _conflict() -> MoveRefused:
    return MoveRefused(_("Someone saved a change to this assessment at that moment; nothing moved. Try again."))


def move(sheet: ScoreSheet, move_: Move, user: User | None) -> Stage:
    """Make the move, or raise :class:`MoveRefused` saying why not; returns the new stage."""
    if hold(sheet):  # saves wait for the move; those made since the page was read are read again
        raise _conflict()
    refused = _refusal(sheet, move_, user)
    if refused:
        raise refused
    assessment = sheet.assessment
    stage = Stage(assessment.stage)
    target = target_of(move_, stage, assessment.reviewed)
    now = utcnow()
    # What the trail keeps of the state a move leaves (reopening clears who finalised).
    before = {"stage": stage.value, "revision": assessment.revision}
    if assessment.finalised_by is not None:
        before |= {"finalised_by": assessment.finalised_by.email, "finalised_at": assessment.finalised_at}
    if move_ is Move.START_REVIEW:
        for response in sheet.responses.values():
            ensure_review(response)
    if move_ is Move.FINALISE:
        assessment.reviewed = stage is Stage.AGREED
        assessment.finalised_at, assessment.finalised_by = now, user
        for response in sheet.responses.values():
            for citation in response.citations:
                citation.freeze()
    if move_ is Move.REOPEN:
        assessment.revision += 1
        assessment.finalised_at = assessment.finalised_by = None
        for response in sheet.responses.values():
            for citation in response.citations:
                citation.thaw()
    assessment.stage = target
    assessment.updated_at = now
    try:
        db.session.flush()
    except StaleDataError:  # another move was made since the page was read
        db.session.rollback()
        raise _conflict() from None
    sheet.refresh()
    take_part(assessment, user, move_action(move_, stage))
    left, entered = changes(
        before,
        {
            "stage": target.value,
            "revision": assessment.revision,
            "finalised_by": assessment.finalised_by.email if assessment.finalised_by else None,
            "finalised_at": assessment.finalised_at,
        },
    )
    record(
        MOVE_EVENTS[move_],
        user=user,
        object_type="assessment",
        object_id=assessment.id,
        assessment=assessment,
        summary=f"{stage} -> {target}, revision {assessment.revision}",
        before=left,
        after=entered,
    )
    return target
