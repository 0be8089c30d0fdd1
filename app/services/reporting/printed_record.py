"""The record a reader's copy of the report carries: what the report prints, nothing more.

Every PDF of the gap report carries a JSON record as an associated file (PDF/A-3). People
who may export the assessment get the whole assessment record (the package another
installation imports, whose hash the footer prints). Everyone else, a police director with
read access, gets this one: the figures, findings, consultation and plan the report itself
prints, with no notes that were not printed, no one's name beside each change, and nothing
about the installation. It names the full record's hash, so the two can be matched.
"""

from __future__ import annotations

from typing import Any

PRINTED_FORMAT = "csi-sop-report-record"
PRINTED_VERSION = 1
#: What the associated file is called in each kind of copy.
FULL_NAME = "assessment-record.json"
PRINTED_NAME = "report-record.json"

_ANSWER = ("requirement", "value", "not_applicable", "not_evidenced", "basis")
_REVIEW = ("value", "not_applicable", "not_evidenced", "finding", "agreed_value", "agreed_not_applicable")
_ACTION = ("title", "owner", "due_on", "effort", "cost", "status", "gaps")
_CONSULTATION = ("held_on", "place", "online", "participants", "minutes")


def _pick(entry: dict[str, Any] | None, names: tuple[str, ...]) -> dict[str, Any] | None:
    return None if entry is None else {name: entry.get(name) for name in names}


def printed_record(package: dict[str, Any], full_hash: str) -> dict[str, Any]:
    """The parts of ``package`` the report prints, for a reader who may not export the assessment."""
    consultation = package.get("consultation")
    return {
        "format": PRINTED_FORMAT,
        "format_version": PRINTED_VERSION,
        "full_record_hash": full_hash,
        "checklist": package["checklist"],
        "unit": package["unit"],
        "assessment": package["assessment"],
        "responses": [
            {**_pick(entry, _ANSWER), "review": _pick(entry.get("review"), _REVIEW)} for entry in package["responses"]
        ],
        "consultation": _pick(consultation, _CONSULTATION) if consultation else None,
        "actions": [_pick(action, _ACTION) for action in package["actions"]],
    }
