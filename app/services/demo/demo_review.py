"""The demo's expert review, consultation, agreed scores and action plan (fictional)."""

from __future__ import annotations

import datetime as dt
import random

from app.domain.workflow import Move
from app.extensions import db
from app.models import Consultation, User
from app.models.base import utcnow
from app.services.assessment.access import Action
from app.services.assessment.assessments import ScoreSheet
from app.services.assessment.parts import take_part
from app.services.assessment.plans import delete_action, plan_of, suggest_actions
from app.services.assessment.responses import ensure_review
from app.services.assessment.workflow import move

OVER = {
    0: "does not address this at all",
    1: "names the duty but not who does it or what is recorded",
    2: "covers the steps but not the record to keep",
}
UNDER = {
    1: "the principle is stated and the responsible role named",
    2: "the steps and responsibilities are written down",
    3: "the steps, responsibilities and the record are all there",
}
QUERIES = [
    (
        "Which record shows this is done? Please point to the form.",
        "Form F-12 in the annex of {sop}; we will bring filled copies to the on-site visit.",
    ),
    (
        "Is this SOP version approved and in use, or still a draft?",
        "Approved by the head of the directorate in {year}; the signed copy is in the quality file.",
    ),
    (
        "Who checks this in practice, and how often?",
        "The shift leader checks it at each hand-over; we agree it should be written into the SOP.",
    ),
]
MINUTES = """Opening: the expert presented the purpose of the review and the scoring scale; the unit head presented the unit, its twelve documents and the changes since the last self-assessment.

Management system and methods: the unit accepted that its quality manual states principles but does not yet work as a management system (no internal audit, no management review, no nonconforming-work register). Validation of scene techniques was discussed at length; the unit relies on manufacturers' instructions and keeps no verification records.

Scene work: photography, notes and packaging are the unit's strengths and were rated higher by the expert than by the unit. Contamination control depends on individual habits; an elimination database needs a legal basis first.

Firearms: making safe is well described; 3D-printed firearms are not covered, which the expert classed as preparedness rather than an immediate risk.

Agreed: the unit head accepts the expert's scores where noted on each card; three scores remain under discussion until the on-site visit. The action plan was reviewed and the first five actions agreed with owners and dates."""

PARTICIPANTS = [
    {"name": "Ana Petrović", "role": "Head of the crime scene unit", "organisation": "Demo CSI Unit"},
    {"name": "Luka Horvat", "role": "Quality officer", "organisation": "Demo CSI Unit"},
    {"name": "Ivana Babić", "role": "Senior crime scene investigator", "organisation": "Demo CSI Unit"},
    {"name": "Dr Marko Kovač", "role": "Expert", "organisation": "SEESAC"},
    {"name": "Elena Nikolova", "role": "Project officer", "organisation": "SEESAC"},
]
OWNERS = ["Head of CSI unit", "Quality officer", "Technical manager", "Training officer", "Firearms coordinator"]


def _where(response) -> tuple[str, str]:
    if response.citations:
        first = response.citations[0]
        return first.sop.code if first.sop else "the SOP", first.section
    return "the SOPs", ""


def _finding(criticality: str, level: int | None, rng: random.Random) -> str | None:
    if level is None:
        return None
    if level == 0 and criticality == "essential":
        return "major_nc"
    if (level == 1 and criticality == "essential") or (level == 0 and criticality == "important"):
        return "minor_nc"
    if level in (1, 2) and rng.random() < 0.3:
        return "observation"
    if level == 3 and criticality == "essential" and rng.random() < 0.5:
        return "good_practice"
    return None


def review_demo(
    sheet: ScoreSheet, people: dict[str, User], truth: dict[str, int], rng: random.Random, full: bool
) -> None:
    """Submit, review, consult, agree and plan the demo assessment."""
    expert, head = people["expert"], people["unit_head"]
    submit_for_review(sheet, head, expert)
    reviewed = review_cards(sheet, expert, truth, rng, full=full)
    today = dt.date.today()
    hold_consultation(
        sheet,
        expert,
        held_on=today - dt.timedelta(days=9),
        place="Police Directorate, Demo City, meeting room 2",
        participants=PARTICIPANTS,
        minutes=MINUTES,
    )
    agree_cards(sheet, expert, reviewed, rng, full=full)
    plan_after_agreement(sheet, expert, first_due=today + dt.timedelta(days=60))
    if full:
        move(sheet, Move.CONFIRM_AGREEMENT, head)
    db.session.flush()


def submit_for_review(sheet: ScoreSheet, head: User, expert: User) -> None:
    """The unit plans every gap and submits; the expert starts the review."""
    suggest_actions(sheet, head)  # a unit submits with every gap planned (the stage guard asks for it)
    move(sheet, Move.SUBMIT, head)
    move(sheet, Move.START_REVIEW, expert)
    take_part(sheet.assessment, expert, Action.REVIEW)


def review_cards(
    sheet: ScoreSheet, expert: User, truth: dict[str, int], rng: random.Random, *, full: bool
) -> list[str]:
    """The expert scores the cards at ``truth`` (all when ``full``, else about nine in ten) and says why; the ids reviewed."""
    reviewed: list[str] = []
    for req in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus):
        response = sheet.responses[req.id]
        if not full and rng.random() < 0.12:
            continue
        review = ensure_review(response)
        review.updated_by, review.updated_at = expert, utcnow()
        reviewed.append(req.id)
        if response.not_applicable or response.not_evidenced:
            review.not_applicable, review.not_evidenced = response.not_applicable, response.not_evidenced
            review.stance = "agree"
            continue
        own, found = response.value, truth[req.id]
        review.value = found
        sop, sec = _where(response)
        place = f"{sop} § {sec}" if sec else sop
        if own > found:
            review.stance = "disagree"
            review.comment = f"The unit scored {own}; {place} {OVER[found]}. On the text this is a {found}."
        elif own < found:
            review.stance = "disagree"
            review.comment = f"The unit scored {own}, but in {place} {UNDER[found]}. {found} is fair."
        elif rng.random() < 0.08:
            question, answer = rng.choice(QUERIES)
            review.stance, review.comment = "query", question
            response.reply = answer.format(sop=sop, year=2024)
        else:
            review.stance = "agree"
        review.finding = _finding(req.criticality, found, rng)
    db.session.flush()
    return reviewed


def hold_consultation(
    sheet: ScoreSheet, expert: User, *, held_on: dt.date, place: str, participants: list[dict], minutes: str
) -> None:
    """The consultation record, and the move to "consultation held"."""
    db.session.add(
        Consultation(
            assessment=sheet.assessment,
            held_on=held_on,
            place=place,
            online=False,
            participants=participants,
            minutes=minutes,
            updated_by=expert,
        )
    )
    db.session.flush()
    move(sheet, Move.HOLD_CONSULTATION, expert)


def agree_cards(sheet: ScoreSheet, expert: User, reviewed: list[str], rng: random.Random, *, full: bool) -> None:
    """The expert's score agreed where it differs (all when ``full``, else about seven in ten)."""
    for code in reviewed:
        if not sheet.differs(code) or (not full and rng.random() < 0.3):
            continue
        response = sheet.responses[code]
        review = response.review
        review.agreed_value, review.agreed_not_applicable, review.agreed_not_evidenced = (
            review.value,
            review.not_applicable,
            review.not_evidenced,
        )
        review.agreed_by = expert
        if not full and response.value is not None and review.value is not None and response.value > review.value + 1:
            response.dissent = "The unit holds that the practice is established; records will be shown on site."
    take_part(sheet.assessment, expert, Action.AGREE)
    db.session.flush()
    sheet.refresh()


def plan_after_agreement(
    sheet: ScoreSheet, expert: User, *, first_due: dt.date, keep: frozenset[int] = frozenset()
) -> None:
    """Plan the gaps the agreed scores leave; drop actions left without a gap (but those in ``keep``);
    owners and due dates (from ``first_due``, a month apart every three) for the first twelve, the first five agreed."""
    suggest_actions(sheet, expert)
    for item in plan_of(sheet).items:
        if not item.gaps and item.action.id not in keep:  # the agreed score closed what the unit planned for
            delete_action(sheet, item.action.id)
    for n, item in enumerate(item for item in plan_of(sheet).items if item.action.id not in keep):
        action = item.action
        if n < 12:
            action.owner = OWNERS[n % len(OWNERS)]
            action.due_on = first_due + dt.timedelta(days=30 * (n // 3))
        if n < 5:
            action.status = "agreed"
