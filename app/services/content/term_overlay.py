"""Montenegrin from the Bosnian text: the interface catalogue and the glossary, by a term overlay.

Montenegrin (cnr) shares the Bosnian (bs) text; ``app/translations/cnr/terms.yaml`` lists the
words the two write differently. This module writes, from the Bosnian files and that list,

* ``app/translations/cnr/LC_MESSAGES/messages.po`` (its own header, status machine-draft), and
* ``checklists/glossary/cnr.yaml`` (the Bosnian glossary with the overlay applied).

Both are derived files: change the Bosnian text or the overlay, then run
``.venv/bin/python -m app.services.content.term_overlay``; a test checks the committed files are
what the derivation gives.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from app.config import REPOSITORY_ROOT
from app.domain.term_overlay import TermOverlay, TermReplacement

TRANSLATIONS_DIR = REPOSITORY_ROOT / "app" / "translations"
GLOSSARY_DIR = REPOSITORY_ROOT / "checklists" / "glossary"
OVERLAY_FILE = TRANSLATIONS_DIR / "cnr" / "terms.yaml"

STATUS = "machine-draft"
CATALOGUE_NOTE = (
    "Derived from the Bosnian catalogue with a Montenegrin term overlay; not reviewed. The overlay is "
    "app/translations/cnr/terms.yaml; the Bosnian text was drafted with machine assistance (an AI language "
    "model), 7 December 2026, and is not yet reviewed by a native-speaking CSI practitioner."
)
GLOSSARY_NOTE = (
    "Derived from the Bosnian glossary (bs.yaml) with the Montenegrin term overlay "
    "(app/translations/cnr/terms.yaml); not reviewed. Drafted with machine assistance (an AI language "
    "model), 7 December 2026; not yet reviewed by a native-speaking CSI practitioner. Notes on terms the "
    "overlay leaves unchanged describe the Bosnian sources; they are not confirmed for Montenegro."
)
_HEADER_ANCHOR = "Generated-By: Babel"


class OverlayFileError(ValueError):
    """The overlay file is not a list of {bs, cnr, note} entries."""


def load_overlay(path: Path | str = OVERLAY_FILE, source: str = "bs", target: str = "cnr") -> TermOverlay:
    """The overlay listed in ``path``: a YAML list of ``{<source>: ..., <target>: ..., note: ...}`` (bs and cnr by default)."""
    import yaml  # PyYAML loads when a file is read, not with the app

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise OverlayFileError(f"{path}: expected a list of {{{source}, {target}, note}} entries")
    entries = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get(source), str) or not isinstance(item.get(target), str):
            raise OverlayFileError(f"{path}: entry {number} needs a {source} and a {target} text")
        entries.append(TermReplacement(item[source], item[target], str(item.get("note") or "")))
    return TermOverlay(entries)


def derive_catalogue(source_po: Path | str, overlay: TermOverlay, language: str = "cnr") -> str:
    """The text of the ``language`` catalogue: every message of ``source_po`` with the overlay applied."""
    with open(source_po, "rb") as handle:
        source = read_po(handle)
    target = Catalog(
        locale=language,
        header_comment=(
            f"# Montenegrin ({language}) translation of the CSI SOP compliance interface,\n"
            "# derived from the Bosnian catalogue (bs) with the term overlay\n"
            "# app/translations/cnr/terms.yaml by app/services/content/term_overlay.py.\n"
            "# Do not edit by hand. Not reviewed.\n#"
        ),
        project=source.project,
        version=source.version,
        msgid_bugs_address=source.msgid_bugs_address,
        creation_date=source.creation_date,
        revision_date=source.revision_date,
        last_translator="Derived from the Bosnian machine draft by a term overlay, not reviewed",
        language_team=f"Montenegrin ({language}), not yet reviewed",
        charset="utf-8",
        fuzzy=False,
    )
    for message in source:
        if not message.id:
            continue
        if isinstance(message.string, (list, tuple)):
            string: Any = tuple(overlay.apply(form) for form in message.string)
        else:
            string = overlay.apply(message.string)
        target.add(
            message.id,
            string,
            locations=message.locations,
            flags=message.flags,
            auto_comments=message.auto_comments,
            user_comments=message.user_comments,
            context=message.context,
        )
    buffer = io.BytesIO()
    write_po(buffer, target, width=76)
    return _with_status(buffer.getvalue().decode("utf-8"), STATUS, CATALOGUE_NOTE)


def _with_status(po_text: str, status: str, note: str) -> str:
    """Add the translation's status lines to the header (Babel keeps no headers of its own)."""
    lines = po_text.split("\n")
    for index, line in enumerate(lines):
        if line.startswith(f'"{_HEADER_ANCHOR}'):
            lines[index + 1 : index + 1] = [f'"X-Translation-Status: {status}\\n"', f'"X-Translation-Note: {note}\\n"']
            return "\n".join(lines)
    raise ValueError("the catalogue has no Generated-By header line to put the status after")


def derive_glossary(source_yaml: Path | str, overlay: TermOverlay, language: str = "cnr") -> str:
    """The text of the ``language`` glossary: the source glossary's terms with the overlay applied."""
    import yaml

    source = yaml.safe_load(Path(source_yaml).read_text(encoding="utf-8"))
    terms = []
    for entry in source["terms"]:
        term = dict(entry)
        term["term"] = overlay.apply(entry["term"])
        term["stem"] = overlay.apply(entry["stem"])
        if term["term"] != entry["term"] or term["stem"] != entry["stem"]:
            why = " ".join(change.note for change in overlay.changes(entry["term"] + " " + entry["stem"]))
            said = f"Montenegrin overlay: {entry['term']} -> {term['term']}. {why}".strip()
            term["note"] = f"{said} Bosnian note: {entry['note']}" if entry.get("note") else said
        terms.append(term)
    derived = {"language": language, "status": source.get("status", STATUS), "note": GLOSSARY_NOTE, "terms": terms}
    header = (
        f"# Montenegrin ({language}) glossary, derived from bs.yaml with app/translations/cnr/terms.yaml by\n"
        "# app/services/content/term_overlay.py; do not edit by hand.\n"
    )
    return header + yaml.safe_dump(derived, sort_keys=False, allow_unicode=True, width=100)


def derive_montenegrin(root: Path = REPOSITORY_ROOT) -> list[Path]:
    """Write the Montenegrin catalogue and glossary under ``root``; the paths written."""
    overlay = load_overlay(root / "app" / "translations" / "cnr" / "terms.yaml")
    catalogue = root / "app" / "translations" / "cnr" / "LC_MESSAGES" / "messages.po"
    glossary = root / "checklists" / "glossary" / "cnr.yaml"
    catalogue.parent.mkdir(parents=True, exist_ok=True)
    catalogue.write_text(
        derive_catalogue(root / "app" / "translations" / "bs" / "LC_MESSAGES" / "messages.po", overlay),
        encoding="utf-8",
    )
    glossary.write_text(derive_glossary(root / "checklists" / "glossary" / "bs.yaml", overlay), encoding="utf-8")
    return [catalogue, glossary]


def main() -> int:
    for path in derive_montenegrin():
        print(f"wrote {path.relative_to(REPOSITORY_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
