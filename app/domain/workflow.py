"""The stages of an assessment and the moves between them.

A unit scores its SOPs (self-assessment), submits them for review, an external expert
reviews them, holds a consultation with the unit, records agreed scores that the unit
head accepts, and the assessment is finalised. A unit may also finalise its
self-assessment without external review (an internal check). Who may make which move is
decided in :mod:`app.services.assessment.access`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    """Where an assessment stands."""

    SELF_ASSESSMENT = "self_assessment"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    CONSULTATION_HELD = "consultation_held"
    AGREED = "agreed"
    FINALISED = "finalised"


#: The stages in the order an externally reviewed assessment passes them.
STAGE_ORDER = tuple(Stage)


class Move(StrEnum):
    """A change of stage."""

    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    START_REVIEW = "start_review"
    RETURN = "return"
    HOLD_CONSULTATION = "hold_consultation"
    CONFIRM_AGREEMENT = "confirm_agreement"
    REVISE_AGREEMENT = "revise_agreement"
    FINALISE = "finalise"
    REOPEN = "reopen"


@dataclass(frozen=True)
class Transition:
    """A move: the stages it starts from and the stage it leads to."""

    move: Move
    sources: frozenset[Stage]
    target: Stage | None  # None: decided when moving (reopen goes back to where it was finalised from)


TRANSITIONS: dict[Move, Transition] = {
    t.move: t
    for t in (
        Transition(Move.SUBMIT, frozenset({Stage.SELF_ASSESSMENT}), Stage.SUBMITTED),
        Transition(Move.WITHDRAW, frozenset({Stage.SUBMITTED}), Stage.SELF_ASSESSMENT),
        Transition(Move.START_REVIEW, frozenset({Stage.SUBMITTED}), Stage.IN_REVIEW),
        Transition(Move.RETURN, frozenset({Stage.IN_REVIEW}), Stage.SELF_ASSESSMENT),
        Transition(Move.HOLD_CONSULTATION, frozenset({Stage.IN_REVIEW}), Stage.CONSULTATION_HELD),
        Transition(Move.CONFIRM_AGREEMENT, frozenset({Stage.CONSULTATION_HELD}), Stage.AGREED),
        Transition(Move.REVISE_AGREEMENT, frozenset({Stage.AGREED}), Stage.CONSULTATION_HELD),
        Transition(Move.FINALISE, frozenset({Stage.SELF_ASSESSMENT, Stage.AGREED}), Stage.FINALISED),
        Transition(Move.REOPEN, frozenset({Stage.FINALISED}), None),
    )
}


def moves_from(stage: Stage) -> list[Move]:
    """The moves that can start from ``stage``, in declaration order."""
    return [t.move for t in TRANSITIONS.values() if stage in t.sources]


def target_of(move: Move, stage: Stage, reviewed: bool = False) -> Stage:
    """Where ``move`` from ``stage`` leads; ValueError when it cannot start there."""
    transition = TRANSITIONS[move]
    if stage not in transition.sources:
        raise ValueError(f"{move} cannot start from {stage}")
    if transition.target is not None:
        return transition.target
    return Stage.AGREED if reviewed else Stage.SELF_ASSESSMENT


def is_review_stage(stage: Stage) -> bool:
    """True from the expert's review on: the unit's self-assessment is fixed then."""
    return stage in (Stage.IN_REVIEW, Stage.CONSULTATION_HELD, Stage.AGREED)
