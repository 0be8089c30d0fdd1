"""A note saying the document was not seen is read as such, in English and the region's languages."""

from __future__ import annotations

import pytest

from app.domain.evidence_notes import says_not_seen


@pytest.mark.parametrize(
    "note",
    [
        "Quality manual not seen",
        "The calibration records were not available during the visit.",
        "Training files not provided",
        "Procedure was never shown to us",
        "Document unavailable",
        "Could not access the LIMS",
        "Poslovnik kvaliteta nije viđen",
        "Zapisnici nisu dostavljeni",
        "Пословник није достављен",
        "Manuali i cilësisë nuk u pa",
        "Dokumenti nuk është në dispozicion",
        "Прирачникот не е доставен",
    ],
)
def test_notes_saying_the_document_was_not_seen(note):
    assert says_not_seen(note)


@pytest.mark.parametrize(
    "note",
    ["", None, "No photographs of the scale", "The SOP does not mention contamination", "Seen in SOP 4.2", "available"],
)
def test_notes_about_what_the_document_says(note):
    assert not says_not_seen(note)
