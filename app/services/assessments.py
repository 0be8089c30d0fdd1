"""Assessments: starting one, saving responses, finalising, and reading the scores."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.domain.checklist import Checklist
from app.domain.scoring import Answer, AssessmentResult, score_assessment
from app.extensions import db
from app.models import Assessment, ChecklistRequirement, ChecklistVersion, Response, Sop, Unit, User
from app.models.base import utcnow
from app.services.access import visible_units_clause
from app.services.checklists import checklist_of


class AssessmentError(Exception):
    """A change to an assessment that cannot be made; the message says why."""


class AssessmentLocked(AssessmentError):
    """The assessment is finalised and takes no changes."""


class InvalidResponse(AssessmentError):
    """The submitted response has errors, by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


class ResponseConflict(AssessmentError):
    """Someone else saved this response since the form was opened."""

    def __init__(self, current: Response) -> None:
        self.current = current
        who = current.updated_by.name if current.updated_by else _("someone")
        super().__init__(_("%(who)s changed this requirement while you were editing it", who=who))


@dataclass
class ResponseInput:
    """What an assessor submits for one requirement."""

    value: int | None = None
    not_applicable: bool = False
    na_justification: str = ""
    sop_id: int | None = None
    sop_section: str = ""
    evidence_note: str = ""
    recommendation: str = ""
    action_owner: str = ""
    action_due: dt.date | None = None


@dataclass
class ScoreSheet:
    """An assessment with its checklist, responses by requirement id and scores."""

    assessment: Assessment
    checklist: Checklist
    responses: dict[str, Response]
    answers: dict[str, Answer] = field(init=False)
    result: AssessmentResult = field(init=False)

    def __post_init__(self) -> None:
        self.answers = {code: answer_of(r) for code, r in self.responses.items()}
        self.result = score_assessment(self.checklist, self.assessment.modules, self.answers)

    @property
    def sections(self):
        """The sections this assessment covers (core and chosen modules)."""
        return self.checklist.sections_for(self.assessment.modules)


def answer_of(response: Response) -> Answer:
    """The scoring view of a stored response."""
    return Answer(value=response.value, not_applicable=response.not_applicable)


def visible_assessments(user: User) -> list[Assessment]:
    """Assessments of the units ``user`` may view, newest first."""
    query = (
        select(Assessment)
        .join(Unit)
        .where(visible_units_clause(user, Assessment.unit_id))
        .options(selectinload(Assessment.unit), selectinload(Assessment.checklist_version))
        .order_by(Assessment.updated_at.desc(), Assessment.id.desc())
    )
    return list(db.session.scalars(query))


def results_of(assessments: Iterable[Assessment]) -> dict[int, AssessmentResult]:
    """Scores of many assessments with one query for all their responses."""
    assessments = list(assessments)
    if not assessments:
        return {}
    rows = db.session.execute(
        select(Response.assessment_id, ChecklistRequirement.code, Response.value, Response.not_applicable)
        .join(ChecklistRequirement, Response.requirement_id == ChecklistRequirement.id)
        .where(Response.assessment_id.in_([a.id for a in assessments]))
    )
    answers: dict[int, dict[str, Answer]] = defaultdict(dict)
    for assessment_id, code, value, na in rows:
        answers[assessment_id][code] = Answer(value=value, not_applicable=na)
    return {a.id: score_assessment(checklist_of(a.checklist_version), a.modules, answers[a.id]) for a in assessments}


def score_sheet(assessment: Assessment) -> ScoreSheet:
    """Load everything needed to show or score an assessment, in a fixed number of queries."""
    rows = db.session.execute(
        select(Response, ChecklistRequirement.code)
        .join(ChecklistRequirement, Response.requirement_id == ChecklistRequirement.id)
        .where(Response.assessment_id == assessment.id)
        .options(selectinload(Response.sop), selectinload(Response.updated_by))
    )
    responses = {code: response for response, code in rows}
    return ScoreSheet(assessment, checklist_of(assessment.checklist_version), responses)


def create_assessment(
    *,
    unit: Unit,
    version: ChecklistVersion,
    title: str,
    modules: Iterable[str] = (),
    kind: str = "self_assessment",
    assessors: str = "",
    assessed_on: dt.date | None = None,
    user: User | None = None,
    commit: bool = True,
) -> Assessment:
    """Start an assessment pinned to ``version``, with an empty response per requirement."""
    checklist = checklist_of(version)
    declared = {m.id for m in checklist.modules}
    chosen = sorted(set(modules))
    unknown = [m for m in chosen if m not in declared]
    if unknown:
        raise AssessmentError(_("%(ref)s has no module %(modules)s", ref=checklist.ref, modules=", ".join(unknown)))
    if not title.strip():
        raise AssessmentError(_("an assessment needs a title"))
    assessment = Assessment(
        unit=unit,
        checklist_version=version,
        title=title.strip(),
        kind=kind,
        modules=chosen,
        assessors=assessors.strip(),
        assessed_on=assessed_on or utcnow().date(),
        created_by=user,
    )
    wanted = {r.id for r in checklist.requirements(chosen)}
    requirement_rows = db.session.scalars(
        select(ChecklistRequirement).where(ChecklistRequirement.checklist_version_id == version.id)
    )
    assessment.responses = [Response(requirement=row) for row in requirement_rows if row.code in wanted]
    db.session.add(assessment)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return assessment


def check_response(checklist: Checklist, unit_id: int, data: ResponseInput) -> dict[str, str]:
    """Field errors of a submitted response; empty when it can be saved."""
    errors: dict[str, str] = {}
    if data.not_applicable:
        if data.value is not None:
            errors["value"] = _("Choose either a score or N/A, not both.")
        if not data.na_justification.strip():
            errors["na_justification"] = (
                "N/A needs a justification: say why the requirement does not apply to this unit."
            )
    elif data.value is not None and checklist.level(data.value) is None:
        allowed = ", ".join(str(level.value) for level in checklist.scale)
        errors["value"] = _("%(value)s is not on the scale (%(allowed)s).", value=data.value, allowed=allowed)
    if data.sop_id is not None:
        sop = db.session.get(Sop, data.sop_id)
        if sop is None or sop.unit_id != unit_id:
            errors["sop_id"] = _("Choose an SOP from this unit's register.")
    return errors


def save_response(
    sheet: ScoreSheet,
    requirement_id: str,
    data: ResponseInput,
    *,
    expected_version: int | None,
    user: User | None,
    commit: bool = True,
) -> Response:
    """Save one response, refusing a finalised assessment, bad input or a stale form.

    ``commit=False`` lets a bulk caller (demo, import) commit many responses at once.
    """
    assessment = sheet.assessment
    if assessment.is_locked:
        raise AssessmentLocked(_("This assessment is finalised; reopen it to make changes."))
    response = sheet.responses.get(requirement_id)
    if response is None:
        raise InvalidResponse({"requirement": _("%(id)s is not part of this assessment.", id=requirement_id)})
    errors = check_response(sheet.checklist, assessment.unit_id, data)
    if errors:
        raise InvalidResponse(errors)
    if expected_version is not None and expected_version != response.version:
        raise ResponseConflict(response)
    response.value = None if data.not_applicable else data.value
    response.not_applicable = data.not_applicable
    response.na_justification = data.na_justification.strip() if data.not_applicable else ""
    response.sop_id = data.sop_id
    response.sop_section = data.sop_section.strip()
    response.evidence_note = data.evidence_note.strip()
    response.recommendation = data.recommendation.strip()
    response.action_owner = data.action_owner.strip()
    response.action_due = data.action_due
    response.updated_by = user
    response.updated_at = utcnow()
    assessment.updated_at = utcnow()
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    sheet.answers[requirement_id] = answer_of(response)
    sheet.result = score_assessment(sheet.checklist, assessment.modules, sheet.answers)
    return response


def finalise_assessment(assessment: Assessment, user: User) -> None:
    """Lock the assessment; its responses take no more changes."""
    if assessment.is_locked:
        raise AssessmentLocked(_("This assessment is already finalised."))
    assessment.status = "finalised"
    assessment.finalised_at = utcnow()
    assessment.finalised_by = user
    db.session.commit()
