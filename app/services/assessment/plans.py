"""The action plan: actions suggested from the checklist's remedies, merged, split and assigned.

One action closes every gap that shares its remedy ("write the quality manual" closes all
requirements that need a quality manual), so management funds 10 to 25 actions, not one
line per requirement. Services flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from app.domain.checklist import COST_BANDS, EFFORT_BANDS
from app.domain.plan_totals import PlanTotals, total_of
from app.domain.ranking import Gap, RankedAction, rank_actions
from app.extensions import db
from app.models import ACTION_STATUSES, PlannedAction, User
from app.models.base import utcnow
from app.services.accounts.audit import changes, record
from app.services.assessment.assessments import AssessmentError, ScoreSheet
from app.services.assessment.responses import InvalidResponse, ResponseConflict
from app.services.labels import cost_range, cost_ranges, money

MAX_TITLE = 300


class PlanError(AssessmentError):
    """The plan cannot be changed as asked; the message says why."""


@dataclass(frozen=True)
class PlanItem:
    """An action with its rank and the current gaps it closes."""

    action: PlannedAction
    ranked: RankedAction

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return self.ranked.gaps


def _effort_part(band: str, count: int) -> str:
    if band == "days":
        return ngettext("%(num)s action of days", "%(num)s actions of days", count)
    if band == "weeks":
        return ngettext("%(num)s action of weeks", "%(num)s actions of weeks", count)
    return ngettext("%(num)s action of months", "%(num)s actions of months", count)


@dataclass(frozen=True)
class Totals:
    """What some actions add up to, worded the same on the plan page and in the report."""

    figures: PlanTotals

    @property
    def cost(self) -> str:
        """The cost range, saying how many actions have no cost band."""
        f = self.figures
        if f.uncosted == f.actions:
            return _("not estimated")
        if f.cost_high == 0:
            text = _("staff time only")
        elif f.cost_high == f.cost_low:
            text = money(f.cost_low)
        else:
            text = cost_range(f.cost_low, f.cost_high)
        if f.uncosted:
            text += " " + ngettext("(%(num)s action not costed)", "(%(num)s actions not costed)", f.uncosted)
        return text

    @property
    def effort(self) -> str:
        """How many actions take days, weeks or months."""
        parts = [_effort_part(band, n) for band, n in self.figures.effort]
        if self.figures.unestimated:
            parts.append(ngettext("%(num)s not estimated", "%(num)s not estimated", self.figures.unestimated))
        return ", ".join(parts)

    def __str__(self) -> str:
        return _("Total cost: %(cost)s; effort: %(effort)s.", cost=self.cost, effort=self.effort)


def totals_of(items: Iterable[PlanItem]) -> Totals:
    """The cost range and effort of the actions of ``items``, with this installation's cost bands."""
    return Totals(total_of(((item.action.effort, item.action.cost) for item in items), cost_ranges()))


@dataclass(frozen=True)
class Plan:
    """The ranked actions and the gaps no action closes yet."""

    items: tuple[PlanItem, ...]
    unplanned: tuple[Gap, ...]

    @property
    def top(self) -> tuple[PlanItem, ...]:
        """What to fund first: the five highest-ranked actions that close a gap."""
        return tuple(item for item in self.items if item.gaps)[:5]

    @property
    def totals(self) -> Totals:
        """What every action of the plan adds up to."""
        return totals_of(self.items)

    @property
    def top_totals(self) -> Totals:
        """What the actions to fund first add up to."""
        return totals_of(self.top)


def plan_of(sheet: ScoreSheet) -> Plan:
    """The sheet's actions ranked by the gaps they close now (scores may have moved since)."""
    gaps = {g.requirement.id: g for g in sheet.result.gaps}
    code_of = {r.id: code for code, r in sheet.responses.items()}
    groups = []
    planned: set[str] = set()
    for action in sheet.actions:
        codes = [code_of[r.id] for r in action.gaps if r.id in code_of]
        planned.update(codes)
        groups.append((action, [gaps[c] for c in codes if c in gaps]))
    ranked = rank_actions(groups)
    items = tuple(PlanItem(r.key, r) for r in ranked)
    return Plan(items, tuple(g for g in sheet.result.gaps if g.requirement.id not in planned))


def _suggested_title(sheet: ScoreSheet, gap: Gap) -> str:
    text = gap.requirement.recommendation_for(gap.value)
    title = str(text) if text else _("Close the gap: %(title)s", title=gap.requirement.title)
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1].rstrip() + "…"


def suggest_actions(sheet: ScoreSheet, user: User | None) -> list[PlannedAction]:
    """Actions for the gaps no action closes yet (not those left open with a reason): one per remedy, else one per gap."""
    plan = plan_of(sheet)
    by_remedy = {a.remedy: a for a in sheet.actions if a.remedy and a.status != "done"}
    touched: list[PlannedAction] = []
    for gap in plan.unplanned:
        response = sheet.responses[gap.requirement.id]
        if response.no_action_reason.strip():  # left open on purpose: not for a suggestion to undo
            continue
        remedy = sheet.checklist.remedy(gap.requirement.remedy) if gap.requirement.remedy else None
        action = by_remedy.get(remedy.id) if remedy else None
        if action is None:
            action = PlannedAction(
                assessment=sheet.assessment,
                title=str(remedy.title) if remedy else _suggested_title(sheet, gap),
                remedy=remedy.id if remedy else None,
                effort=remedy.effort if remedy else None,
                cost=remedy.cost if remedy else None,
                updated_by=user,
                updated_at=utcnow(),
            )
            db.session.add(action)
            sheet.actions.append(action)
            if remedy:
                by_remedy[remedy.id] = action
        action.gaps.append(response)
        if action not in touched:
            touched.append(action)
    db.session.flush()
    if touched:
        codes = _codes(sheet)
        _audit(
            "plan.actions_suggested",
            sheet,
            None,
            user,
            "; ".join(a.title for a in touched),
            after={"actions": [_details(a, codes) for a in touched]},
        )
    sheet.refresh()
    return touched


def _actions(sheet: ScoreSheet, ids: Iterable[int]) -> list[PlannedAction]:
    wanted = set(ids)
    found = [a for a in sheet.actions if a.id in wanted]
    if len(found) != len(wanted):
        raise PlanError(_("Some of the chosen actions are not part of this assessment's plan."))
    return found


def merge_actions(sheet: ScoreSheet, ids: Iterable[int], user: User | None, title: str = "") -> PlannedAction:
    """One action out of several: the first keeps its details and takes the others' gaps."""
    actions = sorted(_actions(sheet, ids), key=lambda a: a.id)
    if len(actions) < 2:
        raise PlanError(_("Choose two or more actions to merge."))
    keep, others = actions[0], actions[1:]
    codes = _codes(sheet)
    before = {"actions": [_details(a, codes) for a in actions]}
    for other in others:
        moving = list(other.gaps)
        other.gaps.clear()
        db.session.flush()
        keep.gaps.extend(moving)
        keep.owner = keep.owner or other.owner
        keep.due_on = min((d for d in (keep.due_on, other.due_on) if d), default=None)
        if other.notes:
            keep.notes = (keep.notes + "\n" + other.notes).strip()
        sheet.actions.remove(other)
        db.session.delete(other)
    if title.strip():
        keep.title = title.strip()[:MAX_TITLE]
    _touch(keep, user)
    db.session.flush()
    _audit(
        "plan.actions_merged",
        sheet,
        keep,
        user,
        f"{len(actions)} actions into {keep.title}",
        before=before,
        after={"action": _details(keep, codes)},
    )
    sheet.refresh()
    return keep


def split_action(sheet: ScoreSheet, action_id: int, response_ids: Iterable[int], user: User | None) -> PlannedAction:
    """Move some of an action's gaps into a new action with the same details."""
    (action,) = _actions(sheet, [action_id])
    chosen = set(response_ids)
    moving = [r for r in action.gaps if r.id in chosen]
    if not moving or len(moving) == len(action.gaps):
        raise PlanError(_("Choose some, but not all, of the action's gaps to split off."))
    for response in moving:
        action.gaps.remove(response)
    db.session.flush()
    part = action.copy(sheet.assessment, moving, remedy=None, notes="")
    _touch(part, user)
    _touch(action, user)
    db.session.add(part)
    sheet.actions.append(part)
    db.session.flush()
    codes = _codes(sheet)
    _audit(
        "plan.action_split",
        sheet,
        part,
        user,
        f"{len(moving)} gaps split off {action.title}",
        after={"from": _details(action, codes), "new": _details(part, codes)},
    )
    sheet.refresh()
    return part


@dataclass
class ActionInput:
    """The fields of one action a user may change; None leaves a field as it is."""

    title: str | None = None
    owner: str | None = None
    due_on: dt.date | None = None
    clear_due: bool = False
    effort: str | None = None
    cost: str | None = None
    status: str | None = None
    notes: str | None = None


def check_action(data: ActionInput) -> dict[str, str]:
    """Field errors of submitted action fields."""
    errors = {}
    if data.title is not None and not data.title.strip():
        errors["title"] = _("An action needs a title.")
    if data.effort not in (None, "", *EFFORT_BANDS):
        errors["effort"] = _("Choose days, weeks or months.")
    if data.cost not in (None, "", *COST_BANDS):
        errors["cost"] = _("Choose a cost band from the list.")
    if data.status not in (None, *ACTION_STATUSES):
        errors["status"] = _("Choose a status from the list.")
    return errors


def _apply(action: PlannedAction, data: ActionInput) -> None:
    if data.title is not None:
        action.title = data.title.strip()[:MAX_TITLE]
    if data.owner is not None:
        action.owner = data.owner.strip()
    if data.due_on is not None or data.clear_due:
        action.due_on = data.due_on
    if data.effort is not None:
        action.effort = data.effort or None
    if data.cost is not None:
        action.cost = data.cost or None
    if data.status is not None:
        action.status = data.status
    if data.notes is not None:
        action.notes = data.notes.strip()


def update_action(
    sheet: ScoreSheet, action_id: int, data: ActionInput, *, expected_version: int | None, user: User | None
) -> PlannedAction:
    """Change one action, refusing a stale form."""
    (action,) = _actions(sheet, [action_id])
    errors = check_action(data)
    if errors:
        raise InvalidResponse(errors)
    if expected_version != action.version:
        raise ResponseConflict(action)
    codes = _codes(sheet)
    before = _details(action, codes)
    _apply(action, data)
    _touch(action, user)
    db.session.flush()
    old, new = changes(before, _details(action, codes))
    if old or new:
        _audit("plan.action_changed", sheet, action, user, f"{action.title}: {', '.join(new)}", before=old, after=new)
    return action


def assign_actions(sheet: ScoreSheet, ids: Iterable[int], data: ActionInput, user: User | None) -> int:
    """Set the same owner, due date or status on several actions at once; returns how many."""
    actions = _actions(sheet, ids)
    if not actions:
        raise PlanError(_("Choose the actions to change."))
    errors = check_action(data)
    if errors:
        raise InvalidResponse(errors)
    codes = _codes(sheet)
    for action in actions:
        before = _details(action, codes)
        _apply(action, data)
        _touch(action, user)
        old, new = changes(before, _details(action, codes))
        if old or new:
            _audit(
                "plan.action_changed", sheet, action, user, f"{action.title}: {', '.join(new)}", before=old, after=new
            )
    db.session.flush()
    return len(actions)


def delete_action(sheet: ScoreSheet, action_id: int, user: User | None = None) -> None:
    """Remove an action; its gaps go back to the unplanned ones."""
    (action,) = _actions(sheet, [action_id])
    _audit("plan.action_deleted", sheet, action, user, action.title, before=_details(action, _codes(sheet)))
    sheet.actions.remove(action)
    db.session.delete(action)
    db.session.flush()
    sheet.refresh()


def _details(action: PlannedAction, code_of: dict[int, str]) -> dict:
    """What the trail keeps of an action: its details and the requirements of its gaps."""
    return {name: getattr(action, name) for name in PlannedAction.DETAILS} | {
        "gaps": sorted(code_of.get(r.id, str(r.id)) for r in action.gaps)
    }


def _codes(sheet: ScoreSheet) -> dict[int, str]:
    return {r.id: code for code, r in sheet.responses.items()}


def _audit(name: str, sheet: ScoreSheet, action: PlannedAction | None, user: User | None, summary: str, **changed):
    """Record a change of the plan, filed under the assessment (and the action, when there is one)."""
    record(
        name,
        user=user,
        object_type="action",
        object_id=action.id if action is not None else None,
        assessment=sheet.assessment,
        summary=summary[:500],
        **changed,
    )


def _touch(action: PlannedAction, user: User | None) -> None:
    action.updated_by = user
    action.updated_at = utcnow()
