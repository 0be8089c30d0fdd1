"""Recording the audit trail: one call, :func:`record`, wherever something worth knowing happens.

Events join the caller's transaction: they are written with the change they describe, or
not at all. Names are ``area.what`` (``auth.login``, ``response.changed``,
``assessment.finalised``, ``report.issued``, ``user.changed``); before and after hold only
the fields that changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, Event, User
from app.services.accounts.chain import mark_recorded

#: Moves of the workflow, as events.
MOVE_EVENTS = {
    "submit": "assessment.submitted",
    "withdraw": "assessment.withdrawn",
    "start_review": "assessment.review_started",
    "return": "assessment.returned",
    "hold_consultation": "assessment.consultation_held",
    "confirm_agreement": "assessment.agreed",
    "revise_agreement": "assessment.agreement_reopened",
    "finalise": "assessment.finalised",
    "reopen": "assessment.reopened",
}


def _plain(value: Any) -> Any:
    """A value as JSON can hold it (dates as ISO text)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """The fields that differ, before and after, as JSON values."""
    keys = [k for k in after if _plain(before.get(k)) != _plain(after.get(k))]
    return {k: _plain(before.get(k)) for k in keys}, {k: _plain(after.get(k)) for k in keys}


def _actor(user: User | None) -> User | None:
    if user is not None:
        return user
    if has_request_context() and getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()
    return None


def record(
    name: str,
    *,
    user: User | None = None,
    email: str | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    unit_id: int | None = None,
    assessment_id: int | None = None,
    assessment: Assessment | None = None,
    summary: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> Event:
    """Add an event to the current transaction (the caller commits it with the change).

    ``assessment`` files the event under that assessment and its unit.
    """
    if assessment is not None:
        unit_id, assessment_id = assessment.unit_id, assessment.id
    actor = _actor(user)
    event = Event(
        name=name,
        user_id=actor.id if actor is not None else None,
        user_email=(actor.email if actor is not None else email),
        address=(request.remote_addr or "")[:64] if has_request_context() else "command line",
        object_type=object_type,
        object_id=None if object_id is None else str(object_id)[:64],
        unit_id=unit_id,
        assessment_id=assessment_id,
        summary=summary[:500],
        before=_plain(before) if before else None,
        after=_plain(after) if after else None,
    )
    mark_recorded(event)
    db.session.add(event)
    return event


@dataclass(frozen=True)
class EventPage:
    """A page of events, newest first."""

    items: list[Event]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def find_events(
    *,
    user_email: str | None = None,
    name: str | None = None,
    assessment_id: int | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    limit: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> EventPage:
    """Events matching the filters, newest first (a page of them, or the latest ``limit``)."""
    conditions = []
    if user_email:
        conditions.append(Event.user_email == user_email.strip().lower())
    if name:
        conditions.append(Event.name.like(name.replace("*", "%")) if "*" in name else Event.name == name)
    if assessment_id is not None:
        conditions.append(Event.assessment_id == assessment_id)
    if object_type:
        conditions.append(Event.object_type == object_type)
    if object_id is not None:
        conditions.append(Event.object_id == str(object_id))
    query = select(Event).where(*conditions).order_by(Event.at.desc(), Event.id.desc())
    if limit is not None:
        items = list(db.session.scalars(query.limit(limit)))
        return EventPage(items, len(items), 1, max(limit, 1))
    total = db.session.scalar(select(db.func.count(Event.id)).where(*conditions)) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return EventPage(items, total, page, per_page)


def event_names() -> Iterable[str]:
    """The event names recorded so far, for the filter list."""
    return db.session.scalars(select(Event.name).distinct().order_by(Event.name)).all()
