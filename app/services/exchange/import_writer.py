"""Writing a checked import plan: one short transaction, a handful of bulk statements.

Statements, whatever the package's size: the unit (when new), its new documents, the
assessment, all responses, all citations, the reported layer (only from a trusted signer),
the actions and the gaps they close. No review, agreed score or consultation record of this
installation is ever written: those are made here, by its experts. Flushes; the caller commits.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import insert, select

from app.domain.workflow import Stage
from app.extensions import db
from app.models import (
    Assessment,
    ChecklistRequirement,
    Citation,
    PlannedAction,
    ReportedReview,
    Response,
    Sop,
    Unit,
    User,
    action_gaps,
)
from app.models.base import utcnow
from app.services.accounts.audit import record
from app.services.assessment.access import Action
from app.services.assessment.assessments import record_scores, score_sheet
from app.services.assessment.readiness import readiness_of
from app.services.assessment.workflow import readiness_refusal
from app.services.exchange.import_plan import ImportOutcome, ImportPlan, package_date

_REPORTED_DEFAULTS = {
    "value": None,
    "not_applicable": False,
    "not_evidenced": False,
    "stance": None,
    "comment": "",
    "finding": None,
    "agreed_value": None,
    "agreed_not_applicable": False,
    "agreed_not_evidenced": False,
    "reviewed_by": "",
    "reviewed_at": None,
    "agreed_by": "",
    "agreed_at": None,
    "reply": "",
    "dissent": "",
    "ticks": None,
    "level_reason": "",
}


def write_import(plan: ImportPlan, user: User | None) -> ImportOutcome:
    """Write everything the plan holds."""
    data, meta = plan.data, plan.data["assessment"]
    unit = plan.unit
    if unit is None:
        unit = Unit(
            code=plan.unit_code, name=data["unit"]["name"].strip(), jurisdiction=data["unit"]["jurisdiction"].strip()
        )
        db.session.add(unit)
        db.session.flush()
    if plan.new_sops:
        db.session.execute(
            insert(Sop.__table__),
            [
                {
                    "unit_id": unit.id,
                    "code": s["code"],
                    "title": s["title"],
                    "version": s["version"],
                    "issued_on": s["issued_on"],
                    "notes": s.get("notes"),
                }
                for s in plan.new_sops
            ],
        )
    sop_ids = dict(db.session.execute(select(Sop.code, Sop.id).where(Sop.unit_id == unit.id)).all())

    now = utcnow()
    assessment = Assessment(
        unit=unit,
        checklist_version=plan.version,
        title=meta["title"].strip(),
        modules=plan.modules,
        scope=plan.scope,
        focus=plan.focus,
        assessors=(meta.get("assessors") or "").strip(),
        assessed_on=package_date(meta.get("assessed_on"), "assessment/assessed_on") or now.date(),
        stage=Stage.SELF_ASSESSMENT,  # submitted below, when the plan says so and the answers are whole
        reviewed=False,
        revision=1,
        created_by=user,
        imported_record=plan.digest,
        origin=plan.origin,
    )
    db.session.add(assessment)
    db.session.flush()

    requirement_ids = dict(
        db.session.execute(
            select(ChecklistRequirement.code, ChecklistRequirement.id).where(
                ChecklistRequirement.checklist_version_id == plan.version.id
            )
        ).all()
    )
    answered = {row.requirement: row for row in plan.responses}
    wanted = [r.id for r in plan.checklist.requirements(plan.modules, plan.focus)]
    rows = []
    for code in wanted:
        row = answered.get(code)
        rows.append(
            {
                "assessment_id": assessment.id,
                "requirement_id": requirement_ids[code],
                "value": row.value if row else None,
                "not_applicable": row.not_applicable if row else False,
                "not_evidenced": row.not_evidenced if row else False,
                "na_justification": row.na_justification if row else "",
                "basis": row.basis if row else None,
                "evidence_note": row.evidence_note if row else "",
                "recommendation": row.recommendation if row else "",
                "reply": "",  # a reply or dissent answers a review: kept with the reported layer, if at all
                "dissent": "",
                "carried_from": (row.carried_from or None) if row else None,
                "recheck": row.recheck if row else False,
                "no_action_reason": row.no_action_reason if row else "",
                "ticks": row.ticks if row else None,
                "level_reason": row.level_reason if row else "",
                "updated_at": None,
                "version": 1,
            }
        )
    # Core inserts on the tables: one executemany each, whatever values are None; the new ids
    # are read back in one query (RETURNING in request order would cost a statement per row).
    db.session.execute(insert(Response.__table__), rows)
    code_of = {requirement_ids[code]: code for code in wanted}
    response_id = {
        code_of[requirement]: rid
        for rid, requirement in db.session.execute(
            select(Response.id, Response.requirement_id).where(Response.assessment_id == assessment.id)
        )
    }

    citations = [
        {
            "response_id": response_id[r.requirement],
            "position": i,
            "sop_id": sop_ids[code],
            "section": section,
            "quote": r.quotes.get((code, section), ""),
        }
        for r in plan.responses
        for i, (code, section) in enumerate(r.citations)
    ]
    if citations:
        db.session.execute(insert(Citation.__table__), citations)
    reported = [
        {
            **_REPORTED_DEFAULTS,
            **{k: v for k, v in r.reported.items() if v is not None},
            "response_id": response_id[r.requirement],
        }
        for r in plan.responses
        if r.reported
    ]
    if reported:
        db.session.execute(insert(ReportedReview.__table__), reported)

    gap_rows = []
    for entry in plan.actions:
        action = PlannedAction(
            assessment=assessment,
            title=entry["title"],
            remedy=entry.get("remedy"),
            owner=entry.get("owner") or "",
            due_on=entry.get("due_on"),
            effort=entry.get("effort"),
            cost=entry.get("cost"),
            status=entry.get("status") or "proposed",
            notes=entry.get("notes") or "",
        )
        db.session.add(action)
        db.session.flush()
        gap_rows += [{"action_id": action.id, "response_id": response_id[c]} for c in entry["gaps"]]
    if gap_rows:
        db.session.execute(insert(action_gaps), gap_rows)

    db.session.flush()
    sheet = score_sheet(assessment)
    notes = list(plan.notes)
    if plan.stage is Stage.SUBMITTED:
        # Submitted means whole, here as anywhere: the same readiness the submit move asks for.
        why = readiness_refusal(readiness_of(sheet), Action.SUBMIT)
        if why is None:
            assessment.stage = Stage.SUBMITTED
        else:
            notes.append(_("It starts as a self-assessment here, not as submitted: %(why)s", why=why))
    record_scores(assessment, sheet.result)
    origin = plan.origin
    signature = origin["signature"]
    record(
        "assessment.imported",
        user=user,
        object_type="assessment",
        object_id=assessment.id,
        assessment=assessment,
        summary=f"record {plan.digest[:12]} from {signature.get('name') or 'another installation'} ({signature['status']})",
        after={
            "record": plan.digest,
            "reported": origin["reported"],
            "signature": signature,
            "review_kept": origin["review"]["kept"],
            "stage": assessment.stage,
        },
    )
    return ImportOutcome(assessment, plan.unit is None, tuple(s["code"] for s in plan.new_sops), tuple(notes))
