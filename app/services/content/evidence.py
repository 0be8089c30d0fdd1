"""Evidence suggestions: the passages of a unit's current SOPs most likely to answer each requirement.

The passages are the sections of the current document of every entry in the unit's register
(:func:`app.services.content.sop_documents.current_document`). Their index is built once per
set of documents and kept while those documents stay current; each requirement's query is
built once per checklist version (:func:`app.domain.evidence_query.queries_for`). Nothing is
downloaded and no model is used: it works offline.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.domain.evidence_match import EvidenceIndex, Passage, Suggestion
from app.domain.evidence_query import TermEntry, queries_for, read_terms
from app.extensions import db
from app.models import Assessment, ChecklistRequirement, Response, Sop, SopDocument, SopSection
from app.services.content.checklists import checklist_of
from app.services.content.sop_documents import current_of

#: Indexes kept in memory, one per unit's set of current documents (the least recently used go).
KEPT_INDEXES = 16

_indexes: OrderedDict[tuple[tuple[int, str, str], ...], EvidenceIndex] = OrderedDict()
_terms: dict[str, tuple[TermEntry, ...]] = {}
_lock = threading.Lock()


def _terms_of() -> tuple[TermEntry, ...]:
    path = str(Path(current_app.config["CHECKLISTS_DIR"]) / "data" / "evidence-terms.yaml")
    if path not in _terms:
        _terms[path] = read_terms(path)
    return _terms[path]


def current_documents(unit_id: int) -> list[tuple[Sop, SopDocument]]:
    """Each register entry of the unit with its current imported document (entries without one left out)."""
    sops = list(db.session.scalars(select(Sop).where(Sop.unit_id == unit_id).order_by(Sop.code)))
    imported: dict[int, list[SopDocument]] = {}
    for document in db.session.scalars(  # every entry's documents in one query, not one per entry
        select(SopDocument).where(SopDocument.sop_id.in_([sop.id for sop in sops])).order_by(SopDocument.id)
    ):
        imported.setdefault(document.sop_id, []).append(document)
    found = []
    for sop in sops:
        document = current_of(sop, imported.get(sop.id, []))
        if document is not None:
            found.append((sop, document))
    return found


def unit_index(unit_id: int) -> EvidenceIndex:
    """The index of the unit's current SOP sections, built once while those documents stay current."""
    documents = current_documents(unit_id)
    # The file's hash and the code with the id: a database may give a new document a freed id
    # (SQLite reuses the highest one), and the same id must not find another file's index.
    key = tuple((document.id, document.sha256, sop.code) for sop, document in documents)
    with _lock:
        if key in _indexes:
            _indexes.move_to_end(key)
            return _indexes[key]
    codes = {document.id: sop.code for sop, document in documents}
    rows = db.session.execute(
        select(SopSection.document_id, SopSection.number, SopSection.heading, SopSection.text)
        .where(SopSection.document_id.in_([doc_id for doc_id, _sha, _code in key]))
        .order_by(SopSection.document_id, SopSection.position)
    )
    index = EvidenceIndex(Passage(codes[doc], number, heading or "", text or "") for doc, number, heading, text in rows)
    with _lock:
        _indexes[key] = index
        while len(_indexes) > KEPT_INDEXES:
            _indexes.popitem(last=False)
    return index


def _requirement_ids(assessment: Assessment) -> list[str]:
    return list(
        db.session.scalars(
            select(ChecklistRequirement.code)
            .join(Response, Response.requirement_id == ChecklistRequirement.id)
            .where(Response.assessment_id == assessment.id)
        )
    )


def suggestions(
    assessment: Assessment, requirement_ids: list[str] | None = None, n: int = 3
) -> dict[str, list[Suggestion]]:
    """The ``n`` best passages for each requirement of the assessment (or those named), in checklist order.

    A requirement the assessment does not hold is left out; a unit with no imported SOP gets
    empty lists, never an error.
    """
    checklist = checklist_of(assessment.checklist_version)
    held = set(_requirement_ids(assessment))
    wanted = held if requirement_ids is None else held & set(requirement_ids)
    index = unit_index(assessment.unit_id)
    queries = queries_for(checklist, _terms_of())
    return {rid: index.suggest(query, n) for rid, query in queries.items() if rid in wanted}
