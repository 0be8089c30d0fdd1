"""The JSON Schema an assessment package must meet, built from the one set of input limits.

Every string has the length its column holds; every number and date a range; every list a
bound. Characters are checked before the schema, by the one rule for all input
(:func:`app.domain.limits.forbidden_in`, called by ``read_package``). A package that passes
can be written on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import Any

from app.domain.checklist import COST_BANDS, EFFORT_BANDS, Focus
from app.domain.limits import LENGTH
from app.domain.scoring import Basis, Scope
from app.domain.workflow import Stage
from app.models import ACTION_STATUSES, FINDINGS, STANCES

PACKAGE_FORMAT = "csi-sop-assessment"
PUBLIC_KEY_PATTERN = "^[A-Za-z0-9+/]{43}=$"  # an Ed25519 public key: 32 bytes, base64
SIGNATURE_PATTERN = "^[A-Za-z0-9+/]{86}==$"  # an Ed25519 signature: 64 bytes, base64
SUPPORTED_VERSIONS = (1, 2)

MAX_RESPONSES = 2000
MAX_SOPS = 500
MAX_ACTIONS = 500
MAX_CITATIONS = 10
MAX_PARTICIPANTS = 40
MAX_REVISION = 10_000
MAX_SCALE_VALUE = 100
MAX_ELEMENTS = 20


def text(kind: str, *, required: bool = False) -> dict[str, Any]:
    """A string of at most ``LENGTH[kind]`` characters (or null unless ``required``)."""
    schema: dict[str, Any] = {"type": "string" if required else ["string", "null"], "maxLength": LENGTH[kind]}
    if required:
        schema["minLength"] = 1
    return schema


def _enum(values) -> dict[str, Any]:
    return {"enum": [*values, None]}


_DATE = {"type": ["string", "null"], "format": "date", "maxLength": 10}
_DATETIME = {"type": ["string", "null"], "format": "date-time", "maxLength": 40}
_BOOL = {"type": "boolean"}
_SCALE = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_SCALE_VALUE}
#: Elements ticked (positions from 0; null: not ticked); checked against the requirement on import.
_TICKS = {
    "type": ["array", "null"],
    "maxItems": MAX_ELEMENTS,
    "uniqueItems": True,
    "items": {"type": "integer", "minimum": 0, "maximum": MAX_ELEMENTS - 1},
}

_REVIEW = {
    "type": ["object", "null"],
    "additionalProperties": True,
    "properties": {
        "value": _SCALE,
        "not_applicable": _BOOL,
        "not_evidenced": _BOOL,
        "stance": _enum(STANCES),
        "comment": text("note"),
        "finding": _enum(FINDINGS),
        "agreed_value": _SCALE,
        "agreed_not_applicable": _BOOL,
        "agreed_not_evidenced": _BOOL,
        "agreed_by": text("name"),
        "agreed_at": _DATETIME,
        "updated_by": text("name"),
        "updated_at": _DATETIME,
        "ticks": _TICKS,
        "level_reason": text("justification"),
    },
}

_RESPONSE = {
    "type": "object",
    "required": ["requirement"],
    "properties": {
        "requirement": text("requirement", required=True),
        "value": _SCALE,
        "not_applicable": _BOOL,
        "na_justification": text("justification"),
        "not_evidenced": _BOOL,
        "basis": _enum(Basis),
        "citations": {
            "type": "array",
            "maxItems": MAX_CITATIONS,
            "items": {
                "type": "object",
                "required": ["sop"],
                "properties": {
                    "sop": text("sop_code", required=True),
                    "section": text("section"),
                    "version": text("sop_version"),
                    "quote": text("quote"),
                },
            },
        },
        "sop": text("sop_code"),  # format 1
        "sop_section": text("section"),  # format 1
        "evidence_note": text("note"),
        "recommendation": text("note"),
        "reply": text("note"),
        "dissent": text("note"),
        "action_owner": text("name"),  # format 1
        "action_due": _DATE,  # format 1
        "updated_at": _DATETIME,
        "updated_by": text("name"),
        "review": _REVIEW,
        "carried_from": text("name"),  # an upgraded draft: the earlier requirement(s) the answer came from
        "recheck": _BOOL,
        "no_action_reason": text("justification"),  # a gap left without an action on purpose: why
        "ticks": _TICKS,  # checklist 2.1.0 on: the elements found met, and why another level than theirs
        "level_reason": text("justification"),
    },
}

PACKAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "format_version", "checklist", "unit", "assessment", "responses"],
    "properties": {
        "format": {"const": PACKAGE_FORMAT},
        "format_version": {"enum": list(SUPPORTED_VERSIONS)},
        "exported_at": _DATETIME,
        "exported_by": text("name"),
        "installation": {
            "type": ["object", "null"],
            "properties": {
                "id": text("name"),
                "name": text("name"),
                "public_key": {"type": "string", "pattern": PUBLIC_KEY_PATTERN},
            },
        },
        # Checked by app.services.exchange.signing: a signature that does not verify is refused.
        "signature": {
            "type": ["object", "null"],
            "required": ["algorithm", "value"],
            "properties": {
                "algorithm": {"type": "string", "maxLength": 20},
                "value": {"type": "string", "pattern": SIGNATURE_PATTERN},
            },
        },
        "checklist": {
            "type": "object",
            "required": ["id", "version", "content_hash"],
            "properties": {
                "id": text("checklist_id", required=True),
                "version": text("checklist_version", required=True),
                "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        },
        "unit": {
            "type": "object",
            "required": ["code", "name", "jurisdiction"],
            "properties": {
                # Trimmed and upper-cased before the pattern is applied (see the import).
                "code": {"type": "string", "minLength": 1, "maxLength": LENGTH["unit_code"] + 8},
                "name": text("unit_name", required=True),
                "jurisdiction": text("jurisdiction", required=True),
            },
        },
        "assessment": {
            "type": "object",
            "required": ["title", "modules", "revision"],
            "properties": {
                "title": text("title", required=True),
                "modules": {"type": "array", "maxItems": 20, "items": text("module", required=True)},
                "scope": _enum(Scope),
                # Only a first assessment carries it ("essentials"); a package without it is the full checklist.
                "focus": {"enum": list(Focus)},
                "assessors": text("assessors"),
                "assessed_on": _DATE,
                "status": {"enum": ["draft", "finalised"]},  # format 1
                "stage": {"enum": list(Stage)},
                "reviewed": _BOOL,
                "revision": {"type": "integer", "minimum": 1, "maximum": MAX_REVISION},
                "finalised_at": _DATETIME,
            },
        },
        "sops": {
            "type": "array",
            "maxItems": MAX_SOPS,
            "items": {
                "type": "object",
                "required": ["code", "title", "version"],
                "properties": {
                    "code": text("sop_code", required=True),
                    "title": text("sop_title", required=True),
                    "version": text("sop_version", required=True),
                    "issued_on": _DATE,
                    "notes": text("sop_notes"),
                },
            },
        },
        "responses": {"type": "array", "maxItems": MAX_RESPONSES, "items": _RESPONSE},
        "consultation": {
            "type": ["object", "null"],
            "properties": {
                "held_on": _DATE,
                "place": text("place"),
                "online": _BOOL,
                "participants": {
                    "type": "array",
                    "maxItems": MAX_PARTICIPANTS,
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {
                            "name": text("name", required=True),
                            "role": text("name"),
                            "organisation": text("name"),
                        },
                    },
                },
                "minutes": text("minutes"),
            },
        },
        "actions": {
            "type": "array",
            "maxItems": MAX_ACTIONS,
            "items": {
                "type": "object",
                "required": ["title", "gaps"],
                "properties": {
                    "title": text("title", required=True),
                    "remedy": text("module"),
                    "owner": text("name"),
                    "due_on": _DATE,
                    "effort": _enum(EFFORT_BANDS),
                    "cost": _enum(COST_BANDS),
                    "status": {"enum": list(ACTION_STATUSES)},
                    "notes": text("note"),
                    "gaps": {"type": "array", "maxItems": MAX_RESPONSES, "items": text("requirement", required=True)},
                },
            },
        },
    },
}
