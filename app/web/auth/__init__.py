"""Signing in and out, the second factor."""

from app.web.auth import second_factor  # noqa: F401  (its routes join the blueprint)
from app.web.auth.views import bp

__all__ = ["bp"]
