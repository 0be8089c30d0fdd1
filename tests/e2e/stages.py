"""Fresh assessments for browser tests, at the stage a test needs, made on the server directly.

Each test gets its own assessment, so tests do not disturb each other or the demo.
"""

from __future__ import annotations

import datetime as dt

from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, ChecklistRequirement, Consultation, Response, Unit, User
from app.services.assessment.assessments import create_assessment, score_sheet
from app.services.assessment.workflow import move
from app.services.content.checklists import latest_versions
from app.web.assessments.scoring_page import card_url
from tests.e2e.conftest import EMAILS


def user(role: str) -> User:
    return db.session.scalar(db.select(User).where(User.email == EMAILS[role]))


def draft(server, title: str = "Browser test") -> int:
    """A new self-assessment of the demo unit (core only), its id."""
    with server["app"].app_context():
        unit = db.session.scalar(db.select(Unit).where(Unit.code == "DEMO"))
        assessment = create_assessment(unit=unit, version=latest_versions()[0], title=title, scope="onsite")
        db.session.commit()
        return assessment.id


def _answer_the_rest(assessment: Assessment) -> None:
    """Score what nobody answered yet at 3 (no gap), as the stage guards need before a submission."""
    for response in score_sheet(assessment).responses.values():
        if response.value is None and not (response.not_applicable or response.not_evidenced):
            response.value, response.basis = 3, "sop_text"
    db.session.flush()


def moved(server, assessment_id: int, *moves: tuple[Move, str]) -> None:
    """Make stage moves on the server, each as the role given (as another person would)."""
    with server["app"].app_context():
        for chosen, role in moves:
            if chosen is Move.SUBMIT:
                _answer_the_rest(db.session.get(Assessment, assessment_id))
            if chosen is Move.HOLD_CONSULTATION:
                db.session.add(
                    Consultation(
                        assessment_id=assessment_id, held_on=dt.date(2026, 3, 2), participants=[{"name": "Ana"}]
                    )
                )
                db.session.flush()
            move(score_sheet(db.session.get(Assessment, assessment_id)), chosen, user(role))
        db.session.commit()


def in_review(server, title: str = "Browser test in review") -> int:
    """A new assessment the unit submitted and the expert is reviewing, its id."""
    assessment_id = draft(server, title)
    moved(server, assessment_id, (Move.SUBMIT, "unit_head"), (Move.START_REVIEW, "expert"))
    return assessment_id


def stored(server, assessment_id: int, code: str) -> Response:
    """The response to requirement ``code`` as stored now (its review and citations loaded)."""
    with server["app"].app_context():
        response = db.session.scalar(
            db.select(Response)
            .join(ChecklistRequirement)
            .where(Response.assessment_id == assessment_id, ChecklistRequirement.code == code)
        )
        response.citations, response.review  # noqa: B018  (load them before the session closes)
        db.session.expunge_all()
        return response


def consultation(server, assessment_id: int) -> Consultation | None:
    with server["app"].app_context():
        record = db.session.scalar(db.select(Consultation).where(Consultation.assessment_id == assessment_id))
        db.session.expunge_all()
        return record


def card_page(server, assessment_id: int, code: str) -> str:
    """The address of the page of its section that holds requirement ``code``'s card (a section
    comes a few cards at a time)."""
    with server["app"].test_request_context():
        return card_url(score_sheet(db.session.get(Assessment, assessment_id)), code, anchor=False)
