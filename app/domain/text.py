"""Text that may carry translations: a plain string or a map of language tag to string."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextvars import ContextVar

#: The language the caller wants text in; the web layer sets it per request, reports per render.
active_language: ContextVar[str | None] = ContextVar("active_language", default=None)


def base_language(tag: str) -> str:
    """The language of a tag without script or region: ``sr`` for ``sr-Latn`` and ``sr_Cyrl``."""
    return tag.replace("_", "-").split("-")[0]


def shared_language(texts: Iterable[Text], language: str | None) -> str | None:
    """``language`` when every text is in it, else None: the texts' own language, so compared texts share one."""
    return language if language and not any(t.falls_back(language) for t in texts) else None


class Text:
    """A piece of checklist text in one or more languages.

    ``str(text)`` gives the active language when present, else the base language
    (``sr`` for ``sr-Latn``), else the checklist's own language.

    The languages of the checklist's content (what its version says and its hash covers) are
    kept apart from translations merged in from overlay files beside it: equality, hashing and
    :meth:`as_data` see the content only, so a translation never changes what a version says.
    """

    __slots__ = ("_by_language", "_default", "_translations")

    def __init__(
        self, by_language: Mapping[str, str], default: str, translations: Mapping[str, str] | None = None
    ) -> None:
        self._by_language = dict(by_language)
        self._default = default if default in self._by_language else next(iter(self._by_language))
        self._translations = dict(translations or {})

    @classmethod
    def of(cls, value: str | Mapping[str, str] | None, default: str) -> Text | None:
        """Build from YAML: a string (in the checklist language) or a language map."""
        if value is None:
            return None
        if isinstance(value, str):
            return cls({default: value.strip()}, default)
        return cls({lang: str(v).strip() for lang, v in value.items()}, default)

    def with_translations(self, translations: Mapping[str, str]) -> Text:
        """This text with translations added (language tag -> text); the content stays as it is."""
        return Text(self._by_language, self._default, {**self._translations, **translations})

    def language_for(self, language: str | None) -> str:
        """The tag of the text :meth:`in_language` gives for ``language``.

        The content's own languages come first, then translations; then the base language
        (``sr`` for ``sr-Latn``, never another script), then the default.
        """
        if language:
            tag = language.replace("_", "-")
            for candidate in (tag, base_language(tag)):
                if candidate in self._by_language or candidate in self._translations:
                    return candidate
        return self._default

    def in_language(self, language: str | None) -> str:
        """The text in ``language``, falling back to its base language, then the default."""
        tag = self.language_for(language)
        return self._by_language[tag] if tag in self._by_language else self._translations[tag]

    def falls_back(self, language: str | None) -> bool:
        """True when ``language`` is asked for and the text is not in it (nor in its base language)."""
        if not language:
            return False
        return base_language(self.language_for(language)) != base_language(language)

    def is_translation(self, language: str | None) -> bool:
        """True when the text for ``language`` comes from a translation overlay, not the content."""
        tag = self.language_for(language)
        return tag not in self._by_language and tag in self._translations

    @property
    def source(self) -> str:
        """The text in the checklist's own language, as its content says it."""
        return self._by_language[self._default]

    @property
    def source_language(self) -> str:
        """The checklist's own language, which every other language falls back to."""
        return self._default

    @property
    def languages(self) -> tuple[str, ...]:
        """The language tags this text is available in (content first, then translations)."""
        return tuple(self._by_language) + tuple(t for t in self._translations if t not in self._by_language)

    @property
    def translated_languages(self) -> tuple[str, ...]:
        """The language tags added by translation overlays."""
        return tuple(t for t in self._translations if t not in self._by_language)

    def as_data(self) -> str | dict[str, str]:
        """Back to the YAML shape of the content: a plain string when there is one language only."""
        if len(self._by_language) == 1:
            return self._by_language[self._default]
        return dict(self._by_language)

    def __str__(self) -> str:
        return self.in_language(active_language.get())

    def __repr__(self) -> str:
        if self._translations:
            return f"Text({self._by_language!r}, translations={self._translations!r})"
        return f"Text({self._by_language!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return self._by_language == other._by_language
        if isinstance(other, str):
            return str(self) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._by_language.items())))
