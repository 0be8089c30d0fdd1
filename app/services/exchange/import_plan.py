"""What an import will write and what it made: the types the planner and the writer share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.domain.checklist import Checklist
from app.domain.limits import LimitError, check_date
from app.domain.workflow import Stage
from app.models import Assessment, ChecklistVersion, Unit
from app.services.assessment.assessments import AssessmentError


class PackageRefused(AssessmentError):
    """The package cannot be imported; the message says why."""


class ScopeNeeded(PackageRefused):
    """The package does not say whether it was a desk review or on site, and nobody chose."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import made."""

    assessment: Assessment
    created_unit: bool
    created_sops: tuple[str, ...]
    #: What the person importing must be told: the review kept as reported or left out, and why; where it starts.
    notes: tuple[str, ...] = ()


@dataclass
class ResponseRow:
    """One response as it will be written, checked."""

    requirement: str
    value: int | None
    not_applicable: bool
    not_evidenced: bool
    na_justification: str
    basis: str | None
    evidence_note: str
    recommendation: str
    citations: list[tuple[str, str]]  # (document code, section)
    #: The review, agreed score, reply and dissent the package reported (kept only from a trusted signer).
    reported: dict[str, Any] | None
    #: An upgraded draft's origin of the answer, and whether it is still to re-check.
    carried_from: str = ""
    recheck: bool = False
    #: Why the unit leaves this gap without an action (empty: not left open).
    no_action_reason: str = ""
    #: The elements the unit found met (None: not ticked), and why another level than theirs.
    ticks: list[int] | None = None
    level_reason: str = ""
    #: The sentences each citation quotes, by (document code, section); a citation without one is absent.
    quotes: dict[tuple[str, str], str] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """Everything an import will write, checked before anything is."""

    data: dict[str, Any]
    version: ChecklistVersion
    checklist: Checklist
    unit: Unit | None  # None: created by the import
    unit_code: str
    new_sops: list[dict[str, Any]]
    responses: list[ResponseRow]
    actions: list[dict[str, Any]]
    #: Where the copy starts if its answers are whole (else as a self-assessment): never beyond submitted.
    stage: Stage
    origin: dict[str, Any]
    digest: str
    modules: list[str] = field(default_factory=list)
    #: desk or onsite: as chosen at import, else as the package says (never guessed).
    scope: str = ""
    #: The package's focus: a first assessment's "essentials", else (and for an older package) the full checklist.
    focus: str = "full"
    notes: list[str] = field(default_factory=list)


def package_date(value: str | None, where: str) -> dt.date | None:
    """A date from a package, within the limits, or a refusal naming where it is."""
    if not value:
        return None
    try:
        return check_date(dt.date.fromisoformat(value), where)
    except (ValueError, LimitError) as exc:
        raise PackageRefused(_("The package is damaged at %(where)s: %(what)s", where=where, what=str(exc))) from None


def package_datetime(value: str | None) -> str | None:
    """A reported time, kept as the package gave it (history, not an event of this installation)."""
    return value[:40] if value else None
