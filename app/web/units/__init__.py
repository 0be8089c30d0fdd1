"""Units and their SOP registers."""

from app.web.units import sop_documents  # noqa: F401  (its routes join the blueprint)
from app.web.units.views import bp

__all__ = ["bp"]
