"""The assessment record: one JSON document with everything an assessment says.

It is what an expert carries between installations (export and import), what the issued
PDF embeds, and what its footer's record hash is computed from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from app.models import Assessment
from app.services.assessments import ScoreSheet, score_sheet

PACKAGE_FORMAT = "csi-sop-assessment"
PACKAGE_VERSION = 1

#: Fields that change with every export and so stay out of the record hash.
VOLATILE = ("exported_at",)

_RESPONSE_FIELDS = (
    "value",
    "not_applicable",
    "na_justification",
    "sop_section",
    "evidence_note",
    "recommendation",
    "action_owner",
)


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def build_package(assessment: Assessment, sheet: ScoreSheet | None = None) -> dict[str, Any]:
    """The whole assessment as JSON data, pinned to its checklist by id, version and hash."""
    sheet = sheet or score_sheet(assessment)
    version = assessment.checklist_version
    unit = assessment.unit
    responses = []
    for requirement in sheet.checklist.requirements(assessment.modules):
        response = sheet.responses[requirement.id]
        entry: dict[str, Any] = {"requirement": requirement.id}
        entry.update({name: getattr(response, name) for name in _RESPONSE_FIELDS})
        entry["sop"] = response.sop.code if response.sop else None
        entry["action_due"] = _iso(response.action_due)
        entry["updated_at"] = _iso(response.updated_at)
        entry["updated_by"] = response.updated_by.name if response.updated_by else None
        responses.append(entry)
    return {
        "format": PACKAGE_FORMAT,
        "format_version": PACKAGE_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "checklist": {"id": version.checklist_id, "version": version.version, "content_hash": version.content_hash},
        "unit": {"code": unit.code, "name": unit.name, "jurisdiction": unit.jurisdiction},
        "assessment": {
            "title": assessment.title,
            "kind": assessment.kind,
            "modules": list(assessment.modules),
            "assessors": assessment.assessors,
            "assessed_on": _iso(assessment.assessed_on),
            "status": assessment.status,
            "revision": assessment.revision,
            "finalised_at": _iso(assessment.finalised_at),
        },
        "sops": [
            {"code": s.code, "title": s.title, "version": s.version, "issued_on": _iso(s.issued_on), "notes": s.notes}
            for s in unit.sops
        ],
        "responses": responses,
    }


def canonical_bytes(package: dict[str, Any]) -> bytes:
    """The package without volatile fields, serialised the same way every time."""
    stable = {k: v for k, v in package.items() if k not in VOLATILE}
    return json.dumps(stable, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def record_hash(package: dict[str, Any]) -> str:
    """SHA-256 of the record's content: equal records, equal hashes."""
    return hashlib.sha256(canonical_bytes(package)).hexdigest()


def package_bytes(package: dict[str, Any]) -> bytes:
    """The package as a readable JSON file."""
    return (json.dumps(package, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
