"""Who may do what with a unit's data: the one place that decides.

Every view and every query that touches unit data goes through :func:`may` or
:func:`visible_units_clause`; tests walk every route with every role.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import ColumnElement, false, true

from app.models import User


class Action(StrEnum):
    """Things a user does with a unit's data."""

    VIEW = "view"  # see the unit, its assessments, results and reports
    SCORE = "score"  # change responses of a draft assessment
    CREATE = "create"  # start an assessment of the unit
    FINALISE = "finalise"  # lock an assessment
    REOPEN = "reopen"  # unlock a finalised assessment as a new revision
    ISSUE = "issue"  # issue the report of a finalised assessment
    MANAGE_SOPS = "manage_sops"  # edit the unit's SOP register
    EXPORT = "export"  # take the responses out as a file
    IMPORT = "import"  # bring an assessment package in


_ALL = frozenset(Action)

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "admin": _ALL,
    "expert": frozenset(
        {
            Action.VIEW,
            Action.SCORE,
            Action.CREATE,
            Action.FINALISE,
            Action.REOPEN,
            Action.ISSUE,
            Action.EXPORT,
            Action.IMPORT,
        }
    ),
    "unit_head": _ALL,
    "assessor": frozenset({Action.VIEW, Action.SCORE, Action.EXPORT}),
    "viewer": frozenset({Action.VIEW}),
}


def is_admin(user: User | None) -> bool:
    """True for an active administrator."""
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.role == "admin"
    )


def may(user: User | None, action: Action, unit_id: int) -> bool:
    """Whether ``user`` may do ``action`` with the data of unit ``unit_id``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action not in ROLE_ACTIONS.get(user.role, ()):
        return False
    return user.role == "admin" or unit_id in user.unit_ids


def may_anywhere(user: User | None, action: Action) -> bool:
    """Whether ``user`` may do ``action`` in at least one unit (to show a button or menu)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if action not in ROLE_ACTIONS.get(user.role, ()):
        return False
    return user.role == "admin" or bool(user.unit_ids)


def visible_units_clause(user: User | None, unit_id_column) -> ColumnElement[bool]:
    """A WHERE clause keeping rows of the units ``user`` may view."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return false()
    if user.role == "admin":
        return true()
    ids = user.unit_ids
    return unit_id_column.in_(ids) if ids else false()
