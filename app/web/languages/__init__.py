"""The interface's language: the switcher on every page, and each language's translation status."""

from app.web.languages.views import bp, register_languages

__all__ = ["bp", "register_languages"]
