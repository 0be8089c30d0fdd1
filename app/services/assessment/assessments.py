"""Assessments: starting one, and loading one with its layers and scores."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from flask_babel import gettext as _
from sqlalchemy import case, func, literal, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.domain.applicability import not_applying
from app.domain.calibration import Calibration, Pair, TickPair, calibrate
from app.domain.checklist import Checklist, Focus
from app.domain.in_scope import InScope, in_scope
from app.domain.results import AssessmentResult, score_assessment
from app.domain.scoring import Answer, Scope
from app.domain.workflow import Stage
from app.extensions import db
from app.models import (
    Assessment,
    ChecklistRequirement,
    ChecklistVersion,
    Citation,
    PlannedAction,
    ReportedReview,
    Response,
    Review,
    Unit,
    User,
)
from app.models.base import utcnow
from app.services.accounts.audit import record
from app.services.assessment.access import visible_units_clause
from app.services.assessment.busy import is_busy
from app.services.content.checklists import checklist_of
from app.services.content.jurisdictions import profile_of


class AssessmentError(Exception):
    """A change to an assessment that cannot be made; the message says why."""


class AssessmentLocked(AssessmentError):
    """The assessment's stage does not take this change."""


def effective_answer(response: Response) -> Answer:
    """What the report counts: the agreed score made here where there is one, else the unit's own.

    On an imported copy that no expert here has started reviewing, an agreed score its
    trusted origin reported counts instead (it exists only from a trusted signer, and the
    report says it is reported); once a review starts here, only what is agreed here counts.
    """
    review, reported = response.review, response.reported
    return counted_answer(
        response.answer,
        reviewed_here=review is not None,
        agreed_here=review.agreed_answer(response.basis) if review is not None and review.agreed else None,
        agreed_reported=reported.agreed_answer(response.basis) if reported is not None and reported.agreed else None,
    )


def counted_answer(
    own: Answer, *, reviewed_here: bool, agreed_here: Answer | None, agreed_reported: Answer | None
) -> Answer:
    """The rule of :func:`effective_answer`, on values (a save reads the other cards as columns)."""
    if reviewed_here:
        return agreed_here if agreed_here is not None else own
    return agreed_reported if agreed_reported is not None else own


@dataclass
class ScoreSheet:
    """An assessment with its checklist, its responses (with reviews and citations) and scores."""

    assessment: Assessment
    checklist: Checklist
    responses: dict[str, Response]
    actions: list[PlannedAction] = field(default_factory=list)
    #: The assessment's ``scores_generation`` read before its responses: a change saved since
    #: then has raised it (see :func:`claim_for_save`).
    generation: int = 0
    #: A sheet for saving one card (:func:`card_sheet`): ``responses`` holds that card only, and
    #: the answers of every other card are read as columns, enough for the figures.
    card: str | None = None
    other_answers: dict[str, Answer] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        return self.assessment.scope

    @property
    def sections(self):
        """The sections this assessment covers (core and chosen modules, narrowed by its focus)."""
        return self.checklist.sections_for(self.assessment.modules, self.assessment.focus)

    @cached_property
    def in_scope(self) -> InScope:
        """The scene types it takes and leaves out, and its focus (every page says so)."""
        return in_scope(self.checklist, self.assessment.modules, self.assessment.focus)

    @cached_property
    def answers(self) -> dict[str, Answer]:
        """The answers the scores count: agreed where agreed, else the unit's self-assessment."""
        return {**self.other_answers, **{code: effective_answer(r) for code, r in self.responses.items()}}

    @cached_property
    def result(self) -> AssessmentResult:
        """Scores of the effective answers."""
        return score_assessment(
            self.checklist, self.assessment.modules, self.answers, self.scope, self.assessment.focus
        )

    @cached_property
    def self_result(self) -> AssessmentResult:
        """Scores of the unit's self-assessment alone."""
        if self.card is not None:
            raise RuntimeError("a card sheet holds one card: load score_sheet() for the self-assessment")
        answers = {code: r.answer for code, r in self.responses.items()}
        return score_assessment(self.checklist, self.assessment.modules, answers, self.scope, self.assessment.focus)

    def reload(self) -> None:
        """Read everything again, as others have committed it (after a rollback)."""
        fresh = score_sheet(self.assessment) if self.card is None else card_sheet(self.assessment, self.card)
        self.responses, self.actions, self.generation = fresh.responses, fresh.actions, fresh.generation
        self.other_answers = fresh.other_answers
        self.refresh()

    def refresh(self) -> None:
        """Forget computed scores after a change."""
        for name in ("answers", "result", "self_result", "calibration", "action_of", "in_scope"):
            self.__dict__.pop(name, None)

    def review(self, requirement_id: str) -> Review | None:
        """The expert's review of a requirement, if one was started."""
        return self.responses[requirement_id].review

    @property
    def has_review(self) -> bool:
        """True once the expert has reviewed any requirement."""
        return any(r.review is not None and r.review.reviewed for r in self.responses.values())

    def differs(self, requirement_id: str) -> bool:
        """True when the expert's score or the agreed score differs from the unit's own."""
        response = self.responses[requirement_id]
        review = response.review
        if review is None:
            return False
        own = (response.value, response.not_applicable, response.not_evidenced)
        expert = (review.value, review.not_applicable, review.not_evidenced)
        agreed = (review.agreed_value, review.agreed_not_applicable, review.agreed_not_evidenced)
        return (review.reviewed and expert != own) or (review.agreed and agreed != own)

    @cached_property
    def calibration(self) -> Calibration:
        """Self against expert over the requirements both scored on the scale."""
        pairs, ticks = [], []
        for req in self.checklist.requirements(self.assessment.modules, self.assessment.focus):
            response = self.responses[req.id]
            review = response.review
            if response.value is not None and review is not None and review.value is not None:
                pairs.append(Pair(req, response.value, review.value))
            if req.elements and response.ticks is not None and review is not None and review.ticks is not None:
                ticks.append(TickPair(req, frozenset(response.ticks), frozenset(review.ticks)))
        return calibrate(self.checklist, pairs, ticks)

    @cached_property
    def action_of(self) -> dict[int, PlannedAction]:
        """The action closing each response, by response id."""
        return {gap.id: action for action in self.actions for gap in action.gaps}


def figures_of(result: AssessmentResult) -> dict:
    """The overall figures an assessment keeps, from its scores."""
    overall = result.overall
    return {
        "score": overall.score,
        "coverage": overall.coverage,
        "completeness": overall.completeness,
        "answered": overall.answered,
        "requirement_count": overall.total,
        "major_gaps": overall.major_gaps,
    }


def record_scores(assessment: Assessment, result: AssessmentResult) -> None:
    """Keep the overall figures on a new assessment (or one written whole), for lists that must not rescore it.

    A save of one card never calls this: it keeps its figures only when nobody saved beside it,
    else marks them stale (:func:`claim_for_save`), and the lists recompute them (:func:`ensure_scores`).
    """
    for name, value in figures_of(result).items():
        setattr(assessment, name, value)
    assessment.scored_at = utcnow()


def claim_for_save(assessment: Assessment, stage: str, *, generation: int, figures: dict | None = None) -> bool:
    """The assessment's part of saving one card: True while it is still at ``stage``, else False.

    One UPDATE checks the stage (a move made meanwhile wins) and raises the scores generation,
    leaving the version alone: people saving different cards never refuse each other, and a
    stage move is not refused because someone saved a card. ``figures`` (the overall figures
    with this save, from the responses read at ``generation``) are kept when nobody saved
    since; else the kept figures are marked stale and the lists recompute them. None: the
    save does not change the scores, and the kept figures stay as they are.
    It is the save's first write, so saves and moves take the assessment's lock first.
    """
    table = Assessment.__table__
    now = utcnow()
    values = {"scores_generation": table.c.scores_generation + 1, "updated_at": now}
    if figures is not None:
        alone = table.c.scores_generation == generation  # as of the row's latest committed state
        values |= {
            name: case((alone, literal(value, table.c[name].type)), else_=table.c[name])
            for name, value in figures.items()
        }
        values["scored_at"] = case((alone, literal(now, table.c.scored_at.type)), else_=None)
    with db.session.no_autoflush:  # the save's own change is written after the claim, not before
        claimed = db.session.execute(
            update(table).where(table.c.id == assessment.id, table.c.stage == stage).values(**values)
        ).rowcount
    if claimed:
        set_committed_value(assessment, "updated_at", now)
    return bool(claimed)


def hold(sheet: ScoreSheet) -> bool:
    """Take the assessment's write lock for a change of its own (a stage move, the scope).

    Saves still to come wait for the commit, then find the change. Whatever was saved since
    the sheet was read is read again, so the change decides on what is stored, never on a
    page's older copy. True when another change of the assessment's own fields (its version)
    landed meanwhile: the caller refuses, as two such changes made from one state must not both land.
    """
    assessment, version = sheet.assessment, sheet.assessment.version
    table = Assessment.__table__
    db.session.flush()
    db.session.execute(  # a write that changes nothing: the lock, on SQLite and PostgreSQL alike
        update(table)
        .where(table.c.id == assessment.id)
        .values(scores_generation=table.c.scores_generation, updated_at=table.c.updated_at)
    )
    generation = db.session.scalar(select(table.c.scores_generation).where(table.c.id == assessment.id))
    if generation == sheet.generation:
        return False
    db.session.expire_all()
    sheet.reload()
    return sheet.assessment.version != version


def ensure_scores(assessments: Iterable[Assessment]) -> None:
    """Score the assessments whose kept figures are stale (or were never kept), show them and keep them.

    The figures are written back only for the generation they were computed from: a card saved
    meanwhile has raised it, so its newer figures are never overwritten by older ones (they are
    recomputed on the next view instead).
    """
    missing = [a for a in assessments if a.scored_at is None]
    if not missing:
        return
    table = Assessment.__table__
    # The generations first, then the responses: figures computed from them are at least that new.
    generations = dict(
        db.session.execute(
            select(table.c.id, table.c.scores_generation).where(
                table.c.id.in_([a.id for a in missing]), table.c.scored_at.is_(None)
            )
        ).all()
    )
    results = results_of(missing)
    figures = {a.id: figures_of(results[a.id]) for a in missing}
    now = utcnow()
    try:
        for assessment_id, generation in sorted(generations.items()):  # one lock order: no deadlock between lists
            # A row a save holds is skipped (PostgreSQL): its generation is moving on anyway.
            unchanged = (
                select(table.c.id)
                .where(
                    table.c.id == assessment_id, table.c.scores_generation == generation, table.c.scored_at.is_(None)
                )
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            db.session.execute(
                update(table).where(table.c.id == unchanged).values(**figures[assessment_id], scored_at=now)
            )
        db.session.commit()
    except DBAPIError as exc:  # the database is busy: the figures are only a cache, show them unkept
        if not is_busy(exc):
            raise
        db.session.rollback()
    for assessment in missing:
        for name, value in figures[assessment.id].items():
            set_committed_value(assessment, name, value)


@dataclass(frozen=True)
class AssessmentPage:
    """One page of a list of assessments."""

    items: list[Assessment]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def visible_assessments(
    user: User,
    *,
    page: int = 1,
    per_page: int = 25,
    unit_code: str | None = None,
    stage: str | None = None,
    text: str | None = None,
) -> AssessmentPage:
    """A page of the assessments of the units ``user`` may view, newest first, optionally filtered."""
    conditions = [visible_units_clause(user, Assessment.unit_id)]
    if unit_code:
        conditions.append(Unit.code == unit_code)
    if stage:
        conditions.append(Assessment.stage == stage)
    if text:
        conditions.append(Assessment.title.ilike(f"%{text.replace('%', '').replace('_', '')}%"))
    total = db.session.scalar(select(func.count(Assessment.id)).join(Unit).where(*conditions)) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    query = (
        select(Assessment)
        .join(Unit)
        .where(*conditions)
        .options(selectinload(Assessment.unit), selectinload(Assessment.checklist_version))
        .order_by(Assessment.updated_at.desc(), Assessment.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    items = list(db.session.scalars(query))
    ensure_scores(items)
    return AssessmentPage(items, total, page, per_page)


def results_of(assessments: Iterable[Assessment]) -> dict[int, AssessmentResult]:
    """Scores of many assessments with two queries for all their responses and reviews."""
    assessments = list(assessments)
    if not assessments:
        return {}
    rows = db.session.execute(
        select(Response, ChecklistRequirement.code)
        .join(ChecklistRequirement, Response.requirement_id == ChecklistRequirement.id)
        .where(Response.assessment_id.in_([a.id for a in assessments]))
        .options(selectinload(Response.review), selectinload(Response.reported))
    )
    answers: dict[int, dict[str, Answer]] = defaultdict(dict)
    for response, code in rows:
        answers[response.assessment_id][code] = effective_answer(response)
    return {
        a.id: score_assessment(checklist_of(a.checklist_version), a.modules, answers[a.id], a.scope, a.focus)
        for a in assessments
    }


def _responses_of(assessment: Assessment):
    """The query of the assessment's responses with their code, each with the layers a card shows."""
    return (
        select(Response, ChecklistRequirement.code)
        .join(ChecklistRequirement, Response.requirement_id == ChecklistRequirement.id)
        .where(Response.assessment_id == assessment.id)
        .options(
            selectinload(Response.updated_by),
            selectinload(Response.review).selectinload(Review.updated_by),
            selectinload(Response.reported) if assessment.imported_record else lazyload(Response.reported),
            selectinload(Response.citations).selectinload(Citation.sop),
        )
    )


def _with_layers(assessment: Assessment, rows) -> dict[str, Response]:
    """The responses by requirement code; only an imported copy has a reported layer, so no query for the others."""
    responses = {code: response for response, code in rows}
    if not assessment.imported_record:
        for response in responses.values():
            set_committed_value(response, "reported", None)
    return responses


def score_sheet(assessment: Assessment) -> ScoreSheet:
    """Load everything needed to show or score an assessment, in a fixed number of queries."""
    generation = assessment.scores_generation  # before the responses (see ScoreSheet.generation)
    responses = _with_layers(assessment, db.session.execute(_responses_of(assessment)))
    actions = list(
        db.session.scalars(
            select(PlannedAction)
            .where(PlannedAction.assessment_id == assessment.id)
            .options(selectinload(PlannedAction.gaps))
            .order_by(PlannedAction.id)
        )
    )
    return ScoreSheet(assessment, checklist_of(assessment.checklist_version), responses, actions, generation)


def card_sheet(assessment: Assessment, requirement_id: str) -> ScoreSheet:
    """What saving one card needs: that card's response whole, every other card's counted answer.

    A save answers with the new figures, so it needs every answer, but not every response,
    review, citation and person as objects: reading the others as columns keeps a save quick
    while many people save cards of one assessment. ``responses`` is empty when the
    requirement is not part of the assessment.
    """
    generation = assessment.scores_generation  # before the responses (see ScoreSheet.generation)
    rows = db.session.execute(_responses_of(assessment).where(ChecklistRequirement.code == requirement_id))
    sheet = ScoreSheet(
        assessment,
        checklist_of(assessment.checklist_version),
        _with_layers(assessment, rows),
        generation=generation,
        card=requirement_id,
    )
    sheet.other_answers = _counted_answers(assessment, skip=requirement_id)
    return sheet


def _counted_answers(assessment: Assessment, *, skip: str) -> dict[str, Answer]:
    """Each card's counted answer (:func:`effective_answer`), from columns, but the one ``skip`` names."""
    query = (
        select(
            ChecklistRequirement.code,
            Response.value,
            Response.not_applicable,
            Response.not_evidenced,
            Response.basis,
            Review.id,
            Review.agreed_value,
            Review.agreed_not_applicable,
            Review.agreed_not_evidenced,
        )
        .join(ChecklistRequirement, Response.requirement_id == ChecklistRequirement.id)
        .outerjoin(Review, Review.response_id == Response.id)
        .where(Response.assessment_id == assessment.id, ChecklistRequirement.code != skip)
    )
    imported = bool(assessment.imported_record)
    if imported:
        query = query.add_columns(
            ReportedReview.agreed_value, ReportedReview.agreed_not_applicable, ReportedReview.agreed_not_evidenced
        ).outerjoin(ReportedReview, ReportedReview.response_id == Response.id)
    answers = {}
    for row in db.session.execute(query):
        code, value, na, ne, basis, review_id, a_value, a_na, a_ne = row[:9]
        agreed_here = (
            Answer(a_value, a_na, a_ne, basis) if review_id and (a_value is not None or a_na or a_ne) else None
        )
        agreed_reported = None
        if imported and (row[9] is not None or row[10] or row[11]):
            agreed_reported = Answer(row[9], bool(row[10]), bool(row[11]), basis)
        answers[code] = counted_answer(
            Answer(value, na, ne, basis),
            reviewed_here=review_id is not None,
            agreed_here=agreed_here,
            agreed_reported=agreed_reported,
        )
    return answers


def default_modules(checklist: Checklist) -> list[str]:
    """The optional modules a new assessment includes unless told otherwise: all of them.

    Firearms are the region's focus, so the web form and the command line both start with
    every module; a unit leaves one out by choice, never by accident of where it started.
    """
    return [module.id for module in checklist.modules]


def create_assessment(
    *,
    unit: Unit,
    version: ChecklistVersion,
    title: str,
    modules: Iterable[str] = (),
    scope: str = Scope.DESK,
    assessors: str = "",
    assessed_on: dt.date | None = None,
    user: User | None = None,
    focus: str = Focus.FULL,
) -> Assessment:
    """Start an assessment pinned to ``version``, with an empty response per requirement in scope (flushed, not committed).

    ``focus``: the full checklist, or the essential requirements only (a unit's first assessment).
    """
    checklist = checklist_of(version)
    declared = {m.id for m in checklist.modules}
    chosen = sorted(set(modules))
    unknown = [m for m in chosen if m not in declared]
    if unknown:
        raise AssessmentError(_("%(ref)s has no module %(modules)s", ref=checklist.ref, modules=", ".join(unknown)))
    if focus not in tuple(Focus):
        raise AssessmentError(_("the focus must be full or essentials, not %(focus)s", focus=focus))
    if not title.strip():
        raise AssessmentError(_("an assessment needs a title"))
    if scope not in tuple(Scope):
        raise AssessmentError(_("the scope must be desk or onsite, not %(scope)s", scope=scope))
    assessment = Assessment(
        unit=unit,
        checklist_version=version,
        title=title.strip(),
        modules=chosen,
        scope=scope,
        focus=focus,
        stage=Stage.SELF_ASSESSMENT,
        assessors=assessors.strip(),
        assessed_on=assessed_on or utcnow().date(),
        created_by=user,
    )
    wanted = {r.id for r in checklist.requirements(chosen, focus)}
    requirement_rows = db.session.scalars(
        select(ChecklistRequirement).where(ChecklistRequirement.checklist_version_id == version.id)
    )
    # Requirements the unit's jurisdiction profile sets aside start N/A with its reason; a person may answer them.
    aside = not_applying(checklist.requirements(chosen, focus), profile_of(unit))
    assessment.responses = [
        Response(
            requirement=row,
            not_applicable=row.code in aside,
            na_justification=aside[row.code].justification if row.code in aside else "",
        )
        for row in requirement_rows
        if row.code in wanted
    ]
    answers = {code: Answer(not_applicable=True) for code in aside}
    record_scores(assessment, score_assessment(checklist, chosen, answers, scope, focus))
    db.session.add(assessment)
    db.session.flush()
    record(
        "assessment.created",
        user=user,
        object_type="assessment",
        object_id=assessment.id,
        assessment=assessment,
        summary=(
            f"{assessment.title} ({version.ref}, {scope}, "
            f"{'essential requirements only, ' if focus == Focus.ESSENTIALS else ''}"
            f"modules: {', '.join(chosen) or 'none'}"
            f"{'; N/A from the jurisdiction profile: ' + ', '.join(sorted(aside)) if aside else ''})"
        )[:500],
    )
    return assessment
