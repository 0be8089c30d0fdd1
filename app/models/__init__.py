"""Data layer: SQLAlchemy 2 typed models."""

from app.models.assessments import (
    BASES,
    FINDINGS,
    REVIEW_FIELDS,
    STANCES,
    TICK_FIELDS,
    Assessment,
    Citation,
    Response,
    Review,
)
from app.models.audit import AuditHead, Event
from app.models.checklists import ChecklistRequirement, ChecklistSection, ChecklistVersion
from app.models.installations import TrustedInstallation
from app.models.organisation import PROGRAMME_ROLES, ROLES, Sop, Unit, User, user_units
from app.models.parts import SIDES, AssessmentPart
from app.models.plans import ACTION_STATUSES, Consultation, PlannedAction, action_gaps
from app.models.programmes import Programme, Round, programme_members, programme_units
from app.models.reported import ReportedReview
from app.models.reports import IssuedReport
from app.models.sign_ins import SignInFailure
from app.models.sop_documents import SopDocument, SopSection
from app.models.translations import REVIEW_OUTCOMES, TranslationReview

__all__ = [
    "ACTION_STATUSES",
    "BASES",
    "FINDINGS",
    "PROGRAMME_ROLES",
    "REVIEW_FIELDS",
    "REVIEW_OUTCOMES",
    "ROLES",
    "SIDES",
    "STANCES",
    "TICK_FIELDS",
    "Assessment",
    "AssessmentPart",
    "AuditHead",
    "ChecklistRequirement",
    "ChecklistSection",
    "ChecklistVersion",
    "Citation",
    "Consultation",
    "Event",
    "IssuedReport",
    "PlannedAction",
    "Programme",
    "ReportedReview",
    "Response",
    "Review",
    "Round",
    "SignInFailure",
    "Sop",
    "SopDocument",
    "SopSection",
    "TranslationReview",
    "TrustedInstallation",
    "Unit",
    "User",
    "action_gaps",
    "programme_members",
    "programme_units",
    "user_units",
]
