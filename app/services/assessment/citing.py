"""Citing a section of the unit's SOP as evidence: from a card's suggestion, or on several cards at once.

A citation made here keeps the document, the section number and the sentences quoted as they
read when cited; finalising freezes the document's name and version beside them (see
:class:`app.models.Citation`), so a locked assessment shows what was assessed even after a new
version of the SOP is imported. Citing is part of the self-assessment: the same stage guard as a
save, and each card cited gets a new version, so a page showing it before saves into a conflict
rather than over the citation.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from app.domain.evidence_match import suggestion_at
from app.models import Citation, Sop, User
from app.services.accounts.audit import record
from app.services.assessment.access import Action
from app.services.assessment.assessments import AssessmentError, ScoreSheet
from app.services.assessment.responses import (
    MAX_CITATIONS,
    check_version,
    claim_stage,
    flush_or_conflict,
    require_stage,
    touch_response,
)
from app.services.content.evidence import suggestions
from app.services.content.sop_documents import current_section

#: Characters of an SOP section kept as the quote of a citation.
MAX_QUOTE = 2000


class CiteRefused(AssessmentError):
    """The section cannot be cited as asked; the message says why and nothing was cited."""


@dataclass(frozen=True)
class Cited:
    """What citing a section did: the cards it was added to, and those that cited it already."""

    cited: tuple[str, ...]
    already: tuple[str, ...]


def quote_of(text: str, highlights: tuple[tuple[int, int], ...] = ()) -> str:
    """The quote kept with a citation: the highlighted sentences (those next to each other read as
    one passage, a gap between them as " … "), else the section's opening, shortened."""
    runs: list[list[int]] = []
    for a, b in sorted(highlights):
        if runs and not text[runs[-1][1] : a].strip():
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    parts = [" ".join(text[a:b].split()) for a, b in runs] or [" ".join(text.split())]
    quote = " … ".join(p for p in parts if p)
    return quote if len(quote) <= MAX_QUOTE else quote[: MAX_QUOTE - 1].rstrip() + "…"


def cite_section(
    sheet: ScoreSheet, requirement_ids: list[str], sop: Sop, number: str, quote: str, user: User | None
) -> Cited:
    """Add ``sop`` section ``number`` with ``quote`` to each requirement's citations (flushed, not committed).

    Refused whole, nothing cited, when the document is not the unit's, the section is not in its
    current version, a requirement is not in the assessment or already holds the most citations.
    """
    if sop.unit_id != sheet.assessment.unit_id:
        raise CiteRefused(_("Cite documents from this unit's register."))
    if current_section(sop, number) is None:
        raise CiteRefused(_("%(code)s has no section %(number)s in its current version.", code=sop.code, number=number))
    wanted = list(dict.fromkeys(r.strip().upper() for r in requirement_ids if r.strip()))
    if not wanted:
        raise CiteRefused(_("Choose the requirements to cite this section on."))
    missing = [rid for rid in wanted if rid not in sheet.responses]
    if missing:
        raise CiteRefused(_("Not part of this assessment: %(ids)s.", ids=", ".join(missing)))
    cited, already = [], []
    for rid in wanted:
        response = sheet.responses[rid]
        if response.citation_of(sop.id, number) is not None:
            already.append(rid)
        elif len(response.citations) >= MAX_CITATIONS:
            raise CiteRefused(
                ngettext(
                    "%(id)s cites %(num)s document already, the most a requirement takes.",
                    "%(id)s cites %(num)s documents already, the most a requirement takes.",
                    MAX_CITATIONS,
                    id=rid,
                )
            )
        else:
            cited.append(rid)
    if not cited:
        return Cited((), tuple(already))
    require_stage(sheet, Action.SCORE)
    claim_stage(sheet, Action.SCORE)  # the self-assessment's guard, as a save
    quote = quote_of(quote)
    for rid in cited:
        response = sheet.responses[rid]
        response.citations.append(Citation(sop=sop, section=number, quote=quote, position=len(response.citations)))
        touch_response(response, user)
        flush_or_conflict(response)
    record(
        "response.cited",
        user=user,
        object_type="sop",
        object_id=sop.code,
        assessment=sheet.assessment,
        summary=f"{sop.code} § {number} cited on {', '.join(cited)}"[:500],
        after={"requirements": cited, "section": number, "quote": quote[:300]},
    )
    return Cited(tuple(cited), tuple(already))


#: Suggestions looked through for the highlighted sentences of a passage cited from a card.
QUOTED_FROM = 10


def passage_quote(sheet: ScoreSheet, requirement_id: str, sop: Sop, number: str) -> str:
    """What citing ``sop`` section ``number`` on a card quotes: the sentences its suggestion
    highlights for the requirement, else the section's opening ("" for a section not in the
    current version: :func:`cite_section` says why it cannot be cited).

    Computed here from the stored text, never taken from the browser.
    """
    listed = suggestions(sheet.assessment, [requirement_id], n=QUOTED_FROM).get(requirement_id, [])
    suggestion = suggestion_at(listed, sop.code, number)
    if suggestion is not None:
        return quote_of(suggestion.passage.text, suggestion.highlights)
    section = current_section(sop, number)
    return quote_of(section.text or "") if section is not None else ""


def cite_passage(
    sheet: ScoreSheet, requirement_id: str, sop: Sop, number: str, *, expected_version: int | None, user: User | None
) -> Citation:
    """Cite one passage on one card, from the card's suggestions (flushed, not committed).

    A conflict (:class:`ResponseConflict`) when the card was saved since the page showed it;
    otherwise as :func:`cite_section`. Citing a passage the card cites already changes nothing.
    Returns the card's citation of the passage.
    """
    response = sheet.responses.get(requirement_id)
    if response is None:
        raise CiteRefused(_("Not part of this assessment: %(ids)s.", ids=requirement_id))
    require_stage(sheet, Action.SCORE)
    check_version(response, expected_version)
    cite_section(sheet, [requirement_id], sop, number, passage_quote(sheet, requirement_id, sop, number), user)
    return response.citation_of(sop.id, number)
