"""The two rounds of the regional demo (fictional): a first assessment by profile, then a follow-up with progress.

A unit's answers are written straight onto its responses (the single-card save, with its
audit event per card, would make the demo slow); the stage moves, the review, the
consultation and the action plan go through the same services as in ``flask demo``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from app.domain.checklist import Focus, Requirement
from app.domain.scoring import Scope
from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Citation, Response, Round, Unit, User
from app.models.base import utcnow
from app.services.assessment.access import Action
from app.services.assessment.assessments import ScoreSheet, create_assessment, record_scores, score_sheet
from app.services.assessment.parts import take_part
from app.services.assessment.plans import delete_action, suggest_actions
from app.services.assessment.responses import ResponseInput
from app.services.assessment.workflow import move
from app.services.content.checklists import checklist_of
from app.services.demo.demo import SECTION_SOP, SOPS, self_answer, true_level
from app.services.demo.demo_review import (
    agree_cards,
    hold_consultation,
    plan_after_agreement,
    review_cards,
    submit_for_review,
)
from app.services.programme.follow_up import start_follow_up
from app.services.programme.programmes import place_in_round

TITLE = "Scene SOP assessment (round {label})"
#: How the follow-up's actions fared, and how often: done, under way (due later), untouched (overdue).
FATES = (("done", 0.25), ("in_progress", 0.4), ("overdue", 0.35))
DROPPED = "Dropped in round 2026: the national forensic laboratory now does this for the unit under its own procedure."
NEW_GAP = " Since the last round: the SOP was withdrawn for revision and its replacement is still a draft."


@dataclass(frozen=True)
class Jurisdiction:
    """A fictional unit's profile: typical level by section, how it rates itself, where it progresses."""

    code: str
    place: str
    head: tuple[str, str]  # email, name
    viewer: tuple[str, str]
    profile: str
    base: float
    sections: dict[str, float] = field(default_factory=dict)
    #: +1: rates itself a level higher than the expert finds; -1: lower; in ``biased`` sections (None: all).
    bias: int = 0
    biased: tuple[str, ...] | None = None
    #: The optional modules (scene types) it takes; None: every module.
    modules: tuple[str, ...] | None = None
    focus: str = Focus.FULL
    #: The documents of its register (codes of the demo's SOPS); None: all of them.
    sops: tuple[str, ...] | None = None
    #: Sections where it works on its gaps between the rounds.
    gains: tuple[str, ...] = ()
    #: Its follow-up stays in review (not finalised).
    in_review: bool = False

    @property
    def sops_kept(self) -> set[str]:
        return {code for code, *_rest in SOPS} if self.sops is None else set(self.sops)

    def mean(self, section_id: str) -> float:
        return self.sections.get(section_id, self.base)

    def bias_in(self, section_id: str) -> int:
        return self.bias if self.biased is None or section_id in self.biased else 0


def _own(rng: random.Random, level: int, bias: int, lean: float) -> int:
    """The unit's own level: off by its bias with chance ``lean`` (by twice its bias, now and then)."""
    draw = rng.random()
    return max(0, min(3, level + (2 * bias if draw < 0.1 else bias if draw < lean else 0)))


def _answer(response: Response, data: ResponseInput, user: User, extra_note: str = "") -> None:
    """Write the unit's answer on the card, as a save would, and clear any re-check."""
    response.value, response.not_applicable, response.not_evidenced = (
        data.value,
        data.not_applicable,
        data.not_evidenced,
    )
    response.na_justification = data.na_justification
    response.basis = data.basis if data.value is not None else None
    response.evidence_note = data.evidence_note + extra_note
    response.citations = [Citation(sop_id=s, section=sec, position=i) for i, (s, sec) in enumerate(data.citations)]
    response.recheck, response.recheck_reason = False, ""
    response.updated_by, response.updated_at = user, utcnow()


def _participants(place: Jurisdiction, unit: Unit, head: User, expert: User) -> list[dict]:
    return [
        {"name": head.name, "role": "Head of the crime scene unit", "organisation": unit.name},
        {"name": expert.name, "role": "Expert", "organisation": "Regional programme (demo)"},
    ]


def _minutes(place: Jurisdiction, label: str) -> str:
    return (
        f"Round {label}. Opening: the expert presented the purpose of the review and the scoring scale; the unit "
        f"head presented the unit and its documents.\n\nFindings: the unit is {place.profile}.\n\nAgreed: the unit "
        "head accepts the expert's scores where noted on each card. The action plan was reviewed with owners and dates."
    )


def _review(
    sheet: ScoreSheet,
    place: Jurisdiction,
    head: User,
    expert: User,
    truth: dict[str, int],
    rng: random.Random,
    *,
    label: str,
    held_on: dt.date,
    first_due: dt.date,
    keep: frozenset[int] = frozenset(),
    finalise: bool = True,
) -> None:
    """Submit and review; unless it stays in review: consult, agree, plan, confirm and finalise."""
    submit_for_review(sheet, head, expert)
    reviewed = review_cards(sheet, expert, truth, rng, full=False)
    if finalise:
        unit = sheet.assessment.unit
        hold_consultation(
            sheet,
            expert,
            held_on=held_on,
            place=f"Police Directorate, {place.place} (fictional)",
            participants=_participants(place, unit, head, expert),
            minutes=_minutes(place, label),
        )
        agree_cards(sheet, expert, reviewed, rng, full=True)
        plan_after_agreement(sheet, expert, first_due=first_due, keep=keep)
        move(sheet, Move.CONFIRM_AGREEMENT, head)
        move(sheet, Move.FINALISE, expert)
    sheet.refresh()
    record_scores(sheet.assessment, sheet.result)
    db.session.flush()


def _in_scope(sheet: ScoreSheet) -> list[Requirement]:
    return list(sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus))


def first_round(
    place: Jurisdiction,
    unit: Unit,
    head: User,
    expert: User,
    version: ChecklistVersion,
    found: Round,
    rng: random.Random,
    *,
    day: int,
) -> tuple[Assessment, dict[str, int]]:
    """The unit's first-round assessment scored by its profile, reviewed, agreed, finalised; and the expert's levels."""
    checklist = checklist_of(version)
    modules = list(place.modules) if place.modules is not None else [m.id for m in checklist.modules]
    assessment = create_assessment(
        unit=unit,
        version=version,
        title=TITLE.format(label=found.label),
        modules=modules,
        scope=Scope.DESK,
        assessors=f"{head.name} (unit head); reviewed by {expert.name}",
        assessed_on=dt.date(2025, 3, 3 + day),
        user=head,
        focus=place.focus,
    )
    place_in_round(assessment, found)
    sheet = score_sheet(assessment)
    sops = {s.code: s for s in unit.sops}
    truth: dict[str, int] = {}
    for req in _in_scope(sheet):
        truth[req.id] = true_level(rng, place.mean(req.section_id), req.criticality)
        own = _own(rng, truth[req.id], place.bias_in(req.section_id), lean=0.6)
        _answer(sheet.responses[req.id], self_answer(rng, req, sops, own), head)
    take_part(assessment, head, Action.SCORE)
    sheet.refresh()
    _review(
        sheet,
        place,
        head,
        expert,
        truth,
        rng,
        label=found.label,
        held_on=dt.date(2025, 4, 7 + day),
        first_due=dt.date(2025, 6, 30),
    )
    for n, action in enumerate(sheet.actions):
        if 5 <= n < 8:
            action.status = "in_progress"
    return assessment, truth


def _new_sop_versions(place: Jurisdiction, unit: Unit) -> None:
    """The register moves on: the documents behind the sections the unit worked on get a new version."""
    codes = {SECTION_SOP[s] for s in place.gains if s in SECTION_SOP}
    for sop in unit.sops:
        if sop.code in codes:
            major, _dot, minor = sop.version.partition(".")
            sop.version = f"{major}.{int(minor or 0) + 1}"
            sop.issued_on = dt.date(2026, 1, 15)


def follow_up_round(
    place: Jurisdiction,
    previous: Assessment,
    truth: dict[str, int],
    head: User,
    expert: User,
    found: Round,
    rng: random.Random,
    *,
    day: int,
) -> Assessment:
    """The unit's follow-up: its actions done, under way, overdue or dropped; gaps closed and a few new; reviewed."""
    unit = previous.unit
    _new_sop_versions(place, unit)
    new, _plan = start_follow_up(previous, found, head)
    new.assessed_on = dt.date(2026, 3, 3 + day)
    sheet = score_sheet(new)
    code_of = {r.id: code for code, r in sheet.responses.items()}
    later = dict(truth)
    carried = list(sheet.actions)
    dropped = rng.choice(carried) if carried else None
    for action in carried:
        if action is dropped:
            continue
        fate = rng.choices([f for f, _w in FATES], weights=[w for _f, w in FATES])[0]
        codes = [code_of[g.id] for g in action.gaps if g.id in code_of]
        if fate == "done":
            action.status = "done"
            for code in codes:
                if rng.random() < 0.8:
                    later[code] = min(3, truth[code] + rng.choice((1, 1, 2)))
        elif fate == "in_progress":
            action.status, action.due_on = "in_progress", dt.date(2027, 3, 31)
            for code in codes:
                if rng.random() < 0.2:
                    later[code] = min(3, truth[code] + 1)
        elif action.due_on is None:  # untouched: due before this round, so overdue now
            action.due_on = dt.date(2026, 3, 31)
    requirements = _in_scope(sheet)
    worse = set()
    for req in requirements:
        if req.section_id in place.gains and rng.random() < 0.2:
            later[req.id] = min(3, later[req.id] + 1)
        elif later[req.id] == 3 and rng.random() < 0.05:  # a new gap
            later[req.id] = rng.choice((1, 2))
            worse.add(req.id)
    sops = {s.code: s for s in unit.sops}
    for req in requirements:
        response = sheet.responses[req.id]
        if later[req.id] == truth[req.id] and response.answer.given and rng.random() < 0.9:
            response.recheck, response.recheck_reason = False, ""  # "Still holds"
            continue
        own = _own(rng, later[req.id], place.bias_in(req.section_id), lean=0.35)
        _answer(response, self_answer(rng, req, sops, own), head, NEW_GAP if req.id in worse else "")
    take_part(new, head, Action.SCORE)
    if dropped is not None:
        gaps = list(dropped.gaps)
        delete_action(sheet, dropped.id, head)
        for response in gaps:
            response.no_action_reason = DROPPED
    sheet.refresh()
    suggest_actions(sheet, head)  # the new gaps
    kept = frozenset(a.id for a in carried if a is not dropped)
    _review(
        sheet,
        place,
        head,
        expert,
        later,
        rng,
        label=found.label,
        held_on=dt.date(2026, 4, 7 + day),
        first_due=dt.date(2027, 3, 31),
        keep=kept,
        finalise=not place.in_review,
    )
    return new
