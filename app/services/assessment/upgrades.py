"""Upgrading an assessment to a later checklist version: a new draft that keeps every answer that maps.

The earlier assessment is never changed. The new one starts in the self-assessment stage
on the later version, with each requirement's answer, notes and SOP citations taken from
the earlier requirements it replaces (:mod:`app.domain.lineage`), marked to re-check where
the requirement was reworded, split or merged, and with the action plan carried across.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain.checklist import Checklist
from app.domain.lineage import Carry, EarlierAnswer, Kind, Lineage, merge, modules_after_upgrade
from app.domain.results import score_assessment
from app.domain.scoring import Scope
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Citation, PlannedAction, Response, User
from app.services.accounts.audit import record
from app.services.assessment.assessments import create_assessment, record_scores
from app.services.content.checklists import UpgradeStepMissing, checklist_of, stored_lineage, version_key


class UpgradeRefused(Exception):
    """The assessment cannot be upgraded to that version; the message says why."""


@dataclass(frozen=True)
class UpgradePlan:
    """What an upgrade would do, shown before it is done and printed after."""

    assessment: Assessment
    version: ChecklistVersion
    lineage: Lineage
    modules: list[str]
    #: Earlier requirements that had an answer.
    answered: list[str]
    #: Of those, the ones some requirement of the later version takes on.
    carried: list[str]
    #: Later requirements whose carried answer is to re-check, with how they came to be (most changed first).
    to_recheck: list[Carry]
    #: Answered earlier requirements not carried, with the reason.
    left: list[tuple[str, str]]
    #: Reworded or split off, but with nearly the same words on the same basis: carried without a re-check.
    near_identical: list[Carry] = field(default_factory=list)
    #: Later requirements with elements whose carried score brings no ticks: the elements are to be ticked.
    to_tick: list[str] = field(default_factory=list)
    #: Reworded in plain words, the same duty (``carried_as: same``): carried without a re-check.
    plain_words: list[Carry] = field(default_factory=list)

    @property
    def site_requirements(self) -> int:
        """Requirements of the new draft only records or practice decide ("to verify on site" in a desk review)."""
        return sum(
            1 for req in self.lineage.later.requirements(self.modules, self.assessment.focus) if req.needs_site_visit
        )

    @property
    def words_to_read(self) -> int:
        """Words of the earlier and the new title and statement on the cards to re-check."""
        earlier, later = self.lineage.earlier, self.lineage.later
        total = 0
        for carry in self.to_recheck:
            for req in [later.requirement(carry.requirement_id), *(earlier.requirement(e) for e in carry.earlier)]:
                total += len(str(req.title).split()) + len(str(req.statement).split())
        return total

    @property
    def summary(self) -> str:
        """The line the command prints and the page shows."""
        return f"carried over {len(self.carried)} of {len(self.answered)} answers"


def successors(assessment: Assessment) -> list[Assessment]:
    """The drafts this assessment was upgraded into, newest version first.

    A follow-up started from it in another round of a programme is not an upgrade of it
    (:mod:`app.services.programme.follow_up`), though it names it as its predecessor too.
    """
    found = db.session.scalars(
        select(Assessment).where(
            Assessment.predecessor_id == assessment.id,
            or_(Assessment.round_id.is_(None), Assessment.round_id == assessment.round_id),
        )
    )
    return sorted(found, key=lambda a: version_key(a.checklist_version.version), reverse=True)


def later_versions(assessment: Assessment, upgraded: list[Assessment] | None = None) -> list[ChecklistVersion]:
    """Stored versions of the assessment's checklist later than its own and than any it was upgraded to.

    ``upgraded``: the assessment's successors, when the caller has them already.
    """
    current = assessment.checklist_version
    reached = [current.version] + [
        a.checklist_version.version for a in (successors(assessment) if upgraded is None else upgraded)
    ]
    floor = max(version_key(v) for v in reached)
    rows = db.session.scalars(select(ChecklistVersion).where(ChecklistVersion.checklist_id == current.checklist_id))
    later = [row for row in rows if version_key(row.version) > floor]
    return sorted(later, key=lambda row: version_key(row.version), reverse=True)


def _already_upgraded(assessment: Assessment, version: ChecklistVersion) -> UpgradeRefused | None:
    done = next((a for a in successors(assessment) if a.checklist_version_id == version.id), None)
    if done is None:
        return None
    return UpgradeRefused(
        _(
            "This assessment was upgraded to version %(version)s already: assessment %(id)s, '%(title)s'.",
            version=version.version,
            id=done.id,
            title=done.title,
        )
    )


def _earlier_answers(assessment: Assessment) -> dict[str, Response]:
    responses = db.session.scalars(
        select(Response)
        .where(Response.assessment_id == assessment.id)
        .options(selectinload(Response.requirement), selectinload(Response.citations))
    )
    return {response.requirement.code: response for response in responses}


def plan_upgrade(assessment: Assessment, version: ChecklistVersion) -> UpgradePlan:
    """What upgrading ``assessment`` to ``version`` would carry, leave and mark to re-check."""
    current = assessment.checklist_version
    if version.checklist_id != current.checklist_id:
        raise UpgradeRefused(
            _("%(to)s is another checklist than %(from)s.", to=version.checklist_id, **{"from": current.checklist_id})
        )
    if version_key(version.version) <= version_key(current.version):
        raise UpgradeRefused(
            _(
                "Version %(to)s is not later than %(from)s, the assessment's version.",
                to=version.version,
                **{"from": current.version},
            )
        )
    if refused := _already_upgraded(assessment, version):
        raise refused
    later = checklist_of(version)
    try:
        found = stored_lineage(current, version)
    except UpgradeStepMissing as missing:
        raise UpgradeRefused(
            _(
                "An upgrade from %(from)s to %(to)s goes through version %(step)s, which is not loaded. "
                "Ask an administrator to load it ('flask checklists load'), then upgrade again.",
                to=version.version,
                step=missing.version,
                **{"from": current.version},
            )
        ) from None
    modules = modules_after_upgrade(checklist_of(current), later, assessment.modules)
    in_modules = {r.id for r in later.requirements(modules)}
    in_scope = {r.id for r in later.requirements(modules, assessment.focus)}
    responses = _earlier_answers(assessment)
    answered = [rid for rid, response in responses.items() if response.answer.given]
    carried, left = [], []
    for rid in answered:
        successors = [s for s in found.successors(rid) if s in in_scope]
        if successors:
            carried.append(rid)
        elif rid in found.retired:
            reason = found.retired[rid]
            left.append((rid, _("retired: %(reason)s", reason=reason) if reason else _("retired")))
        elif any(s in in_modules for s in found.successors(rid)):
            left.append(
                (rid, _("its successors are not essential, and this first assessment takes the essentials only"))
            )
        elif found.successors(rid):
            left.append((rid, _("its successors are in a module this assessment leaves out")))
        else:
            left.append((rid, _("the later version does not say what became of it")))
    taking = [
        carry for rid, carry in found.carries.items() if rid in in_scope and any(e in answered for e in carry.earlier)
    ]
    to_recheck = sorted((c for c in taking if c.to_recheck), key=lambda c: -c.change)  # stable: checklist order
    plain = [c for c in taking if c.plain_words and not c.to_recheck]
    near = [c for c in taking if c.near_identical and c not in plain]
    earlier_checklist = checklist_of(current)
    to_tick = [
        c.requirement_id
        for c in taking
        if later.requirement(c.requirement_id).elements
        and any(responses[e].value is not None for e in c.earlier if e in responses)
        and not _keeps_ticks(
            earlier_checklist, later, c.requirement_id, [(e, responses[e]) for e in c.earlier if e in responses]
        )
    ]
    return UpgradePlan(assessment, version, found, modules, answered, carried, to_recheck, left, near, to_tick, plain)


def _as_earlier(requirement_id: str, response: Response) -> EarlierAnswer:
    return EarlierAnswer(
        requirement_id,
        response.answer,
        response.na_justification,
        response.evidence_note,
        response.recommendation,
        response.no_action_reason,
    )


#: What ``carried_from`` adds after the earlier requirement(s), by kind (stored, so in the file's language).
_ORIGIN = {Kind.SAME: "", Kind.REWORDED: " (reworded)", Kind.SPLIT: " (split)", Kind.MERGED: " (merged)"}
PLAIN_WORDS = " (reworded in plain words, same duty)"


def _describe(carry: Carry, from_version: str) -> str:
    how = PLAIN_WORDS if carry.plain_words and not carry.to_recheck else _ORIGIN[carry.kind]
    return f"{from_version} {', '.join(carry.earlier)}{how}"[:200]


def upgrade_assessment(
    assessment: Assessment,
    version: ChecklistVersion,
    user: User | None,
    title: str | None = None,
    scope: str | None = None,
) -> tuple[Assessment, UpgradePlan]:
    """Create the new draft on ``version`` (flushed, not committed) and say what it carried.

    ``scope``: desk or on-site for the new draft; by default the earlier assessment's.
    """
    if scope is not None and scope not in tuple(Scope):
        raise UpgradeRefused(_("Choose the scope: desk (a document review) or onsite."))
    plan = plan_upgrade(assessment, version)
    later = checklist_of(version)
    new = create_assessment(
        unit=assessment.unit,
        version=version,
        title=title or assessment.title,
        modules=plan.modules,
        scope=scope or assessment.scope,
        assessors=assessment.assessors,
        user=user,
        focus=assessment.focus,
    )
    new.predecessor = assessment
    try:  # two people upgrading at the same moment: the database keeps one draft per version
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise _already_upgraded(assessment, version) or UpgradeRefused(_("The upgrade could not be saved.")) from None
    earlier = _earlier_answers(assessment)
    earlier_checklist = checklist_of(assessment.checklist_version)
    scale = [level.value for level in later.scale]
    taken_from: dict[int, list[Response]] = {}  # earlier response id -> the new responses it fed
    answers = {}
    for response in new.responses:
        rid = response.requirement.code
        carry = plan.lineage.carries[rid]
        sources = [(e, earlier[e]) for e in carry.earlier if e in earlier]
        if not sources:
            continue
        for _rid, source in sources:
            taken_from.setdefault(source.id, []).append(response)
        merged = merge([_as_earlier(e, source) for e, source in sources], scale)
        if merged is None:
            continue
        answer = merged.answer
        response.value, response.not_applicable, response.not_evidenced = (
            answer.value,
            answer.not_applicable,
            answer.not_evidenced,
        )
        response.basis = answer.basis
        response.na_justification = merged.na_justification
        response.evidence_note = merged.evidence_note
        response.recommendation = merged.recommendation
        response.no_action_reason = merged.no_action_reason
        response.carried_from = _describe(carry, assessment.checklist_version.version)
        response.recheck = carry.to_recheck
        response.ticks, response.level_reason = _carried_ticks(earlier_checklist, later, rid, sources, answer)
        seen = set()
        for _rid, source in sources:
            for citation in source.citations:
                key = (citation.sop_id, citation.section)
                if citation.sop_id is not None and key not in seen:
                    seen.add(key)
                    response.citations.append(
                        Citation(
                            sop_id=citation.sop_id,
                            section=citation.section,
                            position=len(seen) - 1,
                            quote=citation.quote,
                        )
                    )
        answers[rid] = response.answer
    _carry_actions(assessment, new, taken_from)
    record_scores(new, score_assessment(later, plan.modules, answers, new.scope, new.focus))
    db.session.flush()
    record(
        "assessment.upgraded",
        user=user,
        object_type="assessment",
        object_id=new.id,
        assessment=new,
        summary=f"from assessment {assessment.id} ({assessment.checklist_version.version}) to {version.version}: "
        f"{plan.summary}, {len(plan.to_recheck)} to re-check, {new.scope}",
    )
    return new, plan


def _keeps_ticks(earlier: Checklist, later: Checklist, rid: str, sources: list[tuple[str, Response]]) -> bool:
    """A carried answer keeps its ticks when it has one source, ticked, with the very same elements."""
    if len(sources) != 1:
        return False
    earlier_id, source = sources[0]
    elements = later.requirement(rid).elements
    try:
        before = earlier.requirement(earlier_id).elements
    except KeyError:
        return False
    return bool(elements) and source.ticks is not None and before == elements


def _carried_ticks(earlier: Checklist, later: Checklist, rid: str, sources: list, answer) -> tuple[list | None, str]:
    """The ticks a carried answer keeps (see :func:`_keeps_ticks`), with their reason.

    Anything else proposes no ticks: on a requirement with elements, the card then asks for
    the elements to be ticked (:func:`app.services.assessment.rechecks.to_tick`).
    """
    if answer.value is None or not _keeps_ticks(earlier, later, rid, sources):
        return None, ""
    source = sources[0][1]
    return list(source.ticks), source.level_reason


def _carry_actions(earlier: Assessment, new: Assessment, taken_from: dict[int, list[Response]]) -> None:
    """Every action of the plan, linked to the new responses its gaps became."""
    actions = db.session.scalars(
        select(PlannedAction)
        .where(PlannedAction.assessment_id == earlier.id)
        .options(selectinload(PlannedAction.gaps))
        .order_by(PlannedAction.id)
    )
    linked: set[int] = set()  # a response belongs to one action at most
    for action in actions:
        gaps = []
        for gap in action.gaps:
            for response in taken_from.get(gap.id, []):
                if id(response) not in linked:
                    linked.add(id(response))
                    gaps.append(response)
        db.session.add(action.carry(new, gaps))
