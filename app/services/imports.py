"""Bringing an assessment package from another installation into this one.

A package is refused, with a message that says why, when it is not a package, when its
checklist version is not loaded here, or when the loaded version's content differs from
the one the package was scored against. Nothing is stored unless everything fits.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import jsonschema
from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.checklist import COST_BANDS, EFFORT_BANDS
from app.domain.scoring import Basis, Scope
from app.domain.workflow import Stage
from app.extensions import db
from app.models import (
    ACTION_STATUSES,
    FINDINGS,
    STANCES,
    Assessment,
    Consultation,
    PlannedAction,
    Review,
    Sop,
    Unit,
    User,
)
from app.models.base import utcnow
from app.services.access import Action, is_admin, may
from app.services.assessments import AssessmentError, create_assessment, score_sheet
from app.services.checklists import checklist_of, find_version
from app.services.packages import PACKAGE_FORMAT, PACKAGE_VERSION, REVIEW_FIELDS, record_hash
from app.services.responses import InvalidResponse, ResponseInput, save_response

SUPPORTED_VERSIONS = (1, PACKAGE_VERSION)

MAX_PACKAGE_BYTES = 5 * 1024 * 1024

_TEXT = {"type": ["string", "null"]}
_DATE = {"type": ["string", "null"], "format": "date"}
PACKAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["format", "format_version", "checklist", "unit", "assessment", "responses"],
    "properties": {
        "format": {"const": PACKAGE_FORMAT},
        "format_version": {"enum": list(SUPPORTED_VERSIONS)},
        "checklist": {
            "type": "object",
            "required": ["id", "version", "content_hash"],
            "properties": {
                "id": {"type": "string"},
                "version": {"type": "string"},
                "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            },
        },
        "unit": {
            "type": "object",
            "required": ["code", "name", "jurisdiction"],
            "properties": {
                "code": {"type": "string", "minLength": 1, "maxLength": 32},
                "name": {"type": "string", "minLength": 1},
                "jurisdiction": {"type": "string", "minLength": 1},
            },
        },
        "assessment": {
            "type": "object",
            "required": ["title", "modules", "revision"],
            "properties": {
                "title": {"type": "string", "minLength": 1, "maxLength": 300},
                "modules": {"type": "array", "items": {"type": "string"}},
                "scope": {"enum": list(Scope)},
                "assessors": _TEXT,
                "assessed_on": _DATE,
                "status": {"enum": ["draft", "finalised"]},  # format 1
                "stage": {"enum": list(Stage)},
                "reviewed": {"type": "boolean"},
                "revision": {"type": "integer", "minimum": 1},
            },
        },
        "consultation": {
            "type": ["object", "null"],
            "properties": {
                "held_on": _DATE,
                "place": _TEXT,
                "online": {"type": "boolean"},
                "participants": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}, "role": _TEXT, "organisation": _TEXT},
                    },
                },
                "minutes": _TEXT,
            },
        },
        "actions": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["title", "gaps"],
                "properties": {
                    "title": {"type": "string", "minLength": 1, "maxLength": 300},
                    "remedy": _TEXT,
                    "owner": _TEXT,
                    "due_on": _DATE,
                    "effort": {"enum": [*EFFORT_BANDS, None]},
                    "cost": {"enum": [*COST_BANDS, None]},
                    "status": {"enum": list(ACTION_STATUSES)},
                    "notes": _TEXT,
                    "gaps": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "sops": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["code", "title", "version"],
                "properties": {
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                    "version": {"type": "string"},
                    "issued_on": _DATE,
                    "notes": _TEXT,
                },
            },
        },
        "responses": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["requirement"],
                "properties": {
                    "requirement": {"type": "string"},
                    "value": {"type": ["integer", "null"]},
                    "not_applicable": {"type": "boolean"},
                    "na_justification": _TEXT,
                    "not_evidenced": {"type": "boolean"},
                    "basis": {"enum": [*Basis, None]},
                    "citations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["sop"],
                            "properties": {"sop": {"type": "string"}, "section": _TEXT, "version": _TEXT},
                        },
                    },
                    "sop": _TEXT,  # format 1
                    "sop_section": _TEXT,  # format 1
                    "evidence_note": _TEXT,
                    "recommendation": _TEXT,
                    "reply": _TEXT,
                    "dissent": _TEXT,
                    "action_owner": _TEXT,  # format 1
                    "action_due": _DATE,  # format 1
                    "review": {
                        "type": ["object", "null"],
                        "properties": {
                            "value": {"type": ["integer", "null"]},
                            "not_applicable": {"type": "boolean"},
                            "not_evidenced": {"type": "boolean"},
                            "stance": {"enum": [*STANCES, None]},
                            "comment": _TEXT,
                            "finding": {"enum": [*FINDINGS, None]},
                            "agreed_value": {"type": ["integer", "null"]},
                            "agreed_not_applicable": {"type": "boolean"},
                            "agreed_not_evidenced": {"type": "boolean"},
                        },
                    },
                },
            },
        },
    },
}


class PackageRefused(AssessmentError):
    """The package cannot be imported; the message says why."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import made."""

    assessment: Assessment
    created_unit: bool
    created_sops: tuple[str, ...]


def read_package(raw: bytes) -> dict[str, Any]:
    """Parse and check a package's shape, or refuse it with a readable reason."""
    if len(raw) > MAX_PACKAGE_BYTES:
        raise PackageRefused(
            _(
                "The file is %(size)s bytes; packages are limited to %(max)s bytes.",
                size=f"{len(raw):,}",
                max=f"{MAX_PACKAGE_BYTES:,}",
            )
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PackageRefused(_("The file is not UTF-8 text; export the package again.")) from None
    except json.JSONDecodeError as exc:
        raise PackageRefused(
            _(
                "The file is not valid JSON (line %(line)s, column %(col)s: %(msg)s).",
                line=exc.lineno,
                col=exc.colno,
                msg=exc.msg,
            )
        ) from None
    if not isinstance(data, dict) or data.get("format") != PACKAGE_FORMAT:
        raise PackageRefused(_("This is not an assessment package exported by this product."))
    if data.get("format_version") not in SUPPORTED_VERSIONS:
        raise PackageRefused(
            _(
                "Package format version %(found)s is not supported here (expected %(expected)s).",
                found=repr(data.get("format_version")),
                expected=" or ".join(str(v) for v in SUPPORTED_VERSIONS),
            )
        )
    error = jsonschema.exceptions.best_match(
        jsonschema.Draft202012Validator(PACKAGE_SCHEMA, format_checker=jsonschema.FormatChecker()).iter_errors(data)
    )
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "package"
        raise PackageRefused(_("The package is damaged at %(where)s: %(what)s", where=where, what=error.message))
    return data


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def import_package(raw: bytes, user: User | None = None) -> ImportOutcome:
    """Create an assessment from a package; ``user`` None means the command line (trusted)."""
    data = read_package(raw)
    ref = f"{data['checklist']['id']}@{data['checklist']['version']}"
    version = find_version(data["checklist"]["id"], data["checklist"]["version"])
    if version is None:
        raise PackageRefused(
            _(
                "Checklist %(ref)s is not loaded in this installation. Load that version first "
                "(flask checklists load FILE), then import again.",
                ref=ref,
            )
        )
    if version.content_hash != data["checklist"]["content_hash"]:
        raise PackageRefused(
            _(
                "Checklist %(ref)s here has different content (%(here)s) from the one the package was scored against "
                "(%(there)s). Ask the sender which file they loaded.",
                ref=ref,
                here=version.content_hash[:12],
                there=data["checklist"]["content_hash"][:12],
            )
        )
    digest = record_hash(data)
    existing = db.session.scalar(select(Assessment).where(Assessment.imported_record == digest))
    if existing is not None:
        raise PackageRefused(
            _(
                "This package was imported already, as assessment %(id)s (%(title)s).",
                id=existing.id,
                title=existing.title,
            )
        )

    checklist = checklist_of(version)
    meta = data["assessment"]
    unknown_modules = sorted(set(meta["modules"]) - {m.id for m in checklist.modules})
    if unknown_modules:
        raise PackageRefused(
            _(
                "The package uses modules %(modules)s that %(ref)s does not have.",
                modules=", ".join(unknown_modules),
                ref=ref,
            )
        )
    wanted = {r.id for r in checklist.requirements(meta["modules"])}
    stray = [r["requirement"] for r in data["responses"] if r["requirement"] not in wanted]
    if stray:
        raise PackageRefused(
            _(
                "Responses to requirements not in %(ref)s with the chosen modules: %(ids)s.",
                ref=ref,
                ids=", ".join(stray[:5]),
            )
        )

    unit_data = data["unit"]
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_data["code"].upper()))
    created_unit = unit is None
    if user is not None:
        if unit is None and not is_admin(user):
            raise PackageRefused(
                _(
                    "Unit %(code)s does not exist here; an administrator can import it and create the unit.",
                    code=unit_data["code"],
                )
            )
        if unit is not None and not may(user, Action.IMPORT, unit.id):
            raise PackageRefused(_("You may not import assessments for unit %(code)s.", code=unit.code))
    if unit is None:
        unit = Unit(code=unit_data["code"].upper(), name=unit_data["name"], jurisdiction=unit_data["jurisdiction"])
        db.session.add(unit)
        db.session.flush()

    sops = {s.code: s for s in unit.sops}
    created_sops = []
    for entry in data.get("sops") or []:
        if entry["code"] not in sops:
            sop = Sop(
                unit=unit,
                code=entry["code"],
                title=entry["title"],
                version=entry["version"],
                issued_on=_date(entry.get("issued_on")),
                notes=entry.get("notes"),
            )
            db.session.add(sop)
            sops[sop.code] = sop
            created_sops.append(sop.code)
    db.session.flush()

    try:
        assessment = _write_assessment(data, unit, version, sops, user, digest)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ImportOutcome(assessment, created_unit, tuple(created_sops))


def _citations(entry: dict, sops: dict[str, Sop]) -> list[tuple[int, str]]:
    """The response's citations as (document id, section); format 1 had one SOP and section."""
    listed = entry.get("citations")
    if listed is None and entry.get("sop"):
        listed = [{"sop": entry["sop"], "section": entry.get("sop_section") or ""}]
    cited = []
    for item in listed or []:
        if item["sop"] not in sops:
            raise PackageRefused(
                _(
                    "%(id)s points to SOP %(sop)s, which the package's register does not list.",
                    id=entry["requirement"],
                    sop=item["sop"],
                )
            )
        cited.append((sops[item["sop"]].id, item.get("section") or ""))
    return cited


def _write_assessment(data: dict, unit: Unit, version, sops: dict[str, Sop], user: User | None, digest: str):
    meta = data["assessment"]
    assessment = create_assessment(
        unit=unit,
        version=version,
        title=meta["title"],
        modules=meta["modules"],
        scope=meta.get("scope") or Scope.ONSITE,
        assessors=meta.get("assessors") or "",
        assessed_on=_date(meta.get("assessed_on")),
        user=user,
    )
    sheet = score_sheet(assessment)
    legacy_actions: dict[tuple[str, str | None], list[str]] = {}
    for entry in data["responses"]:
        item = ResponseInput(
            value=entry.get("value"),
            not_applicable=bool(entry.get("not_applicable")),
            not_evidenced=bool(entry.get("not_evidenced")),
            na_justification=entry.get("na_justification") or "",
            basis=entry.get("basis"),
            citations=_citations(entry, sops),
            evidence_note=entry.get("evidence_note") or "",
            recommendation=entry.get("recommendation") or "",
        )
        code = entry["requirement"]
        try:
            response = save_response(sheet, code, item, expected_version=sheet.responses[code].version, user=None)
        except InvalidResponse as exc:
            raise PackageRefused(f"{code}: {exc}") from None
        response.reply = entry.get("reply") or ""
        response.dissent = entry.get("dissent") or ""
        # Keep when the response was last changed where it was made, not when it arrived.
        response.updated_at = dt.datetime.fromisoformat(entry["updated_at"]) if entry.get("updated_at") else None
        review = entry.get("review")
        if review:
            response.review = Review(**{k: review.get(k) for k in REVIEW_FIELDS if k in review})
        if entry.get("action_owner") or entry.get("action_due"):
            legacy_actions.setdefault((entry.get("action_owner") or "", entry.get("action_due")), []).append(code)
    _write_plan(data, sheet, legacy_actions)
    consultation = data.get("consultation")
    if consultation:
        db.session.add(
            Consultation(
                assessment=assessment,
                held_on=_date(consultation.get("held_on")),
                place=consultation.get("place") or "",
                online=bool(consultation.get("online")),
                participants=[
                    {"name": p["name"], "role": p.get("role") or "", "organisation": p.get("organisation") or ""}
                    for p in consultation.get("participants") or []
                ],
                minutes=consultation.get("minutes") or "",
            )
        )
    assessment.stage = meta.get("stage") or (
        Stage.FINALISED if meta.get("status") == "finalised" else Stage.SELF_ASSESSMENT
    )
    assessment.reviewed = bool(meta.get("reviewed"))
    assessment.revision = meta["revision"]
    if assessment.stage == Stage.FINALISED:
        assessment.finalised_at = (
            dt.datetime.fromisoformat(meta["finalised_at"]) if meta.get("finalised_at") else utcnow()
        )
        for response in sheet.responses.values():
            for citation in response.citations:
                citation.freeze()
    assessment.imported_record = digest
    db.session.flush()
    return assessment


def _write_plan(data: dict, sheet, legacy: dict[tuple[str, str | None], list[str]]) -> None:
    """The package's actions; a format 1 package's per-response owners become one action each."""
    entries = list(data.get("actions") or [])
    for (owner, due), codes in legacy.items():
        entries.append({"title": _("Agreed action"), "owner": owner, "due_on": due, "gaps": codes})
    for entry in entries:
        unknown = [c for c in entry["gaps"] if c not in sheet.responses]
        if unknown:
            raise PackageRefused(
                _("An action names requirements not in the assessment: %(ids)s.", ids=", ".join(unknown[:5]))
            )
        action = PlannedAction(
            assessment=sheet.assessment,
            title=entry["title"],
            remedy=entry.get("remedy"),
            owner=entry.get("owner") or "",
            due_on=_date(entry.get("due_on")),
            effort=entry.get("effort"),
            cost=entry.get("cost"),
            status=entry.get("status") or "proposed",
            notes=entry.get("notes") or "",
        )
        action.gaps = [sheet.responses[c] for c in dict.fromkeys(entry["gaps"])]
        db.session.add(action)
