"""The interface's message catalogues: where each language's is, what its header states, and
loading it for a request.

Catalogues live in ``app/translations/<dir>/LC_MESSAGES/messages.po`` with ``<dir>`` from
:mod:`app.domain.languages` (``cnr``, ``sr_Latn``, ...). The ``.po`` files are committed; the
``.mo`` files are built from them (``make translations``; ``make run`` and ``make test`` do it
when a ``.po`` is newer). flask-babel's own lookup goes by ``str(locale)``, and Montenegrin's
locale is ``sr_Latn_ME``, which would never find ``cnr/``: :class:`CatalogueDomain` looks a
language's catalogue up by the language instead.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations
from flask import current_app, has_app_context
from flask_babel import Domain, get_babel, get_locale

from app.domain.languages import LANGUAGES, of_locale
from app.domain.transliteration import latin_to_cyrillic

TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"
TEMPLATE = TRANSLATIONS_DIR / "messages.pot"
#: The header lines every catalogue carries: how it was made, and who has reviewed it.
STATUS_HEADER = "X-Translation-Status"
NOTE_HEADER = "X-Translation-Note"


def catalogue_file(code: str, root: Path = TRANSLATIONS_DIR, suffix: str = ".po") -> Path | None:
    """Where the catalogue of language ``code`` is (or would be); None for English, the source."""
    directory = LANGUAGES[code].catalogue
    return None if directory is None else root / directory / "LC_MESSAGES" / f"messages{suffix}"


def translation_roots() -> list[Path]:
    """The translation directories of the running app (BABEL_TRANSLATION_DIRECTORIES)."""
    return [Path(d) for d in get_babel().translation_directories]


def po_header(path: Path) -> dict[str, str]:
    """The header fields of a ``.po`` file (Babel's reader drops the ``X-`` ones), read from its first entry.

    Every page in a translated language states its catalogue's status: the header is read once
    per version of the file, not on every request.
    """
    stat = path.stat()
    return dict(_header_fields(str(path), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=32)
def _header_fields(path: str, _mtime_ns: int, _size: int) -> tuple[tuple[str, str], ...]:
    fields: dict[str, str] = {}
    lines: list[str] = []
    with open(path, encoding="utf-8") as handle:
        in_header = False
        for raw in handle:
            line = raw.strip()
            if line.startswith("msgstr") and not in_header:
                in_header = True
                lines.append(line[len("msgstr") :].strip())
            elif in_header and line.startswith('"'):
                lines.append(line)
            elif in_header:
                break
    text = "".join(_unquote(part) for part in lines)
    for entry in text.split("\n"):
        name, sep, value = entry.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return tuple(fields.items())


def _unquote(part: str) -> str:
    body = part[1:-1] if len(part) >= 2 and part[0] == part[-1] == '"' else ""
    return re.sub(r'\\(["\\nt])', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def stated_status(code: str, root: Path = TRANSLATIONS_DIR) -> tuple[str, str] | None:
    """(status, note) as the catalogue's header states them; None when the language has no catalogue."""
    path = catalogue_file(code, root)
    if path is None or not path.is_file():
        return None
    header = po_header(path)
    return header.get(STATUS_HEADER, ""), header.get(NOTE_HEADER, "")


def compiled(path: Path) -> Translations:
    """A ``.po`` catalogue compiled in memory (fuzzy entries left out, as ``pybabel compile`` does)."""
    with path.open("rb") as handle:
        catalogue = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(fp=buffer)


#: What the Cyrillic catalogue's note says first; the Latin catalogue's note follows it.
DERIVED_NOTE = "Derived from Serbian Latin by transliteration (app/domain/transliteration.py), never edited by hand."


def derive_cyrillic(root: Path = TRANSLATIONS_DIR) -> tuple[Path, int]:
    """Write the Serbian Cyrillic catalogue from the Serbian Latin one; (its path, messages written).

    Every translation is transliterated; ids, comments and flags (fuzzy among them) are kept,
    and the header's status is the Latin one's, so the two say the same of their review.
    """
    source, target = catalogue_file("sr-Latn", root), catalogue_file("sr-Cyrl", root)
    with source.open("rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.string, tuple | list):
            message.string = tuple(latin_to_cyrillic(form) for form in message.string)
        else:
            message.string = latin_to_cyrillic(message.string or "")
    header = po_header(source)
    header["Language"] = "sr_Cyrl"
    header["Language-Team"] = "sr_Cyrl"
    header[STATUS_HEADER] = header.get(STATUS_HEADER, "")
    header[NOTE_HEADER] = f"{DERIVED_NOTE} Serbian Latin: {header.get(NOTE_HEADER, '')}".strip()
    body = io.BytesIO()
    write_po(body, catalogue, omit_header=True, width=76)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        out.write(_header_text(header, fuzzy=catalogue.fuzzy).encode("utf-8"))
        out.write(b"\n")
        out.write(body.getvalue().lstrip(b"\n"))
    return target, sum(1 for message in catalogue if message.id)


def _header_text(fields: dict[str, str], fuzzy: bool) -> str:
    lines = [
        "# Serbian (Cyrillic) translations of CSI SOP compliance.",
        f"# {DERIVED_NOTE}",
        "# Edit app/translations/sr_Latn/LC_MESSAGES/messages.po and run 'flask translations derive-cyrillic'.",
        "#",
        *(["#, fuzzy"] if fuzzy else []),
        'msgid ""',
        'msgstr ""',
    ]
    for name, value in fields.items():
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'"{name}: {escaped}\\n"')
    return "\n".join(lines) + "\n"


class CatalogueDomain(Domain):
    """flask-babel's message domain, finding each language's catalogue by the language's directory.

    Translations are cached per application (the extension instance is shared by every app a
    process makes, test apps with catalogues of their own among them).
    """

    def get_translations(self):
        """The current locale's translations; no translation (English) where it has no catalogue."""
        if not has_app_context():
            return NullTranslations()
        locale = get_locale()
        cache = current_app.extensions.setdefault("catalogues", {})
        key = str(locale)
        if key not in cache:
            language = of_locale(key)
            cache[key] = _load(language.code) if language is not None else NullTranslations()
        return cache[key]


def _load(code: str):
    for root in translation_roots():
        source, built = catalogue_file(code, root), catalogue_file(code, root, ".mo")
        if source is None:
            return NullTranslations()
        if built.is_file() and (not source.is_file() or built.stat().st_mtime >= source.stat().st_mtime):
            with built.open("rb") as handle:
                return Translations(fp=handle)
        if source.is_file():  # not built, or built from an older .po: never show stale texts
            current_app.logger.warning("%s is not compiled or older than its .po; run 'make translations'", built)
            return compiled(source)
    return NullTranslations()


def install(app) -> None:
    """Make the app's Babel extension find catalogues by language (after ``babel.init_app``)."""
    app.extensions["babel"].instance.domain_instance = CatalogueDomain()
