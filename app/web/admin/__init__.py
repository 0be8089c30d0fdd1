"""Administration: people, loaded checklists and the audit trail."""

from app.web.admin import audit, installations, translations, users  # noqa: F401  (their routes join the blueprint)
from app.web.admin.views import bp

__all__ = ["bp"]
