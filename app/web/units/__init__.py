"""Units and their SOP registers."""

from app.web.units.views import bp

__all__ = ["bp"]
