"""Regional programmes: their pages, rounds, and the reports and data set across their units."""

from app.web.programmes import dataset, manage, regional  # noqa: F401  (their routes join the blueprint)
from app.web.programmes.views import bp

__all__ = ["bp"]
