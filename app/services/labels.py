"""Translatable names for the fixed vocabularies, shared by pages, reports and exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CRITICALITY = {
    "essential": _l("Essential"),
    "important": _l("Important"),
    "desirable": _l("Desirable"),
}

CONSEQUENCE = {
    "integrity": _l("Integrity and continuity"),
    "contamination": _l("Contamination"),
    "safety": _l("Safety"),
    "admissibility": _l("Admissibility"),
    "quality": _l("Quality"),
}

STAGE = {
    "self_assessment": _l("Self-assessment"),
    "submitted": _l("Submitted for review"),
    "in_review": _l("In review"),
    "consultation_held": _l("Consultation held"),
    "agreed": _l("Agreed"),
    "finalised": _l("Finalised"),
}

MOVE = {
    "submit": _l("Submit for expert review"),
    "withdraw": _l("Withdraw the submission"),
    "start_review": _l("Start the review"),
    "return": _l("Return to the unit for rework"),
    "hold_consultation": _l("Mark the consultation as held"),
    "confirm_agreement": _l("Accept the agreed scores"),
    "revise_agreement": _l("Reopen the agreed scores"),
    "finalise": _l("Finalise and lock"),
    "reopen": _l("Reopen as a new revision"),
}

#: What each action means, as the assessment page explains who may do what.
ACTION = {
    "view": _l("read the assessment and download reports"),
    "create": _l("start assessments"),
    "manage_sops": _l("keep the document register"),
    "import": _l("import packages"),
    "export": _l("export the responses"),
    "score": _l("score the self-assessment"),
    "reply": _l("answer the expert's comments"),
    "review": _l("review scores, comment and record findings"),
    "agree": _l("record the agreed scores"),
    "dissent": _l("note dissent from an agreed score"),
    "consult": _l("write the consultation record"),
    "plan": _l("edit the action plan"),
    "issue": _l("issue the report"),
    "set_scope": _l("change the scope (desk or on-site)"),
    "submit": _l("submit for expert review"),
    "withdraw": _l("withdraw the submission"),
    "start_review": _l("start the review"),
    "return": _l("return it to the unit for rework"),
    "hold_consultation": _l("mark the consultation as held"),
    "confirm_agreement": _l("accept the agreed scores"),
    "revise_agreement": _l("reopen the agreed scores"),
    "finalise_internal": _l("finalise without external review (internal check)"),
    "finalise": _l("finalise"),
    "reopen": _l("reopen as a new revision"),
}

SCOPE = {"desk": _l("Document review (desk)"), "onsite": _l("On-site assessment")}

BASIS = {
    "sop_text": _l("SOP text"),
    "records": _l("Records seen"),
    "interview": _l("Interview"),
    "observation": _l("Observation"),
    "not_recorded": _l("Basis not recorded"),
}

STATE = {
    "open": _l("Not yet assessed"),
    "not_applicable": _l("Not applicable"),
    "not_evidenced": _l("Not evidenced"),
    "to_verify": _l("To verify on site"),
    "scored": _l("Scored"),
}

STANCE = {"agree": _l("Agree"), "disagree": _l("Disagree"), "query": _l("Query")}

FINDING = {
    "major_nc": _l("Major nonconformity"),
    "minor_nc": _l("Minor nonconformity"),
    "observation": _l("Observation"),
    "good_practice": _l("Good practice"),
}

EFFORT = {"days": _l("Days"), "weeks": _l("Weeks"), "months": _l("Months")}

COST = {
    "none": _l("Staff time only"),
    "low": _l("Low (under €5,000)"),
    "medium": _l("Medium (€5,000–50,000)"),
    "high": _l("High (over €50,000)"),
}

ACTION_STATUS = {
    "proposed": _l("Proposed"),
    "agreed": _l("Agreed"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
}

ROLE = {
    "admin": _l("Administrator"),
    "expert": _l("Expert"),
    "unit_head": _l("Unit head"),
    "assessor": _l("Assessor"),
    "viewer": _l("Viewer"),
}

KAPPA = {
    "poor": _l("poor"),
    "slight": _l("slight"),
    "fair": _l("fair"),
    "moderate": _l("moderate"),
    "substantial": _l("substantial"),
    "almost_perfect": _l("almost perfect"),
}

#: How a requirement of a later checklist version came from the earlier ones (app.domain.lineage).
CARRY = {
    "same": _l("unchanged"),
    "reworded": _l("reworded"),
    "split": _l("split"),
    "merged": _l("merged"),
    "new": _l("new"),
}
#: The region's languages by tag, as glossary equivalents name them.
LANGUAGE = {
    "bs": _l("Bosnian"),
    "hr": _l("Croatian"),
    "sr-Latn": _l("Serbian"),
    "sr-Cyrl": _l("Serbian, Cyrillic"),
    "cnr": _l("Montenegrin"),
    "sq": _l("Albanian"),
    "mk": _l("Macedonian"),
    "en": _l("English"),
}

PRIORITY_BAND = {"high": _l("High"), "medium": _l("Medium"), "low": _l("Low")}


def priority_band(priority: float) -> str:
    """High from 2.5 (an essential requirement missing, or barely met where safety or evidence is at risk), medium from 1.2."""
    if priority >= 2.5:
        return "high"
    if priority >= 1.2:
        return "medium"
    return "low"
