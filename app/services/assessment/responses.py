"""Saving one requirement's layers: the unit's self-assessment, the expert's review and
agreed score, and the unit's reply and dissent.

Each layer is its own row with its own version: the expert never overwrites the unit's
answer, and two people saving the same layer get a conflict, not a silent overwrite. A save
writes its own row and, on the assessment, only the stage check and the stale mark of the
kept figures (:func:`claim_for_save`): people saving different cards never refuse each other.
Services flush; the caller commits (through :func:`app.services.assessment.busy.committed`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.domain.applicability import set_from_profile
from app.domain.checklist import Checklist, Requirement, level_from_elements
from app.domain.limits import MAX_INT
from app.domain.scoring import SITE_BASES, Basis, Scope
from app.domain.workflow import Stage
from app.extensions import db
from app.models import (
    FINDINGS,
    REVIEW_FIELDS,
    STANCES,
    TICK_FIELDS,
    Assessment,
    Citation,
    Response,
    Review,
    Sop,
    User,
)
from app.models.base import utcnow
from app.services.accounts.audit import changes, record
from app.services.assessment.access import Action, open_in
from app.services.assessment.assessments import (
    AssessmentError,
    AssessmentLocked,
    ScoreSheet,
    claim_for_save,
    figures_of,
)
from app.services.labels import STAGE, level_label

MAX_CITATIONS = 10


class InvalidResponse(AssessmentError):
    """The submitted input has errors, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class ResponseConflict(AssessmentError):
    """Someone else saved this layer since the form was opened; ``current`` is what they saved."""

    def __init__(self, current: Response | Review) -> None:
        self.current = current
        who = current.updated_by.name if current.updated_by else _("someone")
        super().__init__(_("%(who)s changed this requirement while you were editing it", who=who))


@dataclass
class Score:
    """A score as entered: a value on the scale, N/A (with a justification), or not evidenced."""

    value: int | None = None
    not_applicable: bool = False
    not_evidenced: bool = False


@dataclass
class Ticks:
    """The elements found met (positions from 0; None: not ticked) and why another level than theirs."""

    ticks: list[int] | None = None
    level_reason: str = ""


@dataclass
class ResponseInput(Score, Ticks):
    """What the unit submits for one requirement."""

    na_justification: str = ""
    basis: str | None = None
    citations: list[tuple[int, str]] = field(default_factory=list)  # (document id, section)
    evidence_note: str = ""
    recommendation: str = ""


@dataclass
class ReviewInput(Score, Ticks):
    """What the expert submits for one requirement: review, and (after the consultation) the agreed score."""

    stance: str | None = None
    comment: str = ""
    finding: str | None = None
    agreed: Score | None = None  # None: the agreed score is not part of this submission


def _check_score(checklist: Checklist, score: Score, prefix: str = "") -> dict[str, str]:
    errors = {}
    chosen = sum((score.value is not None, score.not_applicable, score.not_evidenced))
    if chosen > 1:
        errors[prefix + "value"] = _("Choose one: a score, N/A or not evidenced.")
    elif score.value is not None and checklist.level(score.value) is None:
        allowed = ", ".join(str(level.value) for level in checklist.scale)
        errors[prefix + "value"] = _("%(value)s is not on the scale (%(allowed)s).", value=score.value, allowed=allowed)
    return errors


def _check_ticks(checklist: Checklist, requirement: Requirement, data: Score, ticks: Ticks) -> dict[str, str]:
    """Ticks in range and not repeated; a level other than theirs needs its reason."""
    if ticks.ticks is None:
        return {}
    count = len(requirement.elements)
    if not count:
        return {"ticks": _("%(id)s lists no elements to tick.", id=requirement.id)}
    if any(not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < count for i in ticks.ticks):
        return {"ticks": _("Tick elements of this requirement only (1 to %(count)s).", count=count)}
    if len(set(ticks.ticks)) != len(ticks.ticks):
        return {"ticks": _("Each element is ticked once.")}
    proposed = level_from_elements(requirement.elements, ticks.ticks)
    if data.value is not None and data.value != proposed and not ticks.level_reason.strip():
        level = checklist.level(proposed)
        return {
            "value": _(
                "The elements ticked give %(proposed)s (%(label)s); say why you chose %(value)s, or change the ticks.",
                proposed=proposed,
                label=level_label(level) if level else "",
                value=data.value,
            )
        }
    return {}


def _settle_ticks(checklist: Checklist, requirement: Requirement, data: Score, ticks: Ticks, scope: str) -> None:
    """What ticks leave: none for N/A, not evidenced or to verify on site; the ticks' level when no score is given.

    Changes ``data`` and ``ticks`` in place, before they are checked.
    """
    if ticks.ticks is None:
        return
    to_verify = scope == Scope.DESK and requirement.needs_site_visit and getattr(data, "basis", None) not in SITE_BASES
    if data.not_applicable or data.not_evidenced or (data.value is None and to_verify):
        ticks.ticks, ticks.level_reason = None, ""
        return
    if data.value is None and requirement.elements:
        data.value = level_from_elements(requirement.elements, ticks.ticks)


def require_stage(sheet: ScoreSheet, action: Action) -> None:
    stage = Stage(sheet.assessment.stage)
    if not open_in(action, stage):
        if stage is Stage.FINALISED:
            raise AssessmentLocked(_("This assessment is finalised; reopen it to make changes."))
        raise AssessmentLocked(
            _("The assessment is at the stage '%(stage)s', where this cannot be changed.", stage=STAGE[stage])
        )


SELF_FIELDS = (
    "value",
    "not_applicable",
    "not_evidenced",
    "na_justification",
    "basis",
    "evidence_note",
    "recommendation",
    *TICK_FIELDS,
    "recheck",
)
#: What the audit trail keeps of a review: its fields and the elements ticked.
REVIEW_AUDITED = (*REVIEW_FIELDS, *TICK_FIELDS)
#: The self-assessment's answer itself (what a save may change), without the re-check flag.
ANSWER_FIELDS = tuple(name for name in SELF_FIELDS if name != "recheck")


def _basis(response: Response, data: ResponseInput) -> str | None:
    """What a score rests on: as chosen, else SOP text; a carried answer that never said keeps saying so."""
    if data.basis:
        return data.basis
    if response.carried_from and response.basis is None:
        return None  # "basis not recorded": never claim SOP text for what nobody recorded
    return Basis.SOP_TEXT


def _snapshot(row: Response | Review, names: tuple[str, ...]) -> dict:
    values = {name: getattr(row, name) for name in names}
    if isinstance(row, Response) and "value" in names:
        values["citations"] = [[c.code, c.section] for c in row.citations]
    return values


def _audit(name: str, sheet: ScoreSheet, requirement_id: str, before: dict, after: dict, user: User | None) -> None:
    old, new = changes(before, after)
    if old or new:
        assessment = sheet.assessment
        record(
            name,
            user=user,
            object_type="response",
            object_id=requirement_id,
            assessment=assessment,
            summary=f"{requirement_id}: {', '.join(new)}",
            before=old,
            after=new,
        )


def _response(sheet: ScoreSheet, requirement_id: str) -> Response:
    response = sheet.responses.get(requirement_id)
    if response is None:
        raise InvalidResponse({"requirement": _("%(id)s is not part of this assessment.", id=requirement_id)})
    return response


def check_version(row: Response | Review, expected_version: int | None) -> None:
    if expected_version is None:
        raise InvalidResponse({"version": _("The form carried no version; reload the page and try again.")})
    if expected_version != row.version:
        raise ResponseConflict(row)


#: How often a save follows the assessment to a new stage that still takes it (a move made
#: between loading the page and saving); more moves than that in one save are refused.
STAGE_FOLLOWS = 2


def claim_stage(sheet: ScoreSheet, *actions: Action, scored: bool = False) -> None:
    """The save's stage guard in the database, where a move cannot slip past it; refused with
    the stage message when the assessment has moved to a stage that does not take ``actions``.

    ``scored``: the save changes what the scores count; the sheet holds the change already (not
    yet written), and its figures are kept when nobody saved since the sheet was read.
    """
    assessment = sheet.assessment
    figures = None
    if scored:
        sheet.refresh()
        figures = figures_of(sheet.result)  # before the lock: nothing slow while it is held
    for _follow in range(STAGE_FOLLOWS + 1):
        if claim_for_save(assessment, assessment.stage, generation=sheet.generation, figures=figures):
            return
        with db.session.no_autoflush:  # nothing of this save is written before the guard
            stage = db.session.scalar(select(Assessment.stage).where(Assessment.id == assessment.id))
        if stage is None:
            raise AssessmentLocked(_("This assessment was deleted; nothing was saved."))
        set_committed_value(assessment, "stage", stage)
        for action in actions:
            require_stage(sheet, action)
    raise AssessmentLocked(_("The assessment is changing stage at this moment; nothing was saved. Save again."))


def flush_or_conflict(row: Response | Review) -> None:
    """Write now; a conflict when someone else saved this very layer since it was read."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(row)
        raise ResponseConflict(row) from None


def check_response(sheet: ScoreSheet, data: ResponseInput) -> dict[str, str]:
    """Field errors of a submitted self-assessment; empty when it can be saved."""
    errors = _check_score(sheet.checklist, data)
    if data.not_applicable and not data.na_justification.strip():
        errors["na_justification"] = _("N/A needs a justification: say why the requirement does not apply.")
    if data.basis is not None and data.basis not in tuple(Basis):
        errors["basis"] = _("Choose what the score rests on from the list.")
    if len(data.citations) > MAX_CITATIONS:
        errors["citations"] = ngettext(
            "At most %(num)s citation per requirement.", "At most %(num)s citations per requirement.", MAX_CITATIONS
        )
    ids = {sop_id for sop_id, _section in data.citations}
    if any(not 0 < sop_id <= MAX_INT for sop_id in ids):
        errors["citations"] = _("Cite documents from this unit's register.")
    elif ids:
        found = {s.id for s in db.session.query(Sop).filter(Sop.id.in_(ids), Sop.unit_id == sheet.assessment.unit_id)}
        if ids - found:
            errors["citations"] = _("Cite documents from this unit's register.")
    return errors


def _check_override(response: Response, data: ResponseInput) -> dict[str, str]:
    """Answering a requirement the jurisdiction profile set to N/A needs a note saying why it applies here."""
    overridden = response.not_applicable and set_from_profile(response.na_justification) and not data.not_applicable
    answered = data.value is not None or data.not_evidenced
    if overridden and answered and not data.evidence_note.strip():
        return {
            "evidence_note": _(
                "The unit's jurisdiction profile set this requirement to N/A. "
                "To answer it, say in the note why it applies to this unit."
            )
        }
    return {}


def save_response(
    sheet: ScoreSheet, requirement_id: str, data: ResponseInput, *, expected_version: int | None, user: User | None
) -> Response:
    """Save the unit's self-assessment of one requirement (in the self-assessment stage)."""
    response = _response(sheet, requirement_id)
    require_stage(sheet, Action.SCORE)
    requirement = sheet.checklist.requirement(requirement_id)
    _settle_ticks(sheet.checklist, requirement, data, data, sheet.assessment.scope)
    errors = check_response(sheet, data)
    errors.update(_check_ticks(sheet.checklist, requirement, data, data))
    errors.update(_check_override(response, data))
    if errors:
        raise InvalidResponse(errors)
    check_version(response, expected_version)
    before = _snapshot(response, SELF_FIELDS)
    scored = data.value is not None
    response.value = data.value
    response.not_applicable = data.not_applicable
    response.not_evidenced = data.not_evidenced
    response.na_justification = data.na_justification.strip() if data.not_applicable else ""
    response.basis = _basis(response, data) if scored else None
    response.evidence_note = data.evidence_note.strip()
    response.recommendation = data.recommendation.strip()
    response.ticks = sorted(data.ticks) if data.ticks is not None else None
    response.level_reason = data.level_reason.strip() if data.ticks is not None else ""
    wanted = [(sop_id, section.strip()) for sop_id, section in data.citations]
    if [(c.sop_id, c.section) for c in response.citations] != wanted:
        quoted = {(c.sop_id, c.section): c.quote for c in response.citations}  # a passage kept stays quoted
        response.citations = [
            Citation(sop_id=sop_id, section=section, position=i, quote=quoted.get((sop_id, section), ""))
            for i, (sop_id, section) in enumerate(wanted)
        ]
    if _snapshot(response, ANSWER_FIELDS) != {k: v for k, v in before.items() if k != "recheck"}:
        # Changed by a person who looked at it: the carried answer is checked. A save that
        # changes nothing (an autosave of an untouched card, Save pressed to move on) is
        # not a check; "Still holds" (confirm_response) says so on purpose.
        response.recheck = False
        response.recheck_reason = ""
    touch_response(response, user)
    claim_stage(sheet, Action.SCORE, scored=True)  # the change above is written after the claim
    flush_or_conflict(response)
    _audit("response.changed", sheet, requirement_id, before, _snapshot(response, SELF_FIELDS), user)
    return response


def confirm_response(
    sheet: ScoreSheet, requirement_id: str, *, expected_version: int | None, user: User | None
) -> Response:
    """ "Still holds": a person checked a carried answer against the new wording and keeps it as it is.

    Clears the re-check flag and nothing else; a conflict when someone saved the card since
    the page showed it (the answer confirmed may not be the one stored). Already checked:
    nothing to do, and no event.
    """
    response = _response(sheet, requirement_id)
    require_stage(sheet, Action.SCORE)
    check_version(response, expected_version)
    if not response.recheck:
        return response
    claim_stage(sheet, Action.SCORE)
    why = response.carried_from or response.recheck_reason
    response.recheck = False
    response.recheck_reason = ""
    touch_response(response, user)
    flush_or_conflict(response)
    sheet.refresh()
    record(
        "response.confirmed",
        user=user,
        object_type="response",
        object_id=requirement_id,
        assessment=sheet.assessment,
        summary=f"{requirement_id}: the answer still holds ({why})"[:500],
        before={"recheck": True},
        after={"recheck": False},
    )
    return response


def save_reply(
    sheet: ScoreSheet,
    requirement_id: str,
    *,
    reply: str | None,
    dissent: str | None,
    expected_version: int | None,
    user: User | None,
) -> Response:
    """Save the unit's answer to the expert and, after the consultation, the unit head's dissent.

    ``None`` leaves a field as it is (the caller may not change it in this stage or role).
    """
    response = _response(sheet, requirement_id)
    actions = [action for action, given in ((Action.REPLY, reply), (Action.DISSENT, dissent)) if given is not None]
    for action in actions:
        require_stage(sheet, action)
    check_version(response, expected_version)
    claim_stage(sheet, *actions)
    before = _snapshot(response, ("reply", "dissent"))
    if reply is not None:
        response.reply = reply.strip()
    if dissent is not None:
        response.dissent = dissent.strip()
    touch_response(response, user)
    flush_or_conflict(response)
    _audit("reply.changed", sheet, requirement_id, before, _snapshot(response, ("reply", "dissent")), user)
    return response


def ensure_review(response: Response) -> Review:
    """The response's review row, created when the expert first needs it."""
    if response.review is None:
        response.review = Review()
        db.session.flush()
    return response.review


def check_review(sheet: ScoreSheet, data: ReviewInput) -> dict[str, str]:
    """Field errors of a submitted review; empty when it can be saved."""
    errors = _check_score(sheet.checklist, data)
    if data.stance is not None and data.stance not in STANCES:
        errors["stance"] = _("Choose agree, disagree or query.")
    if data.finding is not None and data.finding not in FINDINGS:
        errors["finding"] = _("Choose a finding from the list.")
    if data.stance in ("disagree", "query") and not data.comment.strip():
        errors["comment"] = _("Say why: a disagreement or a query needs a comment the unit can answer.")
    if data.agreed is not None:
        errors.update(_check_score(sheet.checklist, data.agreed, prefix="agreed_"))
    return errors


def save_review(
    sheet: ScoreSheet, requirement_id: str, data: ReviewInput, *, expected_version: int | None, user: User | None
) -> Review:
    """Save the expert's review of one requirement and, when given, the agreed score."""
    response = _response(sheet, requirement_id)
    actions = [Action.REVIEW] + ([Action.AGREE] if data.agreed is not None else [])
    for action in actions:
        require_stage(sheet, action)
    requirement = sheet.checklist.requirement(requirement_id)
    _settle_ticks(sheet.checklist, requirement, data, data, Scope.ONSITE)
    errors = check_review(sheet, data)
    errors.update(_check_ticks(sheet.checklist, requirement, data, data))
    if errors:
        raise InvalidResponse(errors)
    review = ensure_review(response)  # made when the review started: a write here only for an older card
    check_version(review, expected_version)
    before = _snapshot(review, REVIEW_AUDITED)
    review.value, review.not_applicable, review.not_evidenced = data.value, data.not_applicable, data.not_evidenced
    review.stance = data.stance
    review.comment = data.comment.strip()
    review.finding = data.finding
    review.ticks = sorted(data.ticks) if data.ticks is not None else None
    review.level_reason = data.level_reason.strip() if data.ticks is not None else ""
    if data.agreed is not None:
        agreed = data.agreed
        was = (review.agreed_value, review.agreed_not_applicable, review.agreed_not_evidenced)
        now = (agreed.value, agreed.not_applicable, agreed.not_evidenced)
        if was != now:
            review.agreed_value, review.agreed_not_applicable, review.agreed_not_evidenced = now
            given = any(now[1:]) or now[0] is not None
            review.agreed_by = user if given else None
            review.agreed_at = utcnow() if given else None
    review.updated_by = user
    review.updated_at = utcnow()
    claim_stage(sheet, *actions, scored=True)  # the change above is written after the claim
    flush_or_conflict(review)
    _audit("review.changed", sheet, requirement_id, before, _snapshot(review, REVIEW_AUDITED), user)
    return review


def touch_response(response: Response, user: User | None) -> None:
    response.updated_by = user
    response.updated_at = utcnow()
