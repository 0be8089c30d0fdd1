"""Writing overlay files: a new translation's entries with their source hashes, or one derived from another.

The Serbian Cyrillic overlay is never written by hand: :func:`derived_overlay` makes it from the
Serbian Latin one with a tested transliteration, entry by entry, keeping each entry's source
hash, so a Latin entry that is stale stays stale in Cyrillic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from app.domain.checklist import Checklist
from app.domain.overlays import (
    REQUIREMENT_FIELDS,
    SECTION_FIELDS,
    Entry,
    FieldKey,
    Overlay,
    source_hash,
    translatable_fields,
)


def new_entries(checklist: Checklist, texts: Mapping[FieldKey, str]) -> dict[FieldKey, Entry]:
    """Entries for translations made now, each with the hash of the English text it translates, in checklist order."""
    fields = translatable_fields(checklist)
    unknown = sorted(set(texts) - set(fields))
    if unknown:
        raise KeyError(f"{checklist.ref} has no field {unknown[0].id} {unknown[0].path}")
    return {
        key: Entry(texts[key].strip(), source_hash(english.source), 0)
        for key, english in fields.items()
        if key in texts
    }


def overlay_document(header: Mapping[str, str], entries: Mapping[FieldKey, Entry]) -> dict:
    """An overlay's data: the header, then sections and requirements with their entries, in the order given."""
    document: dict = dict(header)
    sections: dict[str, dict] = {}
    requirements: dict[str, dict] = {}
    for key, entry in entries.items():
        target = sections if key.kind == "section" else requirements
        shape = (SECTION_FIELDS if key.kind == "section" else REQUIREMENT_FIELDS)[key.field]
        item = target.setdefault(key.id, {})
        value = {"source": entry.source, "text": entry.text}
        if shape == "text":
            item[key.field] = value
        elif shape == "list":
            position = int(key.path.split(".")[1])
            items = item.setdefault(key.field, [])
            items.extend([None] * (position + 1 - len(items)))
            items[position] = value
        else:
            item.setdefault(key.field, {})[int(key.path.split(".")[1])] = value
    if sections:
        document["sections"] = sections
    if requirements:
        document["requirements"] = requirements
    return document


def overlay_yaml(document: dict, comment: Iterable[str] = ()) -> str:
    """The overlay as YAML text, with comment lines on top."""
    import yaml  # PyYAML loads when an overlay is written, not with the app

    head = "".join(f"# {line}\n" if line else "#\n" for line in comment)
    body = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    return head + body


def derived_overlay(
    source: Overlay, language: str, convert: Callable[[str], str], how: str = "transliteration"
) -> dict:
    """The data of an overlay derived from ``source`` by ``convert`` (sr-Cyrl from sr-Latn by transliteration;
    bs, hr and cnr from sr-Latn by term overlays), ``how`` saying which in its note.

    Status and source hashes are the source overlay's: the derivation adds no review and
    changes no entry's English.
    """
    header = {
        "checklist": source.checklist,
        "version": source.version,
        "language": language,
        "status": source.status,
        "note": f"Derived from the {source.language} overlay by {how}, never edited by hand. "
        f"That overlay: {source.note}",
        "source_hash": source.source_hash,
        "derived_from": source.language,
    }
    ordered = sorted(source.entries.items(), key=lambda item: item[1].line)
    return overlay_document(header, {key: Entry(convert(e.text), e.source, 0) for key, e in ordered})


# --- section files: how a translator hands in work ---------------------------------------------


class SectionFileInvalid(ValueError):
    """A section file is not in the shape ``section, title?, requirements: {ID: {field: text}}``."""


def section_file_texts(document: object, name: str = "<section file>") -> dict[FieldKey, str]:
    """The texts of one translator's section file, by field.

    A section file is plain YAML a translator writes without hashes (``checklists/translations/README.md``)::

        section: GOV
        title: Upravljanje i nepristrasnost
        requirements:
          GOV-01:
            title: ...
            elements: [..., ...]          # by position
            anchors: {1: ..., 2: ..., 3: ...}
    """
    if not isinstance(document, dict) or not isinstance(document.get("section"), str):
        raise SectionFileInvalid(f"{name}: not a section file (it needs 'section: ID' at the top)")
    section = document["section"]
    texts: dict[FieldKey, str] = {}
    for field in ("title", "intro"):
        if field in document:
            texts[FieldKey("section", section, field)] = _text(document[field], name, section, field)
    requirements = document.get("requirements") or {}
    if not isinstance(requirements, dict):
        raise SectionFileInvalid(f"{name}: {section}: 'requirements' must map requirement ids to their fields")
    for rid, fields in requirements.items():
        if not isinstance(fields, dict):
            raise SectionFileInvalid(f"{name}: {rid}: its fields must be a mapping")
        for field, value in fields.items():
            shape = REQUIREMENT_FIELDS.get(field)
            if shape is None:
                raise SectionFileInvalid(f"{name}: {rid}: '{field}' is not a translatable field")
            if shape == "text":
                texts[FieldKey("requirement", rid, field)] = _text(value, name, rid, field)
            elif shape == "list":
                if not isinstance(value, list):
                    raise SectionFileInvalid(f"{name}: {rid}: '{field}' must be a list, in the checklist's order")
                for i, item in enumerate(value):
                    if item is not None:
                        texts[FieldKey("requirement", rid, f"{field}.{i}")] = _text(item, name, rid, f"{field}.{i}")
            else:
                if not isinstance(value, dict):
                    raise SectionFileInvalid(f"{name}: {rid}: '{field}' must map scale values to texts")
                for level, item in value.items():
                    path = f"{field}.{int(level)}"
                    texts[FieldKey("requirement", rid, path)] = _text(item, name, rid, path)
    return texts


def _text(value: object, name: str, item: str, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SectionFileInvalid(f"{name}: {item}: {path}: needs a text")
    return " ".join(value.split())


def merged_entries(
    checklist: Checklist, existing: Mapping[FieldKey, Entry], texts: Mapping[FieldKey, str]
) -> dict[FieldKey, Entry]:
    """An overlay's entries with ``texts`` merged in (hashed against the English now), in checklist order.

    Entries ``texts`` does not touch keep their text and source hash, stale or not.
    """
    combined = {**existing, **new_entries(checklist, texts)}
    order = {key: i for i, key in enumerate(translatable_fields(checklist))}
    return dict(sorted(combined.items(), key=lambda item: order.get(item[0], len(order))))
