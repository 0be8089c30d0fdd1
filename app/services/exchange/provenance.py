"""What pages and reports say of an imported copy: where it came from, how far that is known,
and the review its package reported, kept apart from anything reviewed here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.domain.checklist import Requirement
from app.models import FINDINGS, Assessment, ReportedReview, Response
from app.services.assessment.assessments import ScoreSheet
from app.services.labels import SIGNATURE


def _status_words(status: str | None) -> str:
    return str(SIGNATURE.get(status or "legacy", SIGNATURE["legacy"]))


@dataclass(frozen=True)
class ImportedFrom:
    """An imported copy's origin, as this installation can vouch for it."""

    installation: str
    #: trusted, untrusted or unsigned; None for a copy imported before packages were signed.
    status: str | None
    fingerprint: str | None
    #: The reported review kept beside the unit's answers (only from a trusted signer).
    review_kept: bool
    #: The package carried a review that the import left out (unsigned, or not signed by a trusted installation).
    review_left_out: bool = False
    #: The consultation record the package reported (kept only from a trusted signer).
    consultation: dict[str, Any] | None = None
    #: Requirement, response and reported layer, in checklist order, for those with one.
    reported: list[tuple[Requirement, Response, ReportedReview]] = field(default_factory=list)

    @property
    def trusted(self) -> bool:
        return self.status == "trusted"

    @property
    def label(self) -> str:
        """'imported copy of an assessment from installation X (signature verified, trusted)'."""
        return _(
            "imported copy of an assessment from %(where)s (%(status)s)",
            where=self.installation,
            status=_status_words(self.status),
        )

    @property
    def sentence(self) -> str:
        """The label as a sentence's start: 'Imported copy of an assessment from ...'."""
        label = self.label
        return label[:1].upper() + label[1:]

    @property
    def held_on(self) -> dt.date | None:
        """The reported consultation's date."""
        held = (self.consultation or {}).get("held_on")
        return dt.date.fromisoformat(held) if held else None

    @property
    def reviewed(self) -> int:
        return sum(1 for _req, _resp, layer in self.reported if layer.reviewed)

    @property
    def agreed(self) -> int:
        return sum(1 for _req, _resp, layer in self.reported if layer.agreed)

    @property
    def set_aside(self) -> bool:
        """True once an expert here started a review: then only what is agreed here counts."""
        return any(resp.review is not None for _req, resp, _layer in self.reported)

    @property
    def reviewers(self) -> list[str]:
        """Who reviewed there, as the package named them (not people of this installation)."""
        return sorted({layer.reviewed_by for _req, _resp, layer in self.reported if layer.reviewed_by})

    @property
    def findings(self) -> dict[str, list[Requirement]]:
        """Reported findings by class, most serious first (as the unit's own findings are listed)."""
        found: dict[str, list[Requirement]] = {}
        for req, _resp, layer in self.reported:
            if layer.finding:
                found.setdefault(layer.finding, []).append(req)
        return {key: found[key] for key in FINDINGS if key in found}


def imported_from(assessment: Assessment, sheet: ScoreSheet | None = None) -> ImportedFrom | None:
    """Where ``assessment`` came from, if it is an imported copy (with its reported layer when ``sheet`` is given)."""
    origin = assessment.origin
    if not origin:
        return None
    signature = origin.get("signature") or {}
    installation = origin.get("installation") or {}
    review = origin.get("review") or {}
    where = signature.get("name") or installation.get("name") or installation.get("id") or _("another installation")
    reported = []
    if sheet is not None:
        for req in sheet.checklist.requirements(assessment.modules, assessment.focus):
            response = sheet.responses.get(req.id)
            if response is not None and response.reported is not None:
                reported.append((req, response, response.reported))
    return ImportedFrom(
        installation=str(where),
        status=signature.get("status"),
        fingerprint=signature.get("fingerprint"),
        review_kept=bool(review.get("kept")),
        review_left_out=not review.get("kept")
        and bool(review.get("reviewed") or review.get("agreed") or review.get("consultation")),
        consultation=origin.get("consultation"),
        reported=reported,
    )
