"""A checklist version with its translation overlays merged into its texts (see :mod:`app.domain.overlays`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from app.domain.checklist import Checklist, Element, Requirement
from app.domain.overlays import REQUIREMENT_FIELDS, FieldKey, Overlay, source_hash, translatable_fields
from app.domain.text import Text


def with_overlays(checklist: Checklist, overlays: Iterable[Overlay]) -> Checklist:
    """The checklist with the current entries of its overlays merged into its texts.

    Only entries made for the English text the checklist has now are merged; a stale or
    missing one leaves the field in English. The content, its hash and the stored document
    are the checklist's own: the result equals ``checklist``.
    """
    fields = translatable_fields(checklist)
    by_key: dict[FieldKey, dict[str, str]] = {}
    for overlay in overlays:
        if (overlay.checklist, overlay.version) != (checklist.id, checklist.version):
            continue
        if overlay.language == checklist.language:
            continue
        for key, entry in overlay.entries.items():
            english = fields.get(key)
            if english is not None and entry.source == source_hash(english.source):
                by_key.setdefault(key, {})[overlay.language] = entry.text
    if not by_key:
        return checklist

    def merged(kind: str, item_id: str, path: str, text: Text | None) -> Text | None:
        found = by_key.get(FieldKey(kind, item_id, path))
        return text.with_translations(found) if found and text is not None else text

    def merged_requirement(req: Requirement) -> Requirement:
        def merged_text(path: str, text: Text | None) -> Text | None:
            return merged("requirement", req.id, path, text)

        return replace(
            req,
            **{
                name: _merged_field(name, shape, getattr(req, name), merged_text)
                for name, shape in REQUIREMENT_FIELDS.items()
            },
        )

    sections = tuple(
        replace(
            section,
            title=merged("section", section.id, "title", section.title),
            intro=merged("section", section.id, "intro", section.intro),
            requirements=tuple(merged_requirement(req) for req in section.requirements),
        )
        for section in checklist.sections
    )
    return replace(checklist, sections=sections)


def _merged_field(name: str, shape: str, value: Any, merged) -> Any:
    if value is None:
        return None
    if shape == "text":
        return merged(name, value)
    if shape == "list":
        return tuple(
            replace(item, text=merged(f"{name}.{i}", item.text))
            if isinstance(item, Element)
            else merged(f"{name}.{i}", item)
            for i, item in enumerate(value)
        )
    return {key: merged(f"{name}.{key}", text) for key, text in value.items()}
