"""Checklist translations as overlays: files beside a checklist version, outside its hashed content.

An overlay translates one checklist version into one language, keyed by section or requirement
id and field (``checklists/translations/csi-sop-enfsi.2.1.1.sr-Latn.yaml``). Each entry carries
the hash of the English text it was made from (:func:`source_hash`), one per field, so that
rewording one anchor makes that anchor's translation stale and nothing else. A stale or missing
entry is never shown: the field falls back to the checklist's own language, and the page marks
it. The stored version and its content hash never change (see :meth:`Text.with_translations`).

Findings are one line each, ``FILE:LINE: ID: FIELD: what``; missing entries are warnings (a
translation in progress), stale, unknown and mismatched entries and malformed files are errors.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.checklist import Checklist, Element
from app.domain.limits import forbidden_in
from app.domain.loader import MAX_CHECKLIST_BYTES, ChecklistInvalid, Problem, _jsonable, _read_yaml, _schema_message
from app.domain.text import Text

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "checklists" / "translation.schema.json"

#: The languages an overlay may be in: the application's languages but English, the checklists' own.
OVERLAY_LANGUAGES = ("bs", "hr", "cnr", "sr-Latn", "sr-Cyrl", "sq", "mk")
STATUSES = ("machine-draft", "reviewed")
#: The overlays written by a tested conversion of another, never by hand: (language, derived from).
#: Serbian Cyrillic by transliteration; Bosnian, Croatian and Montenegrin by term overlays
#: (app.services.content.checklist_variants).
DERIVATIONS = frozenset({("sr-Cyrl", "sr-Latn"), ("bs", "sr-Latn"), ("hr", "sr-Latn"), ("cnr", "sr-Latn")})

#: Translated fields and their shape: one text, a list by position, or a map by scale value.
SECTION_FIELDS = {"title": "text", "intro": "text"}
REQUIREMENT_FIELDS = {
    "title": "text",
    "statement": "text",
    "elements": "list",
    "anchors": "scale",
    "recommendations": "scale",
    "guidance": "text",
    "evidence": "list",
    "applicability": "text",
    "criticality_reason": "text",
}
#: What every language translates; the other fields may fall back to English, visibly marked.
REQUIRED_FIELDS = {
    "section": ("title",),
    "requirement": ("title", "statement", "elements", "anchors", "recommendations"),
}

#: ``csi-sop-enfsi.2.1.1.sr-Latn.yaml``: checklist id, version, language.
FILE_NAME = re.compile(
    r"^(?P<checklist>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<version>[0-9]+(?:\.[0-9]+)*)\.(?P<language>[A-Za-z-]+)\.yaml$"
)

STALE = "stale: made for an older English text"


@dataclass(frozen=True, order=True)
class FieldKey:
    """Where a translated text belongs: a section or requirement, by id, and the field's path.

    ``path`` is the field name, with the position or scale value of list and map fields:
    ``title``, ``elements.0``, ``anchors.1``.
    """

    kind: str  # section | requirement
    id: str
    path: str

    @property
    def field(self) -> str:
        """The field name without position or scale value (``elements`` for ``elements.0``)."""
        return self.path.split(".")[0]


@dataclass(frozen=True)
class Entry:
    """One translated field: the text, and the hash of the English text it translates."""

    text: str
    source: str
    line: int


@dataclass(frozen=True)
class Overlay:
    """One overlay file, parsed and checked against the schema (not yet against the checklist)."""

    file: str
    checklist: str
    version: str
    language: str
    status: str
    note: str
    source_hash: str
    derived_from: str | None
    entries: dict[FieldKey, Entry]

    @property
    def ref(self) -> str:
        """``id@version`` of the checklist version this overlay translates."""
        return f"{self.checklist}@{self.version}"


@dataclass(frozen=True)
class Finding:
    """One thing to say about an overlay: an error, or a warning (a missing entry)."""

    file: str
    line: int
    id: str
    field: str
    message: str
    error: bool = True

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}: {self.id}:{field} {self.message}"


@dataclass(frozen=True)
class Coverage:
    """How much of a checklist version one overlay translates, field by field."""

    language: str
    status: str
    #: Field name -> (translated and current, total in the checklist).
    by_field: dict[str, tuple[int, int]]
    stale: int

    def counts(self, fields: Iterable[str] | None = None) -> tuple[int, int]:
        """Translated and total over ``fields`` (default: all)."""
        chosen = [self.by_field[f] for f in (fields if fields is not None else self.by_field) if f in self.by_field]
        return sum(done for done, _ in chosen), sum(total for _, total in chosen)


def source_hash(text: str) -> str:
    """The first 12 hex digits of the SHA-256 of an English text, its white space runs taken as one space.

    Re-flowing a paragraph keeps the hash; changing a word makes every translation of it stale.
    """
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def overlay_file_name(checklist_id: str, version: str, language: str) -> str:
    """The file name of an overlay: ``csi-sop-enfsi.2.1.1.sr-Latn.yaml``."""
    return f"{checklist_id}.{version}.{language}.yaml"


def overlay_files(folder: str | Path, checklist_id: str | None = None, version: str | None = None) -> list[Path]:
    """The overlay files in ``folder`` (all, or those of one checklist version), in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = FILE_NAME.match(path.name)
        if match and checklist_id in (None, match["checklist"]) and version in (None, match["version"]):
            found.append(path)
    return sorted(found)


# --- the checklist's translatable text ---------------------------------------------------


def translatable_fields(checklist: Checklist) -> dict[FieldKey, Text]:
    """Every field an overlay may translate, in checklist order, with its text."""
    fields: dict[FieldKey, Text] = {}
    for section in checklist.sections:
        for name in SECTION_FIELDS:
            value = getattr(section, name)
            if value is not None:
                fields[FieldKey("section", section.id, name)] = value
        for req in section.requirements:
            for name, shape in REQUIREMENT_FIELDS.items():
                for path, value in _values(name, shape, getattr(req, name)):
                    fields[FieldKey("requirement", req.id, path)] = value
    return fields


def _values(name: str, shape: str, value: Any) -> Iterator[tuple[str, Text]]:
    if value is None:
        return
    if shape == "text":
        yield name, value
    elif shape == "list":
        for i, item in enumerate(value):
            yield f"{name}.{i}", item.text if isinstance(item, Element) else item
    else:
        for key in sorted(value):
            yield f"{name}.{key}", value[key]


# --- reading an overlay ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schema_validator() -> jsonschema.protocols.Validator:
    import jsonschema  # loaded when a file is first checked, not with the app

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def load_overlay_file(path: str | Path) -> Overlay:
    """Read and check an overlay file against the schema; raise :class:`ChecklistInvalid` when it is malformed."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CHECKLIST_BYTES:
            raise ChecklistInvalid([Problem(str(path), 0, "-", f"file is larger than {MAX_CHECKLIST_BYTES:,} bytes")])
        raw = path.read_bytes()
    except OSError as exc:
        raise ChecklistInvalid([Problem(str(path), 0, "-", f"cannot read file: {exc.strerror}")]) from None
    return parse_overlay(raw, str(path))


def parse_overlay(source: str | bytes, filename: str = "<overlay>") -> Overlay:
    """Parse overlay YAML into an :class:`Overlay`, or raise :class:`ChecklistInvalid` (one line per problem)."""
    raw = source.encode("utf-8") if isinstance(source, str) else source
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChecklistInvalid(
            [Problem(filename, 1, "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None
    data, lines = _read_yaml(text, filename)
    document = _jsonable(data)

    def problem(path: tuple, message: str) -> Problem:
        line_path = path
        while line_path and line_path not in lines:
            line_path = line_path[:-1]
        return Problem(filename, lines.get(line_path, 1), _id_at(document, path), message)

    found = forbidden_in(document)
    if found:
        raise ChecklistInvalid([problem(tuple(found[0]), f"a control character ({found[1]}) is not allowed")])
    problems = [problem(tuple(e.absolute_path), _schema_message(e)) for e in _schema_validator().iter_errors(document)]
    if problems:
        raise ChecklistInvalid(sorted(problems, key=lambda p: (p.line, p.message)))

    entries: dict[FieldKey, Entry] = {}
    for kind, plural, shapes in (
        ("section", "sections", SECTION_FIELDS),
        ("requirement", "requirements", REQUIREMENT_FIELDS),
    ):
        for item_id, fields in (document.get(plural) or {}).items():
            for name, value in fields.items():
                for path, entry in _entries(name, shapes[name], value):
                    line = lines.get((plural, item_id, *path), lines.get((plural, item_id), 1))
                    key = FieldKey(kind, item_id, ".".join(str(p) for p in path))
                    entries[key] = Entry(text=entry["text"].strip(), source=entry["source"], line=line)
    return Overlay(
        file=filename,
        checklist=document["checklist"],
        version=document["version"],
        language=document["language"],
        status=document["status"],
        note=" ".join(document["note"].split()),
        source_hash=document["source_hash"],
        derived_from=document.get("derived_from"),
        entries=entries,
    )


def _entries(name: str, shape: str, value: Any) -> Iterator[tuple[tuple, dict]]:
    if shape == "text":
        yield (name,), value
    elif shape == "list":
        for i, item in enumerate(value):
            if item is not None:
                yield (name, i), item
    else:
        for key, item in value.items():
            yield (name, int(key)), item


def _id_at(document: Any, path: tuple) -> str:
    """The section or requirement id a path into an overlay is under, else the checklist id."""
    if len(path) >= 2 and path[0] in ("sections", "requirements"):
        return str(path[1])
    checklist = document.get("checklist") if isinstance(document, dict) else None
    return checklist if isinstance(checklist, str) else "-"


# --- checking an overlay against its checklist -------------------------------------------


def check_overlay(overlay: Overlay, checklist: Checklist) -> list[Finding]:
    """What is wrong or missing in ``overlay`` for ``checklist``: errors first, then warnings, one line each."""
    errors = header_findings(overlay, checklist)
    if (overlay.checklist, overlay.version) != (checklist.id, checklist.version):
        return errors  # made for another version: going entry by entry would only repeat it
    fields = translatable_fields(checklist)
    ids = {("section", s.id) for s in checklist.sections} | {
        ("requirement", r.id) for r in _all_requirements(checklist)
    }
    for key, entry in sorted(overlay.entries.items(), key=lambda item: item[1].line):
        english = fields.get(key)
        if english is None:
            known = (key.kind, key.id) in ids
            what = "the checklist has no such field" if known else f"no {key.kind} {key.id} in {checklist.ref}"
            errors.append(Finding(overlay.file, entry.line, key.id, key.path, what))
        elif entry.source != source_hash(english.source):
            errors.append(Finding(overlay.file, entry.line, key.id, key.path, STALE))
    warnings = [
        Finding(overlay.file, 0, key.id, key.path, "missing", error=False)
        for key in fields
        if key.field in REQUIRED_FIELDS[key.kind] and key not in overlay.entries
    ]
    return errors + warnings


def header_findings(overlay: Overlay, checklist: Checklist) -> list[Finding]:
    """Errors of the overlay as a whole: another version or content, a file name that disagrees, a wrong language."""
    found = []

    def header(message: str) -> None:
        found.append(Finding(overlay.file, 1, overlay.checklist, "", message))

    expected = overlay_file_name(overlay.checklist, overlay.version, overlay.language)
    if Path(overlay.file).name != expected:
        header(f"the file name does not match the header, which names it {expected}")
    if (overlay.checklist, overlay.version) != (checklist.id, checklist.version):
        header(f"made for {overlay.ref}, not for {checklist.ref}")
    elif overlay.source_hash != checklist.content_hash:
        header(
            f"made for the content {overlay.source_hash[:12]}, but {checklist.ref} is {checklist.content_hash[:12]}: "
            "was the checklist changed without raising its version?"
        )
    if overlay.language == checklist.language:
        header(f"{overlay.language} is the checklist's own language, which is not overlaid")
    if overlay.derived_from and (overlay.language, overlay.derived_from) not in DERIVATIONS:
        header(f"a {overlay.language} overlay cannot be derived from {overlay.derived_from}")
    return found


def _all_requirements(checklist: Checklist):
    return (r for s in checklist.sections for r in s.requirements)


def coverage(overlay: Overlay, checklist: Checklist) -> Coverage:
    """Translated and current entries against the checklist's fields, by field name."""
    totals: dict[str, list[int]] = {}
    stale = 0
    for key, text in translatable_fields(checklist).items():
        name = f"section {key.field}" if key.kind == "section" else key.field
        counts = totals.setdefault(name, [0, 0])
        counts[1] += 1
        entry = overlay.entries.get(key)
        if entry is not None:
            if entry.source == source_hash(text.source):
                counts[0] += 1
            else:
                stale += 1
    return Coverage(overlay.language, overlay.status, {k: (v[0], v[1]) for k, v in totals.items()}, stale)
