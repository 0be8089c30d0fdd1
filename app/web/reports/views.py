"""Report views: preview, download (the issued file when there is one), issue."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import IssuedReport
from app.services.accounts.audit import record
from app.services.assessment.access import Action, may
from app.services.formatting import current_language
from app.services.reporting.drafts import Variant, draft_pdf
from app.services.reporting.issuing import IssueError, assessment_filename, current_issue, issue_report, read_issued
from app.services.reporting.reports import build_report, render_report_html, report_stylesheet
from app.web.auth import second_factor
from app.web.decisions import SIGNED_IN, on_unit, requires
from app.web.guards import assessment_for
from app.web.i18n import report_language
from app.web.refusals import error_page

bp = Blueprint("reports", __name__)


def _pdf(data: bytes, filename: str, etag: str | None = None, immutable: bool = True) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if etag:
        response.set_etag(etag)
        response.headers["Cache-Control"] = "private, max-age=3600, immutable" if immutable else "private, no-cache"
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/assessments/<int:assessment_id>/report")
@requires(on_unit(Action.VIEW))
def preview(assessment_id: int):
    """The report as a web page, drawn from the same templates as the PDF."""
    assessment = assessment_for(assessment_id)
    return render_report_html(build_report(assessment), stylesheet_url=url_for("reports.stylesheet"))


@bp.get("/assessments/<int:assessment_id>/report.pdf")
@requires(on_unit(Action.VIEW))
def download(assessment_id: int):
    """The issued PDF of the current revision if there is one; else a draft rendered now."""
    assessment = assessment_for(assessment_id)
    issued = current_issue(assessment)
    if issued is not None:
        return redirect(url_for("reports.issued", report_id=issued.id))
    language, bilingual = report_language()  # an unknown ?lang= is refused with 400 (app.web)
    draft = draft_pdf(
        assessment,
        current_user.id,
        reader=not may(current_user, Action.EXPORT, assessment.unit_id),
        variant=Variant(language, bilingual),
    )
    if draft.busy:
        message = _("You have several draft reports being prepared already. Wait for them, then ask again.")
        return render_template("error.html", code=429, message=message), 429
    if draft.pdf is None:
        # Rendered in the background; this page asks again in a moment.
        return render_template("reports/preparing.html", assessment=assessment), 202
    _downloaded("report.draft_downloaded", assessment, draft.key)
    return _pdf(draft.pdf, assessment_filename(assessment, suffix="-draft"), etag=draft.key, immutable=False)


def _downloaded(name: str, assessment, what: str) -> None:
    """A PDF that carries the assessment's record left the server: who took it is in the trail."""
    record(name, object_type="report", object_id=what, assessment=assessment, summary=what)
    db.session.commit()


@bp.get("/reports/<int:report_id>.pdf")
@requires(on_unit(Action.VIEW))
def issued(report_id: int):
    """An issued report, byte for byte as filed: the one with the whole record for those who may
    export the assessment, the reader's copy (only what the report prints attached) for everyone else."""
    report = db.session.get(IssuedReport, report_id)
    if report is None:
        abort(404)
    assessment = assessment_for(report.assessment_id)
    reader = not may(current_user, Action.EXPORT, assessment.unit_id)
    name, digest = report.copy_for(reader=reader)
    if digest and digest in request.if_none_match:
        return Response(status=304, headers={"ETag": f'"{digest}"'})
    try:
        data = read_issued(report, reader=reader)
    except IssueError as exc:
        return error_page(403 if name is None else 409, str(exc))  # 403: no reader's copy to give
    _downloaded("report.downloaded", report.assessment, name)
    return _pdf(data, name, etag=digest)


@bp.post("/assessments/<int:assessment_id>/issue")
@requires(on_unit(Action.ISSUE))
def issue(assessment_id: int):
    """Issue the report of a finalised assessment: written once, hashed, signed off."""
    assessment = assessment_for(assessment_id, Action.ISSUE)
    results = url_for("assessments.results", assessment_id=assessment.id)
    if not second_factor.recent():
        flash(_("Issuing a report needs your authenticator code: confirm it, then issue again."), "info")
        return redirect(second_factor.confirm_url(results))
    try:
        report = issue_report(assessment, current_user, language=request.form.get("language") or current_language())
    except IssueError as exc:
        flash(str(exc), "error")
    else:
        flash(
            _("Report issued: revision %(rev)s, SHA-256 %(hash)s.", rev=report.revision, hash=report.short_hash),
            "success",
        )
    return redirect(results)


@bp.get("/reports/report.css")
@requires(SIGNED_IN)
def stylesheet():
    """The print stylesheet, for the browser preview."""
    css = report_stylesheet(url_for("static", filename="fonts").rstrip("/"))
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, max-age=300"})
