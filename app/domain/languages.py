"""The languages the interface speaks: their codes, own names, scripts, catalogues and formats.

A language is named by its code everywhere in the app (settings, URLs, file names, the
``language`` of a person or an issued report): ``en, bs, hr, cnr, sr-Latn, sr-Cyrl, sq, mk``.
Each but English (the source language) has a message catalogue in
``app/translations/<catalogue>/LC_MESSAGES/messages.po``, and formats dates, numbers and
plurals as a Babel locale does. Montenegrin has no locale of its own in CLDR: Babel parses
``cnr`` as ``sr_Latn_ME``, whose formats and plural rules are Montenegro's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One interface language."""

    code: str
    #: Its name as its speakers write it (what the switcher shows).
    name: str
    #: ISO 15924: Latn or Cyrl.
    script: str
    #: The directory of its catalogue under app/translations; None for English, the source language.
    catalogue: str | None
    #: The Babel locale of its dates, numbers and plural rules.
    locale: str
    #: How many plural forms its catalogue gives each message with a count.
    plurals: int

    @property
    def tag(self) -> str:
        """The BCP 47 tag of its locale (``sr-Latn-ME``, ``en-GB``), for ``<html lang>`` and the browser's Intl."""
        return self.locale.replace("_", "-")


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "Latn", None, "en_GB", 2),  # read in Europe: 30 Nov 2026, not Nov 30, 2026
        Language("bs", "Bosanski", "Latn", "bs", "bs", 3),
        Language("hr", "Hrvatski", "Latn", "hr", "hr", 3),
        Language("cnr", "Crnogorski", "Latn", "cnr", "sr_Latn_ME", 3),
        Language("sr-Latn", "Srpski (latinica)", "Latn", "sr_Latn", "sr_Latn", 3),
        Language("sr-Cyrl", "Српски (ћирилица)", "Cyrl", "sr_Cyrl", "sr_Cyrl", 3),
        Language("sq", "Shqip", "Latn", "sq", "sq", 2),
        Language("mk", "Македонски", "Cyrl", "mk", "mk", 2),
    )
}

#: Every language code, in the switcher's order (English first, then the region's).
CODES: tuple[str, ...] = tuple(LANGUAGES)
SOURCE = "en"

_BY_LOCALE = {language.locale: language for language in LANGUAGES.values()}


def language(code: str) -> Language:
    """The language of ``code``; KeyError naming the known codes for any other."""
    try:
        return LANGUAGES[code]
    except KeyError:
        raise KeyError(f"{code!r} is not a language here; the languages are {', '.join(CODES)}") from None


def of_locale(locale: str) -> Language | None:
    """The language whose Babel locale is ``locale`` (``sr_Latn_ME`` -> Montenegrin), or None."""
    return _BY_LOCALE.get(str(locale))


def browser_language(tag: str) -> str | None:
    """The language a browser means by one Accept-Language tag, or None when none of ours.

    Serbian without a script is written in Cyrillic in Serbia (and CLDR's ``sr`` is Cyrillic);
    Serbian of Montenegro (``sr-ME``) is taken for Montenegrin, Serbian Latin of Montenegro
    (``sr-Latn-ME``) for Serbian Latin, as the browser names the script.
    """
    parts = tag.strip().replace("_", "-").lower().split("-")
    base, rest = parts[0], parts[1:]
    if base in ("en", "bs", "hr", "sq", "mk", "cnr"):
        return base
    if base == "sr":
        if "latn" in rest:
            return "sr-Latn"
        if "cyrl" in rest:
            return "sr-Cyrl"
        if "me" in rest:
            return "cnr"
        return "sr-Cyrl"
    return None


def preferred_language(tags: Iterable[tuple[str, float]], offered: Iterable[str] = CODES) -> str | None:
    """The first of the browser's tags, best quality first, that names a language ``offered``."""
    offered = set(offered)
    for tag, quality in sorted(tags, key=lambda pair: -pair[1]):
        if quality <= 0:
            continue
        code = browser_language(tag)
        if code in offered:
            return code
    return None
