"""Follow-up assessments: a unit's next-round assessment starts from its previous one.

Every answer the unit wrote (score, N/A and its justification, not evidenced, basis, notes,
recommendation, element ticks and the reason for another level, cited SOP sections with
their quotes) and every action of the plan carries over into a new self-assessment draft
in the later round, each answer marked to re-confirm: the unit confirms it ("Still holds")
or changes it. Where a later checklist version is loaded, the draft is made by the upgrade
path (:mod:`app.services.assessment.upgrades`), which maps each answer to the requirements
that replace it.

The draft starts from the unit's OWN earlier scores, not from the scores agreed with the
expert: the self-assessment layer is the unit's word, and the next round's calibration
(self against expert) means something only if the unit scores for itself. The agreed score
is shown on each card ("Since the last round") for the unit to take up where it agrees.
The expert's review, the unit's replies and its dissent stay with the earlier round.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.domain.workflow import Stage
from app.extensions import db
from app.models import (
    Assessment,
    ChecklistRequirement,
    ChecklistVersion,
    Citation,
    PlannedAction,
    Response,
    Round,
    User,
)
from app.services.accounts.audit import record
from app.services.assessment.access import Action, may
from app.services.assessment.assessments import create_assessment, record_scores, score_sheet
from app.services.assessment.upgrades import UpgradePlan, UpgradeRefused, plan_upgrade, upgrade_assessment
from app.services.content.checklists import version_key
from app.services.labels import STAGE
from app.services.programme.programmes import ProgrammeError, place_in_round, programmes_of_unit

#: What a follow-up copies of each of the unit's answers (never the review, the reply or the dissent).
ANSWER_COPIED = (
    "value",
    "not_applicable",
    "not_evidenced",
    "na_justification",
    "basis",
    "evidence_note",
    "recommendation",
    "ticks",
    "level_reason",
    "no_action_reason",
)


class FollowUpRefused(Exception):
    """A follow-up cannot be started as asked; the message says why, in a plain sentence."""


@dataclass(frozen=True)
class FollowUpPlan:
    """What a follow-up carries (before it is started: what it would carry)."""

    previous: Assessment
    round: Round
    version: ChecklistVersion
    #: Answers given in the previous assessment.
    answered: int
    #: Of those, the answers carried over (all of them on the same checklist version).
    carried: int
    #: Cards of the new draft marked to re-confirm.
    to_reconfirm: int
    #: Actions of the previous plan carried over, and how many of them were done.
    actions: int
    actions_done: int
    #: The upgrade's own plan when a later checklist version is used, else None.
    upgrade: UpgradePlan | None = None

    @property
    def upgraded(self) -> bool:
        return self.upgrade is not None

    @property
    def summary(self) -> str:
        """The end of the line the command prints: "carried over N of M answers, K to re-confirm"."""
        return f"carried over {self.carried} of {self.answered} answers, {self.to_reconfirm} to re-confirm"


def is_follow_up(assessment: Assessment) -> bool:
    """True for an assessment started from one of an earlier round (not a checklist upgrade in its own round)."""
    predecessor = assessment.predecessor
    return predecessor is not None and assessment.round_id is not None and assessment.round_id != predecessor.round_id


def follow_ups(previous: Assessment) -> list[Assessment]:
    """The assessments started from ``previous`` in other rounds, oldest first."""
    query = (
        select(Assessment)
        .where(Assessment.predecessor_id == previous.id, Assessment.round_id.is_not(None))
        .options(selectinload(Assessment.round))
        .order_by(Assessment.id)
    )
    return [a for a in db.session.scalars(query) if a.round_id != previous.round_id]


def _comes_before(found: Round, other: Round) -> bool:
    """``found`` is an earlier round of the same programme than ``other`` (rounds run in the order made)."""
    if found.programme_id != other.programme_id:
        return False
    order = [r.id for r in other.programme.rounds]
    return order.index(found.id) < order.index(other.id)


def _followed_before(started: list[Assessment], found: Round) -> Assessment | None:
    """A follow-up already in ``found`` or in an earlier round of its programme: the next one starts from that."""
    return next((a for a in started if a.round_id == found.id or _comes_before(a.round, found)), None)


def open_rounds(previous: Assessment) -> list[Round]:
    """The rounds a follow-up of ``previous`` could start in: its unit's programmes' rounds after its own,
    up to the first one it was followed up in."""
    started = follow_ups(previous)
    own = previous.round
    rounds = []
    for programme in programmes_of_unit(previous.unit):
        for found in programme.rounds:
            if own is not None and (found.id == own.id or _comes_before(found, own)):
                continue
            if _followed_before(started, found) is None:
                rounds.append(found)
    return rounds


def newest_version(previous: Assessment) -> ChecklistVersion:
    """The newest loaded version of the previous assessment's checklist (its own when none is later)."""
    rows = db.session.scalars(
        select(ChecklistVersion).where(ChecklistVersion.checklist_id == previous.checklist_version.checklist_id)
    )
    return max(rows, key=lambda row: version_key(row.version))


def _round_words(found: Round | None, assessment: Assessment) -> str:
    return _("round %(label)s", label=found.label) if found is not None else _("assessment %(id)s", id=assessment.id)


def _check(previous: Assessment, found: Round, user: User | None, version: ChecklistVersion) -> None:
    """Refuse, with a plain sentence, a follow-up that should not be started."""
    unit = previous.unit
    if user is None or not may(user, Action.CREATE, unit.id):
        raise FollowUpRefused(
            _("%(who)s may not start assessments for unit %(code)s.", who=user.email if user else "?", code=unit.code)
        )
    if previous.stage != Stage.FINALISED:
        raise FollowUpRefused(
            _(
                "Assessment %(id)s is at the stage '%(stage)s'. A follow-up starts from a finalised assessment, so "
                "that the next round compares with what was settled: finalise it first (a self-assessment can be "
                "finalised as an internal check), then start the follow-up.",
                id=previous.id,
                stage=STAGE[Stage(previous.stage)],
            )
        )
    own = previous.round
    if own is not None and found.id == own.id:
        raise FollowUpRefused(
            _(
                "Assessment %(id)s is itself in round %(label)s: a follow-up goes into a later round.",
                id=previous.id,
                label=found.label,
            )
        )
    if own is not None and _comes_before(found, own):
        raise FollowUpRefused(
            _(
                "Round %(label)s comes before round %(own)s of assessment %(id)s: a follow-up goes into a later round.",
                label=found.label,
                own=own.label,
                id=previous.id,
            )
        )
    if unit not in found.programme.units:
        raise FollowUpRefused(
            _(
                "Unit %(code)s is not in %(programme)s: add it to the programme first.",
                code=unit.code,
                programme=found.programme.name,
            )
        )
    done = _followed_before(follow_ups(previous), found)
    if done is not None and done.round_id == found.id:
        raise FollowUpRefused(
            _(
                "A follow-up of assessment %(id)s is in round %(label)s already: assessment %(new)s, '%(title)s'.",
                id=previous.id,
                label=found.label,
                new=done.id,
                title=done.title,
            )
        )
    if done is not None:
        raise FollowUpRefused(
            _(
                "Assessment %(id)s was followed up in round %(earlier)s already (assessment %(new)s): "
                "round %(label)s's assessment starts from that one.",
                id=previous.id,
                earlier=done.round.label,
                new=done.id,
                label=found.label,
            )
        )
    if version.checklist_id != previous.checklist_version.checklist_id:
        raise FollowUpRefused(
            _(
                "%(to)s is another checklist than %(from)s.",
                to=version.checklist_id,
                **{"from": previous.checklist_version.checklist_id},
            )
        )
    if version_key(version.version) < version_key(previous.checklist_version.version):
        raise FollowUpRefused(
            _(
                "Version %(to)s is earlier than %(from)s, the previous assessment's version.",
                to=version.version,
                **{"from": previous.checklist_version.version},
            )
        )
    taken = _successor_on(previous, version)
    if taken is not None:
        raise _taken_refusal(previous, version, taken)


def _successor_on(previous: Assessment, version: ChecklistVersion) -> Assessment | None:
    """The assessment started from ``previous`` on ``version`` already (one per version: uq_assessments_upgrade)."""
    return db.session.scalar(
        select(Assessment).where(
            Assessment.predecessor_id == previous.id, Assessment.checklist_version_id == version.id
        )
    )


def _taken_refusal(previous: Assessment, version: ChecklistVersion, taken: Assessment) -> FollowUpRefused:
    where = _round_words(taken.round, taken) if taken.round is not None else _("no round")
    return FollowUpRefused(
        _(
            "Assessment %(id)s was carried onto version %(version)s already, as assessment %(new)s ('%(title)s', "
            "%(where)s). Start the follow-up from that one once it is finalised.",
            id=previous.id,
            version=version.version,
            new=taken.id,
            title=taken.title,
            where=where,
        )
    )


def _previous_responses(previous: Assessment) -> dict[str, Response]:
    rows = db.session.execute(
        select(Response, ChecklistRequirement.code)
        .join(ChecklistRequirement, Response.requirement_id == ChecklistRequirement.id)
        .where(Response.assessment_id == previous.id)
        .options(selectinload(Response.citations))
    )
    return {code: response for response, code in rows}


def _previous_actions(previous: Assessment) -> list[PlannedAction]:
    return list(
        db.session.scalars(
            select(PlannedAction)
            .where(PlannedAction.assessment_id == previous.id)
            .options(selectinload(PlannedAction.gaps))
            .order_by(PlannedAction.id)
        )
    )


def plan_follow_up(
    previous: Assessment, found: Round, user: User | None, *, version: ChecklistVersion | None = None
) -> FollowUpPlan:
    """What a follow-up of ``previous`` in round ``found`` would carry; refused (FollowUpRefused) where it should not start."""
    version = version or newest_version(previous)
    _check(previous, found, user, version)
    actions = _previous_actions(previous)
    done = sum(1 for a in actions if a.status == "done")
    if version.id == previous.checklist_version_id:
        answered = sum(1 for r in _previous_responses(previous).values() if r.answer.given)
        return FollowUpPlan(previous, found, version, answered, answered, answered, len(actions), done)
    try:
        upgrade = plan_upgrade(previous, version)
    except UpgradeRefused as exc:
        raise FollowUpRefused(str(exc)) from None
    later = upgrade.lineage.later
    in_scope = {r.id for r in later.requirements(upgrade.modules, previous.focus)}
    answered = set(upgrade.answered)
    taking = sum(
        1 for rid, carry in upgrade.lineage.carries.items() if rid in in_scope and answered & set(carry.earlier)
    )
    return FollowUpPlan(
        previous, found, version, len(upgrade.answered), len(upgrade.carried), taking, len(actions), done, upgrade
    )


_ROUND_SUFFIX = re.compile(r"\s*\(round [^()]*\)$")


def follow_up_title(previous: Assessment, found: Round) -> str:
    """The previous title with the new round named: "SOP self-assessment (round 2026)"."""
    base = _ROUND_SUFFIX.sub("", previous.title).strip() or previous.title
    return f"{base} (round {found.label})"[:300]


def _reconfirm_reason(previous: Assessment) -> str:
    return _(
        "Carried over from %(where)s to re-confirm: check that the answer still holds for the unit's documents "
        "and practice now, then confirm it (Still holds) or change it.",
        where=_round_words(previous.round, previous),
    )


def start_follow_up(
    previous: Assessment,
    round: Round,
    user: User | None,
    *,
    version: ChecklistVersion | None = None,
    title: str | None = None,
) -> tuple[Assessment, FollowUpPlan]:
    """Start the unit's assessment in ``round`` from ``previous`` (flushed, not committed).

    ``version``: the checklist version of the new draft; by default the newest loaded. A
    later version goes through the upgrade path; the same version copies every answer.
    """
    plan = plan_follow_up(previous, round, user, version=version)
    title = (title or "").strip() or follow_up_title(previous, round)
    if plan.upgraded:
        try:
            new, _upgrade = upgrade_assessment(previous, plan.version, user, title=title)
        except UpgradeRefused as exc:
            raise FollowUpRefused(str(exc)) from None
        carried = [r for r in new.responses if r.carried_from]
    else:
        new = _same_version_draft(previous, plan, user, title)
        carried = [r for r in new.responses if r.answer.given]
    try:
        place_in_round(new, round)
    except ProgrammeError as exc:  # pragma: no cover - _check refused it already
        raise FollowUpRefused(str(exc)) from None
    reason = _reconfirm_reason(previous)
    for response in carried:
        response.recheck, response.recheck_reason = True, reason
    record_scores(new, score_sheet(new).result)
    db.session.flush()
    done = FollowUpPlan(
        previous,
        round,
        plan.version,
        plan.answered,
        plan.carried if plan.upgraded else len(carried),
        len(carried),
        plan.actions,
        plan.actions_done,
        plan.upgrade,
    )
    record(
        "assessment.followed_up",
        user=user,
        object_type="assessment",
        object_id=new.id,
        assessment=new,
        summary=f"from assessment {previous.id} ({_round_words(previous.round, previous)}, "
        f"{previous.checklist_version.version}) into round {round.label} ({plan.version.version}): {done.summary}",
    )
    return new, done


def _same_version_draft(previous: Assessment, plan: FollowUpPlan, user: User | None, title: str) -> Assessment:
    """A new draft on the previous assessment's own version with every answer, citation and action copied."""
    new = create_assessment(
        unit=previous.unit,
        version=previous.checklist_version,
        title=title,
        modules=previous.modules,
        scope=previous.scope,
        assessors=previous.assessors,
        user=user,
        focus=previous.focus,
    )
    new.predecessor = previous
    try:  # two people starting it at the same moment: the database keeps one per version
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        taken = _successor_on(previous, plan.version)
        if taken is not None:
            raise _taken_refusal(previous, plan.version, taken) from None
        raise FollowUpRefused(_("The follow-up could not be saved; try again.")) from None
    earlier = _previous_responses(previous)
    became: dict[int, Response] = {}  # previous response id -> the new response
    for response in new.responses:
        source = earlier.get(response.requirement.code)
        if source is None:
            continue
        became[source.id] = response
        for name in ANSWER_COPIED:
            value = getattr(source, name)
            setattr(response, name, list(value) if isinstance(value, list) else value)
        response.citations = [
            Citation(sop_id=c.sop_id, section=c.section, position=c.position, quote=c.quote)
            for c in source.citations
            if c.sop_id is not None  # a document since removed from the register: nothing to read again
        ]
    for action in _previous_actions(previous):
        db.session.add(action.carry(new, [became[g.id] for g in action.gaps if g.id in became]))
    db.session.flush()
    return new


@dataclass(frozen=True)
class FollowUpStatus:
    """What an assessment's results page says of follow-ups: where it came from, where it went, where it may go."""

    #: The previous round's assessment this one was started from (None: not a follow-up).
    origin: Assessment | None
    #: The follow-ups started from this one, oldest first.
    started: list[Assessment]
    #: The later rounds the user may start one in now (finalised assessments only).
    rounds: list[Round]


def follow_up_status(assessment: Assessment, user: User | None) -> FollowUpStatus:
    """The follow-ups of ``assessment`` and those ``user`` may start from it."""
    origin = assessment.predecessor if assessment.predecessor_id is not None and is_follow_up(assessment) else None
    started = follow_ups(assessment)
    rounds = []
    if assessment.stage == Stage.FINALISED and user is not None and may(user, Action.CREATE, assessment.unit_id):
        rounds = open_rounds(assessment)
    return FollowUpStatus(origin, started, rounds)
