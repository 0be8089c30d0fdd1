"""The harmonised seizure record: one line per seized firearm, component, lot of ammunition or
explosive item, with the code lists a unit can adopt (checklist requirement FSD-01).

The record is a Frictionless table schema (``checklists/data/seizure-record.schema.json``) so
that a seizure database can import it as it is; this module reads it for the report's annex
and the command line. Checking a unit's own records against it is the services' work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

#: The file, beside the checklists.
SCHEMA_FILE = Path("data") / "seizure-record.schema.json"
#: The checklist requirement whose template this is: the annex is printed where it is assessed.
REQUIREMENT_ID = "FSD-01"


@dataclass(frozen=True)
class Code:
    value: str
    label: str


@dataclass(frozen=True)
class RecordField:
    """One column of the record: what it holds and, for coded columns, its code list."""

    name: str
    title: str
    description: str
    type: str
    required: bool
    codes: tuple[Code, ...] = ()


@dataclass(frozen=True)
class SeizureRecord:
    title: str
    description: str
    version: str
    fields: tuple[RecordField, ...]
    descriptor: dict

    @property
    def required(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


@lru_cache(maxsize=4)
def read_seizure_record(checklists_dir: str | Path) -> SeizureRecord:
    """The record's schema as shipped with the checklists (read once per folder)."""
    descriptor = json.loads((Path(checklists_dir) / SCHEMA_FILE).read_text(encoding="utf-8"))
    fields = tuple(
        RecordField(
            name=f["name"],
            title=f.get("title", f["name"]),
            description=f.get("description", ""),
            type=f.get("type", "string"),
            required=bool(f.get("constraints", {}).get("required")),
            codes=tuple(Code(c["value"], c["label"]) for c in f.get("categories", ())),
        )
        for f in descriptor["fields"]
    )
    return SeizureRecord(
        descriptor["title"], descriptor.get("description", ""), descriptor["version"], fields, descriptor
    )
