"""A new SOP version marks for re-check the open answers that cite a section it changed or removed.

Finalised assessments are never touched: their citations are frozen to the version that was
assessed. The reason is kept on the response, so the card can say which document and
sections changed; saving the card, or "Still holds", clears it with the flag.
"""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.sop_sections import SectionDiff, citation_touched
from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, Citation, Response, Sop, SopDocument, User
from app.services.accounts.audit import record


def mark_rechecks(sop: Sop, previous: SopDocument, document: SopDocument, diff: SectionDiff, user: User | None) -> int:
    """Mark the open responses citing changed or removed sections of ``sop``; return how many were marked."""
    touched = diff.touched_numbers
    if not touched:
        return 0
    rows = db.session.execute(
        select(Citation, Response, Assessment)
        .join(Response, Citation.response_id == Response.id)
        .join(Assessment, Response.assessment_id == Assessment.id)
        .where(
            Citation.sop_id == sop.id,
            Assessment.unit_id == sop.unit_id,
            Assessment.stage != Stage.FINALISED,
            Citation.frozen_code.is_(None),
        )
        .order_by(Assessment.id, Response.id, Citation.position)
    ).all()
    sections: dict[Response, list[str]] = defaultdict(list)
    for citation, response, _assessment in rows:
        if citation_touched(citation.section, touched) and citation.section.strip() not in sections[response]:
            sections[response].append(citation.section.strip())
    by_assessment: dict[Assessment, list[str]] = defaultdict(list)
    for response, cited in sections.items():
        if not cited:
            continue
        response.recheck = True
        response.recheck_reason = _(
            "%(code)s changed from version %(before)s to %(after)s, and the section cited here (%(sections)s) "
            "changed or was removed: check that the answer still holds.",
            code=sop.code,
            before=previous.version,
            after=document.version,
            sections=", ".join(cited),
        )
        by_assessment[response.assessment].append(response.requirement.code)
    for assessment, requirements in by_assessment.items():
        record(
            "response.recheck_marked",
            user=user,
            object_type="sop",
            object_id=sop.id,
            assessment=assessment,
            summary=f"{sop.code} v{previous.version} -> v{document.version}: "
            f"{len(requirements)} to re-check ({', '.join(requirements)})",
            after={"sop": sop.code, "version": document.version, "requirements": requirements},
        )
    db.session.flush()
    return sum(len(r) for r in by_assessment.values())
