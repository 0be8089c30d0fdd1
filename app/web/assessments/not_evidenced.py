"""A 0 whose note says the document was not seen: the card asks whether *not evidenced* was meant.

A 0 says the SOP does not address the requirement; a document nobody saw is *not evidenced*.
The question never blocks a save: the autosave answer carries it, and the card shows it with
a one-click "Mark as not evidenced" (a plain form button, so it works without JavaScript too).
"""

from __future__ import annotations

from app.domain.evidence_notes import says_not_seen
from app.models import Response
from app.web.assessments.views import bp


@bp.app_template_global("asks_not_evidenced")
def asks_not_evidenced(response: Response | None) -> bool:
    """True for a score of 0 whose note says the document or record was not seen or not available."""
    return response is not None and response.value == 0 and says_not_seen(response.evidence_note)
