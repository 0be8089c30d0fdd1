"""Data layer: SQLAlchemy 2 typed models."""

from app.models.assessments import KINDS, STATUSES, Assessment, Response
from app.models.checklists import ChecklistRequirement, ChecklistSection, ChecklistVersion
from app.models.organisation import ROLES, Sop, Unit, User, user_units
from app.models.reports import IssuedReport

__all__ = [
    "KINDS",
    "ROLES",
    "STATUSES",
    "Assessment",
    "ChecklistRequirement",
    "ChecklistSection",
    "ChecklistVersion",
    "IssuedReport",
    "Response",
    "Sop",
    "Unit",
    "User",
    "user_units",
]
