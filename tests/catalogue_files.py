"""Small message catalogues for tests, written as the real ones are (a .po with its header, and its .mo)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from app.domain.languages import LANGUAGES

MACHINE_NOTE = (
    "Drafted with machine assistance (an AI language model), 7 December 2026; "
    "not yet reviewed by a native-speaking CSI practitioner."
)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def write_catalogue(
    root: Path,
    code: str,
    messages: dict,
    *,
    status: str | None = "machine-draft",
    note: str = MACHINE_NOTE,
    compile_mo: bool = True,
    fuzzy: tuple = (),
) -> Path:
    """Write language ``code``'s catalogue under ``root``: ``messages`` maps a msgid (or a
    (singular, plural) pair) to its translation (or the tuple of its plural forms)."""
    language = LANGUAGES[code]
    plural = get_plural(language.locale)
    lines = [
        'msgid ""',
        'msgstr ""',
        _quoted(f"Language: {language.catalogue}\n"),
        _quoted(f"Plural-Forms: nplurals={plural.num_plurals}; plural=({plural.plural_expr});\n"),
        _quoted("MIME-Version: 1.0\n"),
        _quoted("Content-Type: text/plain; charset=utf-8\n"),
        _quoted("Content-Transfer-Encoding: 8bit\n"),
    ]
    if status is not None:
        lines += [_quoted(f"X-Translation-Status: {status}\n"), _quoted(f"X-Translation-Note: {note}\n")]
    for msgid, string in messages.items():
        lines.append("")
        if msgid in fuzzy:
            lines.append("#, fuzzy")
        if isinstance(msgid, tuple):
            lines += [f"msgid {_quoted(msgid[0])}", f"msgid_plural {_quoted(msgid[1])}"]
            lines += [f"msgstr[{i}] {_quoted(form)}" for i, form in enumerate(string)]
        else:
            lines += [f"msgid {_quoted(msgid)}", f"msgstr {_quoted(string)}"]
    path = root / language.catalogue / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if compile_mo:
        with path.open("rb") as source, path.with_suffix(".mo").open("wb") as built:
            write_mo(built, read_po(source))
    return path


def use_catalogues(app, root: Path) -> None:
    """Make ``app`` read its catalogues from ``root`` (and forget those it had loaded)."""
    app.extensions["babel"].translation_directories = [str(root)]
    app.extensions.pop("catalogues", None)
