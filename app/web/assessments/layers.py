"""Saving one card's layers: the unit's self-assessment, the expert's review, the unit's reply.

Each answers JSON to autosave and a redirect (or the page with errors) to a plain form post.
A conflicting edit answers 409 with the other person's values, field by field.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.domain.scoring import Basis
from app.extensions import db
from app.models import Assessment, Response, Review
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import AssessmentLocked, ScoreSheet, card_sheet, score_sheet
from app.services.assessment.busy import committed
from app.services.assessment.parts import take_part
from app.services.assessment.responses import (
    InvalidResponse,
    ResponseConflict,
    ResponseInput,
    save_reply,
    save_response,
    save_review,
)
from app.services.content.sops import unit_documents
from app.services.formatting import datetime
from app.services.labels import BASIS, FINDING, STANCE
from app.web.assessments.forms import (
    NOT_EVIDENCED,
    reply_form,
    response_form,
    review_form,
    score_is_valid,
    score_value,
)
from app.web.assessments.not_evidenced import asks_not_evidenced
from app.web.assessments.scoring_page import FILTERS, ScoringPage, card_place, card_url, saved_json
from app.web.assessments.stage_panel import stage_panel
from app.web.assessments.views import bp
from app.web.compact import compact_html
from app.web.decisions import on_unit, requires
from app.web.guards import assessment_for
from app.web.refusals import Refusal, refusal

#: Service error keys that name another field of the form.
FIELD_OF_ERROR = {"value": "score", "agreed_value": "agreed"}


def _error_field(form, name: str):
    """The field a service error belongs to (citations: the first citation row)."""
    if name == "citations" and getattr(form, "citations", None) is not None and form.citations.entries:
        return form.citations.entries[0].form.sop_id
    return getattr(form, FIELD_OF_ERROR.get(name, name), None) or form.version


def safe_local(target: str | None) -> str | None:
    return target if target and target.startswith("/") and not target.startswith("//") else None


def theirs_of(row: Response | Review, layer: str) -> list[dict]:
    """The stored values of the layer's form, field by field: what to show and what to fill in."""

    def score(value, na, ne) -> str:
        return score_value(value, na, ne)

    if layer == "review":
        fields = [
            ("score", _("Expert's score"), score(row.value, row.not_applicable, row.not_evidenced)),
            ("stance", _("Stance"), row.stance or ""),
            ("comment", _("Comment"), row.comment),
            ("finding", _("Finding"), row.finding or ""),
            ("agreed", _("Agreed score"), score(row.agreed_value, row.agreed_not_applicable, row.agreed_not_evidenced)),
            *_ticks_fields(row),
        ]
        shown = {"stance": STANCE, "finding": FINDING}
    elif layer == "reply":
        fields = [("reply", _("The unit's answer"), row.reply), ("dissent", _("Dissent"), row.dissent)]
        shown = {}
    else:
        fields = [
            ("score", _("Score"), score(row.value, row.not_applicable, row.not_evidenced)),
            # The form shows SOP text until another basis is chosen (a carried score that never
            # said shows "basis not recorded"): compare like with like.
            ("basis", _("Score rests on"), row.basis or ("" if row.carried_from else Basis.SOP_TEXT.value)),
            ("na_justification", _("Why it does not apply"), row.na_justification),
            ("citations", _("Citations"), [[c.sop_id, c.section] for c in row.citations if c.sop_id]),
            ("evidence_note", _("Note"), row.evidence_note),
            ("recommendation", _("Recommendation"), row.recommendation),
            *_ticks_fields(row),
        ]
        shown = {"basis": BASIS}
    out = []
    for name, label, raw in fields:
        if name == "citations":
            value = "; ".join(f"{c.code} § {c.section}".rstrip(" §") for c in row.citations)
        elif name == "ticks":  # one field: the elements ticked, as the card numbers them
            value = ", ".join(str(int(i) + 1) for i in raw.split(",")) if raw else "–"
        elif name in shown:
            value = str(shown[name].get(raw, "–")) if raw else "–"
        else:
            value = raw or "–"
        out.append({"field": name, "label": str(label), "value": value, "raw": raw})
    return out


def _ticks_fields(row: Response | Review) -> list[tuple]:
    """The ticks as one field ("0,2": the positions the form's checkboxes carry) and the reason."""
    ticks = ",".join(str(i) for i in row.ticks) if row.ticks else ""
    return [("ticks", _("Elements met"), ticks), ("level_reason", _("Why another level"), row.level_reason)]


def conflict_message(exc: ResponseConflict, wants_json: bool) -> str:
    current = exc.current
    who = current.updated_by.name if current.updated_by else _("Someone")
    if wants_json:  # the page sets their values beside yours and merges what each of you changed
        return _(
            "%(who)s saved this requirement at %(when)s while you were editing it. Your input is kept. Keep "
            "mine saves what you changed and takes their values for the rest; or take theirs, or choose field "
            "by field.",
            who=who,
            when=datetime(current.updated_at),
        )
    return _(
        "%(who)s saved this requirement at %(when)s while you were editing it. Your input is kept in the "
        "form: save again to keep it, or reload the page to see theirs.",
        who=who,
        when=datetime(current.updated_at),
    )


def locked_refusal(sheet: ScoreSheet, stage_before: str, exc: AssessmentLocked) -> tuple[Refusal, str]:
    """Why a save found the assessment locked: it moved on (stage_moved), or the save lost a race (busy)."""
    stage_now = db.session.scalar(select(Assessment.stage).where(Assessment.id == sheet.assessment.id))
    if stage_now != stage_before:
        return Refusal.STAGE_MOVED, _(
            "%(why)s Someone moved the assessment on while you were editing, so this was not saved. Your input "
            "is kept on the page: copy what you want to keep, then reload.",
            why=str(exc),
        )
    return Refusal.BUSY, str(exc)


def _handle(sheet: ScoreSheet, requirement_id: str, layer: str, form, save: Callable[[], Response | Review]):
    """Validate, save and commit one layer; answer as the caller wants (JSON or HTML)."""
    wants_json = request.accept_mimetypes.best == "application/json"
    status, message, conflict, code = 422, None, None, Refusal.INVALID
    stage_before = sheet.assessment.stage
    if form.validate():

        def saved():
            row = save()
            if not wants_json:
                return None
            # The answer is read before the commit expires the sheet (no reload per response).
            body = saved_json(sheet, requirement_id, row)
            body["asks_not_evidenced"] = asks_not_evidenced(row) if layer == "self" else False
            return body

        try:
            body = committed(saved, reload=sheet.reload)  # a busy database is retried here, not by the person
        except AssessmentLocked as exc:
            db.session.rollback()
            code, message = locked_refusal(sheet, stage_before, exc)
            status = 409
        except InvalidResponse as exc:
            db.session.rollback()
            for name, text in exc.errors.items():
                holder = _error_field(form, name)
                if text not in holder.errors:
                    holder.errors = [*holder.errors, text]
        except ResponseConflict as exc:
            db.session.rollback()
            status, message, conflict, code = 409, conflict_message(exc, wants_json), exc.current, Refusal.CONFLICT
            form.version.data = exc.current.version
            form.version.raw_data = [str(exc.current.version)]
        else:
            if wants_json:
                return body
            flash(_("%(id)s saved.", id=requirement_id), "success")
            # the card in its section: where a card's form posts from unless it says otherwise
            return redirect(safe_local(form.next.data) or card_url(sheet, requirement_id))
    if wants_json:
        errors = {name: list(field.errors) for name, field in form._fields.items() if field.errors}
        extra = {"version": conflict.version, "theirs": theirs_of(conflict, layer)} if conflict is not None else {}
        return refusal(status, code, message or _("Not saved: check the highlighted fields."), errors=errors, **extra)
    place = card_place(sheet, requirement_id)
    if sheet.card is not None:  # the page shows the cards of the section's page, not only the one saved
        sheet = score_sheet(sheet.assessment)
    page = ScoringPage.build(
        sheet, current_user, section_id=place["section"], filter_name="all", page_number=place.get("page", 1)
    )
    page.replace_form(requirement_id, layer, form, message or _("Not saved: check the highlighted fields."))
    html = render_template("assessments/score.html", page=page, filters=FILTERS, panel=stage_panel(sheet, current_user))
    return compact_html(html), status


def form_number(name: str) -> int | None:
    """A whole number posted in field ``name`` (a version, a document id); None when absent or not one."""
    raw = (request.form.get(name) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def with_the_rest_stored(data: ResponseInput, response: Response) -> ResponseInput:
    """A row of the table view shows the level, its basis, the N/A reason and the note: the
    citations, the recommendation and the ticks with their reason stay as stored."""
    return dataclasses.replace(
        data,
        citations=[(c.sop_id, c.section) for c in response.citations if c.sop_id is not None],
        recommendation=response.recommendation,
        ticks=list(response.ticks) if response.ticks is not None else None,
        level_reason=response.level_reason,
    )


def sheet_for(assessment_id: int, requirement_id: str, action: Action) -> ScoreSheet:
    sheet = score_sheet(assessment_for(assessment_id, action))
    if requirement_id not in sheet.responses:
        abort(404)
    return sheet


def card_for(assessment_id: int, requirement_id: str, action: Action) -> ScoreSheet:
    """The sheet a save of one card needs (:func:`card_sheet`); 404 for a requirement not in the assessment."""
    sheet = card_sheet(assessment_for(assessment_id, action), requirement_id)
    if requirement_id not in sheet.responses:
        abort(404)
    return sheet


@bp.post("/<int:assessment_id>/responses/<requirement_id>")
@requires(on_unit(Action.SCORE))
def save(assessment_id: int, requirement_id: str):
    """Save the unit's self-assessment of one requirement."""
    sheet = card_for(assessment_id, requirement_id, Action.SCORE)
    form = response_form(requirement_id, formdata=request.form)
    form.set_choices(sheet.checklist, unit_documents(sheet.assessment.unit_id))
    if request.form.get(f"{requirement_id}-as") == NOT_EVIDENCED:  # the card's "Mark as not evidenced" button
        form.score.data = NOT_EVIDENCED

    from_row = request.form.get(f"{requirement_id}-shown") == "row"  # a row of the table view

    def store():
        if not score_is_valid(form.score, sheet.checklist):
            raise InvalidResponse({"score": form.score.errors[-1]})
        data = form.to_input()
        if from_row:  # read here, inside the retries: what is stored when the save is made
            data = with_the_rest_stored(data, sheet.responses[requirement_id])
        saved = save_response(sheet, requirement_id, data, expected_version=form.version.data, user=current_user)
        take_part(sheet.assessment, current_user, Action.SCORE)
        return saved

    return _handle(sheet, requirement_id, "self", form, store)


@bp.post("/<int:assessment_id>/reviews/<requirement_id>")
@requires(on_unit(Action.REVIEW))
def review(assessment_id: int, requirement_id: str):
    """Save the expert's review of one requirement (and the agreed score after the consultation)."""
    sheet = card_for(assessment_id, requirement_id, Action.REVIEW)
    form = review_form(requirement_id, formdata=request.form)
    form.set_choices(sheet.checklist)
    with_agreed = may_in(current_user, Action.AGREE, sheet.assessment) and form.agreed.raw_data is not None

    def store():
        for field in (form.score, form.agreed):
            if not score_is_valid(field, sheet.checklist):
                raise InvalidResponse({field.name.rsplit("-", 1)[-1]: field.errors[-1]})
        saved = save_review(
            sheet, requirement_id, form.to_input(with_agreed), expected_version=form.version.data, user=current_user
        )
        take_part(sheet.assessment, current_user, Action.REVIEW)
        if with_agreed:
            take_part(sheet.assessment, current_user, Action.AGREE)
        return saved

    return _handle(sheet, requirement_id, "review", form, store)


@bp.post("/<int:assessment_id>/replies/<requirement_id>")
@requires(on_unit(Action.REPLY))
def reply(assessment_id: int, requirement_id: str):
    """Save the unit's answer to the expert, and the unit head's dissent from the agreed score."""
    assessment = assessment_for(assessment_id)
    can_reply = may_in(current_user, Action.REPLY, assessment)
    can_dissent = may_in(current_user, Action.DISSENT, assessment)
    if not (can_reply or can_dissent):
        assessment_for(assessment_id, Action.REPLY)  # says why: 403 for the role, 409 for the stage
    if request.form.get(f"{requirement_id}-re-dissent") and not can_dissent:
        assessment_for(assessment_id, Action.DISSENT)  # a dissent only the unit head may note
    sheet = card_for(assessment_id, requirement_id, Action.VIEW)
    form = reply_form(requirement_id, formdata=request.form)

    def store():
        reply = form.reply.data if can_reply and form.reply.raw_data is not None else None
        dissent = form.dissent.data if can_dissent and form.dissent.raw_data is not None else None
        saved = save_reply(
            sheet, requirement_id, reply=reply, dissent=dissent, expected_version=form.version.data, user=current_user
        )
        take_part(sheet.assessment, current_user, Action.DISSENT if dissent is not None else Action.REPLY)
        return saved

    return _handle(sheet, requirement_id, "reply", form, store)
