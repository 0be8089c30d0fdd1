"""Reports: the gap report's preview and PDF, and a unit's progress report."""

from app.web.reports import progress  # noqa: F401  (joins the blueprint on import)
from app.web.reports.views import bp

__all__ = ["bp"]
