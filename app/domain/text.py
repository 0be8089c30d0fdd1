"""Text that may carry translations: a plain string or a map of language tag to string."""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar

#: The language the caller wants text in; the web layer sets it per request, reports per render.
active_language: ContextVar[str | None] = ContextVar("active_language", default=None)


class Text:
    """A piece of checklist text in one or more languages.

    ``str(text)`` gives the active language when present, else the base language
    (``sr`` for ``sr-Latn``), else the checklist's own language.
    """

    __slots__ = ("_by_language", "_default")

    def __init__(self, by_language: Mapping[str, str], default: str) -> None:
        self._by_language = dict(by_language)
        self._default = default if default in self._by_language else next(iter(self._by_language))

    @classmethod
    def of(cls, value: str | Mapping[str, str] | None, default: str) -> Text | None:
        """Build from YAML: a string (in the checklist language) or a language map."""
        if value is None:
            return None
        if isinstance(value, str):
            return cls({default: value.strip()}, default)
        return cls({lang: str(v).strip() for lang, v in value.items()}, default)

    def in_language(self, language: str | None) -> str:
        """The text in ``language``, falling back to its base language, then the default."""
        if language:
            if language in self._by_language:
                return self._by_language[language]
            base = language.replace("_", "-").split("-")[0]
            if base in self._by_language:
                return self._by_language[base]
        return self._by_language[self._default]

    @property
    def languages(self) -> tuple[str, ...]:
        """The language tags this text is available in."""
        return tuple(self._by_language)

    def as_data(self) -> str | dict[str, str]:
        """Back to the YAML shape: a plain string when there is one language only."""
        if len(self._by_language) == 1:
            return self._by_language[self._default]
        return dict(self._by_language)

    def __str__(self) -> str:
        return self.in_language(active_language.get())

    def __repr__(self) -> str:
        return f"Text({self._by_language!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return self._by_language == other._by_language
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._by_language.items())))
