"""The card's "Suggested evidence" box: the passages of the unit's current SOPs that best match
each requirement shown, with the matching sentences marked.

SOP text is whatever a unit imported, so it is never trusted as HTML: each fragment is built
here, every character escaped, and only the highlighted spans wrapped in ``<mark>``.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from app.domain.evidence_match import Suggestion
from app.models import Response, Sop
from app.services.assessment.assessments import ScoreSheet
from app.services.content.evidence import suggestions

#: Passages suggested on a card.
SUGGESTED = 3
#: Characters of unmarked text kept between two highlighted sentences; a longer gap becomes "…".
GAP_KEPT = 80
#: Characters of one highlighted sentence shown, and of a passage's opening when nothing is marked.
SPAN_SHOWN = 360
OPENING_SHOWN = 240


@dataclass(frozen=True)
class SuggestedPassage:
    """One passage offered on a card: where it is, the excerpt to show, and whether it is cited."""

    sop_id: int
    code: str
    section: str
    heading: str
    excerpt: Markup
    cited: bool


def _plain(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def excerpt(text: str, highlights: tuple[tuple[int, int], ...]) -> Markup:
    """The passage's highlighted sentences in ``<mark>``, short gaps between them kept, the rest "…"."""
    spans: list[tuple[int, int]] = []
    for a, b in sorted((max(0, a), min(len(text), b)) for a, b in highlights if b > a):
        if spans and a <= spans[-1][1]:  # overlapping or touching spans: one mark
            spans[-1] = (spans[-1][0], max(b, spans[-1][1]))
        else:
            spans.append((a, b))
    if not spans:
        return Markup(escape(_plain(text, OPENING_SHOWN)))
    parts: list[Markup] = [Markup("… ")] if text[: spans[0][0]].strip() else []
    end = spans[0][0]
    for a, b in spans:
        gap = " ".join(text[end:a].split())
        if len(gap) > GAP_KEPT:
            parts.append(Markup(" … "))
        elif gap:
            parts.append(escape(f" {gap} "))
        elif a > end:
            parts.append(Markup(" "))
        parts.append(Markup("<mark>%s</mark>") % _plain(text[a:b], SPAN_SHOWN))
        end = b
    if text[end:].strip():
        parts.append(Markup(" …"))
    return Markup("").join(parts)


def passages_of(found: list[Suggestion], response: Response, sop_ids: dict[str, int]) -> list[SuggestedPassage]:
    """A requirement's suggestions as the card shows them (passages of documents not in the register left out)."""
    shown = []
    for s in found:
        sop_id = sop_ids.get(s.passage.code)
        if sop_id is None:
            continue
        shown.append(
            SuggestedPassage(
                sop_id=sop_id,
                code=s.passage.code,
                section=s.passage.section,
                heading=s.passage.heading,
                excerpt=excerpt(s.passage.text, s.highlights),
                cited=response.citation_of(sop_id, s.passage.section) is not None,
            )
        )
    return shown


def suggested_evidence(
    sheet: ScoreSheet, requirement_ids: list[str], sops: list[Sop]
) -> dict[str, list[SuggestedPassage]]:
    """The passages to suggest on each card shown, computed once for the page ({} without imported SOPs)."""
    if not requirement_ids or not sops:
        return {}
    found = suggestions(sheet.assessment, requirement_ids, n=SUGGESTED)
    if not any(found.values()):
        return {}
    sop_ids = {sop.code: sop.id for sop in sops}
    return {rid: passages_of(listed, sheet.responses[rid], sop_ids) for rid, listed in found.items() if listed}
