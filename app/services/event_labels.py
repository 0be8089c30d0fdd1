"""What the audit trail's events and fields are called when people read a history.

Events and the fields they record are stored under stable codes (``review.changed``,
``finding: minor_nc``); pages show them in words. A code with no label yet is shown as it
is, so a new event is never hidden.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.services import labels

EVENT = {
    "response.changed": _l("Self-assessment changed"),
    "response.confirmed": _l("Carried answer confirmed"),
    "response.cited": _l("SOP section cited"),
    "review.changed": _l("Expert review changed"),
    "reply.changed": _l("Reply or dissent changed"),
    "assessment.created": _l("Assessment started"),
    "assessment.submitted": _l("Submitted for review"),
    "assessment.withdrawn": _l("Submission withdrawn"),
    "assessment.review_started": _l("Review started"),
    "assessment.returned": _l("Returned to the unit"),
    "assessment.consultation_held": _l("Consultation held"),
    "assessment.agreed": _l("Agreed scores accepted"),
    "assessment.agreement_reopened": _l("Agreed scores reopened"),
    "assessment.finalised": _l("Finalised"),
    "assessment.reopened": _l("Reopened"),
    "assessment.upgraded": _l("Upgraded to a later checklist version"),
    "assessment.scope_changed": _l("Scope changed"),
    "assessment.widened": _l("Widened to the full checklist"),
    "assessment.exported": _l("Exported"),
    "assessment.followed_up": _l("Follow-up started in a later round"),
    "programme.created": _l("Programme created"),
    "programme.unit_added": _l("Unit added to a programme"),
    "programme.member_added": _l("Person assigned to a programme"),
    "round.created": _l("Round created"),
    "round.dataset_exported": _l("Round data set exported"),
    "report.regional_downloaded": _l("Regional findings report downloaded"),
    "assessment.imported": _l("Imported"),
    "plan.actions_suggested": _l("Actions suggested"),
    "plan.actions_merged": _l("Actions merged"),
    "plan.action_split": _l("Action split"),
    "plan.action_changed": _l("Action changed"),
    "plan.action_deleted": _l("Action deleted"),
    "consultation.changed": _l("Consultation record changed"),
    "report.downloaded": _l("Issued report downloaded"),
    "report.draft_downloaded": _l("Draft report downloaded"),
    "installation.trusted": _l("Installation trusted"),
    "installation.untrusted": _l("Installation no longer trusted"),
    "plan.gap_left_open": _l("Gap left without an action"),
    "plan.gap_taken_back": _l("Gap taken back into the plan"),
    "report.issued": _l("Report issued"),
    "report.verify_repaired": _l("Reports folder repaired"),
    "report.reader_copy_filed": _l("Reader's copy of an issued report filed"),
    "auth.mfa_enabled": _l("Second factor set up"),
    "auth.mfa_disabled": _l("Second factor turned off"),
    "auth.recovery_code_used": _l("Recovery code used"),
    "auth.second_factor_failed": _l("Wrong second-factor code"),
    "user.mfa_reset": _l("Second factor reset"),
    "access.refused": _l("Refused"),
    "access.csrf_refused": _l("Expired or foreign form refused"),
    "auth.login": _l("Signed in"),
    "auth.login_failed": _l("Sign-in failed"),
    "auth.logout": _l("Signed out"),
    "auth.throttled": _l("Sign-in throttled"),
    "auth.password_changed": _l("Password changed"),
    "auth.password_reset": _l("Password reset"),
    "user.created": _l("Account created"),
    "user.changed": _l("Account changed"),
    "user.disabled": _l("Account disabled"),
    "user.enabled": _l("Account enabled"),
    "user.signed_out": _l("Sessions ended"),
    "unit.created": _l("Unit created"),
    "unit.jurisdiction_set": _l("Jurisdiction profile set"),
    "sop.added": _l("Document added"),
    "sop.changed": _l("Document changed"),
    "sop.removed": _l("Document removed"),
    "sop.document_imported": _l("Document file imported"),
    "response.recheck_marked": _l("Cited SOP sections changed: answers to re-check"),
    "checklist.loaded": _l("Checklist loaded"),
    "user.language_changed": _l("Interface language changed"),
    "translation.reviewed": _l("Translation review recorded"),
}

FIELD = {
    "jurisdiction_code": _l("Jurisdiction profile"),
    "value": _l("Score"),
    "not_applicable": _l("Not applicable"),
    "na_justification": _l("Why it does not apply"),
    "not_evidenced": _l("Not evidenced"),
    "basis": _l("Score rests on"),
    "citations": _l("Citations"),
    "evidence_note": _l("Note"),
    "recommendation": _l("Recommendation"),
    "recheck": _l("To re-check"),
    "no_action_reason": _l("Why no action closes the gap"),
    "reason": _l("Reason"),
    "reply": _l("The unit's answer"),
    "dissent": _l("Dissent"),
    "stance": _l("Stance"),
    "comment": _l("Comment"),
    "finding": _l("Finding"),
    "agreed_value": _l("Agreed score"),
    "agreed_not_applicable": _l("Agreed: not applicable"),
    "agreed_not_evidenced": _l("Agreed: not evidenced"),
    "ticks": _l("Elements met"),
    "level_reason": _l("Why another level than the elements give"),
    "stage": _l("Stage"),
    "scope": _l("Scope"),
    "revision": _l("Revision"),
    "finalised_by": _l("Finalised by"),
    "finalised_at": _l("Finalised at"),
    "title": _l("Title"),
    "held_on": _l("Held on"),
    "place": _l("Place"),
    "online": _l("Online"),
    "participants": _l("Participants"),
    "minutes": _l("Minutes"),
    "gaps": _l("Gaps"),
    "actions": _l("Actions"),
    "owner": _l("Owner"),
    "due_on": _l("Due"),
    "effort": _l("Effort"),
    "cost": _l("Cost"),
    "status": _l("Status"),
    "notes": _l("Notes"),
    "code": _l("Code"),
    "version": _l("Version"),
    "issued_on": _l("Issued on"),
    "name": _l("Name"),
    "email": _l("Email"),
    "role": _l("Role"),
    "active": _l("Active"),
    "units": _l("Units"),
    "fingerprint": _l("Key fingerprint"),
    "language": _l("Language"),
    "translation_status": _l("Translation status"),
    "reviewer": _l("Reviewer"),
    "reviewer_role": _l("Reviewer's role"),
    "reviewed_on": _l("Reviewed on"),
    "note": _l("Note"),
}

#: Fields whose stored values are codes of a vocabulary.
_VOCABULARY = {
    "basis": labels.BASIS,
    "stance": labels.STANCE,
    "finding": labels.FINDING,
    "stage": labels.STAGE,
    "scope": labels.SCOPE,
    "status": labels.ACTION_STATUS,
    "effort": labels.EFFORT,
    "cost": labels.COST,
    "role": labels.ROLE,
    "language": labels.LANGUAGE,
    "translation_status": labels.TRANSLATION_STATUS,
}

NO_VALUE = "–"


def event_label(name: str) -> str:
    """An event in words (its code when it has no label)."""
    return str(EVENT.get(name, name))


def field_label(key: str) -> str:
    """A recorded field in words (its key when it has no label)."""
    return str(FIELD.get(key, key))


def change_value(key: str, value: Any) -> str:
    """A recorded value in words: vocabulary codes by their label, yes or no, citations as cited."""
    if value is None or value == "" or value == []:
        return NO_VALUE
    if isinstance(value, bool):
        return str(_l("yes") if value else _l("no"))
    if key in _VOCABULARY:
        return str(_VOCABULARY[key].get(value, value))
    if key == "ticks" and isinstance(value, list):  # element positions, numbered from 1 as the card shows them
        return ", ".join(str(i + 1) for i in value if isinstance(i, int))
    if key == "citations" and isinstance(value, list):
        return "; ".join(" § ".join(str(part) for part in pair if part) for pair in value if pair)
    if isinstance(value, dict):  # an action or a participant: by its title or name
        return str(value.get("title") or value.get("name") or value)
    if isinstance(value, list):
        return ", ".join(change_value(key, item) if isinstance(item, dict) else str(item) for item in value)
    return str(value)
