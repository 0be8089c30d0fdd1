"""The start page: my assessments and my units."""

from app.web.dashboard.views import bp

__all__ = ["bp"]
