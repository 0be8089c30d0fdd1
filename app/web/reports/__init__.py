"""Gap reports: HTML preview and PDF download."""

from app.web.reports.views import bp

__all__ = ["bp"]
