"""Translatable names for the checklist's fixed vocabularies, shared by pages and reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CRITICALITY = {
    "essential": _l("Essential"),
    "important": _l("Important"),
    "desirable": _l("Desirable"),
}

CONSEQUENCE = {
    "integrity": _l("Integrity and continuity"),
    "contamination": _l("Contamination"),
    "safety": _l("Safety"),
    "admissibility": _l("Admissibility"),
    "quality": _l("Quality"),
}

STATUS = {"draft": _l("Draft"), "finalised": _l("Finalised")}

KIND = {"self_assessment": _l("Self-assessment"), "consultation": _l("Consultation")}

ROLE = {
    "admin": _l("Administrator"),
    "expert": _l("Expert"),
    "unit_head": _l("Unit head"),
    "assessor": _l("Assessor"),
    "viewer": _l("Viewer"),
}

PRIORITY_BAND = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}


def priority_band(priority: float) -> str:
    """High for weight x shortfall of 2 or more, medium from 1, else low."""
    if priority >= 2:
        return "high"
    if priority >= 1:
        return "medium"
    return "low"
