"""Assessments: start one, score and review it card by card, consult, plan, finalise."""

from app.web.assessments import consultation, evidence, layers, moves, plan, recheck, scope, ticks, upgrade, widen  # noqa: F401  (their routes join the blueprint)
from app.web.assessments.views import bp

__all__ = ["bp"]
