"""Regional programmes: their pages, rounds, and the reports and data set across their units."""

from app.web.programmes import regional  # noqa: F401  (its views join the blueprint)
from app.web.programmes.views import bp

__all__ = ["bp"]
