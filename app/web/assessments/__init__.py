"""Assessments: start one, score it section by section, see the results, finalise."""

from app.web.assessments.views import bp

__all__ = ["bp"]
