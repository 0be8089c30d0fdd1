"""The assessment record: one JSON document with everything an assessment says.

It is what an expert carries between installations (export and import), what the issued
PDF embeds, and what its footer's record hash is computed from. Format 2 carries the
layers: the unit's self-assessment with its basis and citations, the expert's review and
agreed score, the consultation record and the action plan.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from flask import current_app

from app.config import installation_id
from app.domain.checklist import Focus
from app.models import REVIEW_FIELDS, TICK_FIELDS, Assessment, Citation, Response, Review
from app.services.assessment.assessments import ScoreSheet, score_sheet
from app.services.assessment.workflow import consultation_of

PACKAGE_FORMAT = "csi-sop-assessment"
PACKAGE_VERSION = 2

#: Fields about the export, not the assessment: they stay out of the record hash (a signed
#: package has the record hash of the same package unsigned).
VOLATILE = ("exported_at", "exported_by", "installation", "signature")

_RESPONSE_FIELDS = (
    "value",
    "not_applicable",
    "na_justification",
    "not_evidenced",
    "basis",
    "evidence_note",
    "recommendation",
    "reply",
    "dissent",
)


#: What the record of an imported copy keeps of each reported review (app.models.ReportedReview).
REPORTED_FIELDS = (*REVIEW_FIELDS, "reviewed_by", "reviewed_at", "agreed_by", "agreed_at", "reply", "dissent")


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def ticks_of(layer) -> dict[str, Any]:
    """A layer's ticks and reason, only where given: a record without them keeps its hash."""
    if layer.ticks is None and not layer.level_reason:
        return {}
    return {name: getattr(layer, name) for name in TICK_FIELDS}


def _review(review: Review | None) -> dict[str, Any] | None:
    if review is None or not (review.reviewed or review.agreed or review.comment or review.finding):
        return None
    entry: dict[str, Any] = {name: getattr(review, name) for name in REVIEW_FIELDS}
    entry["agreed_by"] = review.agreed_by.name if review.agreed_by else None
    entry["agreed_at"] = _iso(review.agreed_at)
    entry["updated_by"] = review.updated_by.name if review.updated_by else None
    entry["updated_at"] = _iso(review.updated_at)
    entry.update(ticks_of(review))
    return entry


def _citation(citation: Citation) -> dict[str, Any]:
    """A citation as the package carries it; ``quote`` only when there is one, so that packages
    of citations without quotes (and their record hashes) stay as they were."""
    entry: dict[str, Any] = {"sop": citation.code, "version": citation.doc_version, "section": citation.section}
    if citation.quote:
        entry["quote"] = citation.quote
    return entry


def _response(requirement_id: str, response: Response) -> dict[str, Any]:
    entry: dict[str, Any] = {"requirement": requirement_id}
    entry.update({name: getattr(response, name) for name in _RESPONSE_FIELDS})
    entry["citations"] = [_citation(c) for c in response.citations]
    entry["updated_at"] = _iso(response.updated_at)
    entry["updated_by"] = response.updated_by.name if response.updated_by else None
    entry.update(ticks_of(response))
    entry["review"] = _review(response.review)
    if response.carried_from:  # an upgraded draft: where the answer came from, and whether to look again
        entry["carried_from"] = response.carried_from
        entry["recheck"] = bool(response.recheck)
    if response.no_action_reason:  # a gap left without an action on purpose, and why
        entry["no_action_reason"] = response.no_action_reason
    return entry


def this_installation() -> dict[str, str]:
    """How this installation names itself in what it exports: its chosen name, never the server's host name."""
    identity = installation_id(current_app.instance_path)
    return {"id": identity, "name": current_app.config.get("INSTALLATION_NAME") or f"installation {identity[:8]}"}


def build_package(
    assessment: Assessment, sheet: ScoreSheet | None = None, exported_by: str | None = None
) -> dict[str, Any]:
    """The whole assessment as JSON data, pinned to its checklist by id, version and hash."""
    sheet = sheet or score_sheet(assessment)
    version = assessment.checklist_version
    unit = assessment.unit
    code_of = {r.id: code for code, r in sheet.responses.items()}
    consultation = consultation_of(assessment.id)
    return {
        "format": PACKAGE_FORMAT,
        "format_version": PACKAGE_VERSION,
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "exported_by": exported_by,
        "installation": this_installation(),
        "checklist": {"id": version.checklist_id, "version": version.version, "content_hash": version.content_hash},
        "unit": {"code": unit.code, "name": unit.name, "jurisdiction": unit.jurisdiction},
        "assessment": {
            "title": assessment.title,
            "modules": list(assessment.modules),
            "scope": assessment.scope,
            "assessors": assessment.assessors,
            "assessed_on": _iso(assessment.assessed_on),
            "stage": assessment.stage,
            "reviewed": assessment.reviewed,
            "revision": assessment.revision,
            "finalised_at": _iso(assessment.finalised_at),
            # Only where it is not the full checklist, so a full assessment's record keeps its hash.
            **({"focus": assessment.focus} if assessment.focus != Focus.FULL else {}),
        },
        "sops": [
            {"code": s.code, "title": s.title, "version": s.version, "issued_on": _iso(s.issued_on), "notes": s.notes}
            for s in unit.sops
        ],
        "responses": [
            _response(req.id, sheet.responses[req.id])
            for req in sheet.checklist.requirements(assessment.modules, assessment.focus)
        ],
        "consultation": None
        if consultation is None
        else {
            "held_on": _iso(consultation.held_on),
            "place": consultation.place,
            "online": consultation.online,
            "participants": list(consultation.participants or []),
            "minutes": consultation.minutes,
        },
        "actions": [
            {
                "title": a.title,
                "remedy": a.remedy,
                "owner": a.owner,
                "due_on": _iso(a.due_on),
                "effort": a.effort,
                "cost": a.cost,
                "status": a.status,
                "notes": a.notes,
                "gaps": sorted(code_of[r.id] for r in a.gaps if r.id in code_of),
            }
            for a in sheet.actions
        ],
        # An imported copy says so in its record, with the review its package reported: never as a review here.
        **({"imported_from": _imported_from(assessment, sheet)} if assessment.origin else {}),
    }


def _imported_from(assessment: Assessment, sheet: ScoreSheet) -> dict[str, Any]:
    """Where an imported copy came from and the review its package reported (import never reads it back)."""
    origin = assessment.origin or {}
    signature = origin.get("signature") or {}
    reported = [
        {"requirement": req.id, **{name: getattr(layer, name) for name in REPORTED_FIELDS}, **ticks_of(layer)}
        for req in sheet.checklist.requirements(assessment.modules, assessment.focus)
        if (layer := sheet.responses[req.id].reported) is not None
    ]
    return {
        "installation": signature.get("name") or (origin.get("installation") or {}).get("name"),
        "installation_id": signature.get("installation") or (origin.get("installation") or {}).get("id"),
        "signature": signature.get("status") or "legacy",
        "fingerprint": signature.get("fingerprint"),
        "record": origin.get("record"),
        "reported_review": reported,
        "reported_consultation": origin.get("consultation"),
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
