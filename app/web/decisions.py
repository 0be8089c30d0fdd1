"""Every view declares who may reach it: the route sweep in tests/test_access.py reads these
declarations, and fails for any route that has none.

The decision itself is always made by :mod:`app.services.assessment.access` (through
:mod:`app.web.guards`); the declaration says which check the view makes, so that the sweep
knows what each role, in its own unit, another unit or signed out, must get.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.services.assessment.access import Action, ProgrammeAction

PUBLIC = "public"  # anyone, signed in or not
SIGNED_IN = "signed_in"  # anyone signed in; shows only what the user may see
ADMIN = "admin"  # administrators only


@dataclass(frozen=True)
class OnUnitData:
    """The view acts on one unit's data (a unit, an assessment or what belongs to it)."""

    action: Action


@dataclass(frozen=True)
class InSomeUnit:
    """The user's role must allow the action in at least one of their units."""

    action: Action


@dataclass(frozen=True)
class OnProgramme:
    """The view acts on one programme (its page, a round of it, a report or data set across its units)."""

    action: ProgrammeAction


#: A stage move: the action depends on the move and the stage (access.move_action).
STAGE_MOVE = "move"


def requires(decision, **per_method) -> Callable:
    """Declare the view's access decision (``POST=...`` when a method differs)."""

    def mark(view: Callable) -> Callable:
        view.access = {"GET": decision, "POST": decision, **per_method}
        return view

    return mark


def on_unit(action: Action) -> OnUnitData:
    return OnUnitData(action)


def in_some_unit(action: Action) -> InSomeUnit:
    return InSomeUnit(action)


def on_programme(action: ProgrammeAction) -> OnProgramme:
    return OnProgramme(action)
