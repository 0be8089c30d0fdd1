"""Assessments: start one, score and review it card by card, consult, plan, finalise."""

from app.web.assessments import (  # noqa: F401  (their routes join the blueprint)
    cite,
    consultation,
    evidence,
    follow_up,
    layers,
    moves,
    on_demand,
    plan,
    recheck,
    scope,
    ticks,
    upgrade,
    widen,
)
from app.web.assessments.views import bp

__all__ = ["bp"]
