"""Exports of an assessment and the upload page for packages."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.models import Assessment
from app.services.assessment.access import Action
from app.services.exchange.exports import record_export, responses_csv, responses_xlsx
from app.services.exchange.import_plan import ScopeNeeded
from app.services.exchange.imports import PackageRefused, import_package
from app.services.exchange.packages import build_package, package_bytes
from app.services.exchange.signing import sign_package
from app.services.reporting.issuing import assessment_filename
from app.web.decisions import in_some_unit, on_unit, requires
from app.web.exchange.forms import ImportForm
from app.web.guards import assessment_for, refuse_without_unit

bp = Blueprint("exchange", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(data: bytes, mimetype: str, assessment: Assessment, extension: str) -> Response:
    name = assessment_filename(assessment, "assessment", extension)
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.get("/assessments/<int:assessment_id>/export.<fmt>")
@requires(on_unit(Action.EXPORT))
def export(assessment_id: int, fmt: str):
    """All responses as CSV or XLSX, or the whole assessment as a JSON package."""
    assessment = assessment_for(assessment_id, Action.EXPORT)
    if fmt == "csv":
        response = _file(responses_csv(assessment), "text/csv; charset=utf-8", assessment, "csv")
    elif fmt == "xlsx":
        response = _file(responses_xlsx(assessment), XLSX, assessment, "xlsx")
    elif fmt == "json":
        package = sign_package(build_package(assessment, exported_by=current_user.name))
        response = _file(package_bytes(package), "application/json", assessment, "json")
    else:
        abort(404)
    record_export(assessment, fmt)
    db.session.commit()
    return response


@bp.route("/assessments/import", methods=["GET", "POST"])
@requires(in_some_unit(Action.IMPORT))
def upload():
    """Bring in an assessment package exported by another installation."""
    refuse_without_unit(Action.IMPORT)
    form = ImportForm()
    status = 200
    if form.validate_on_submit():
        try:
            outcome = import_package(form.package.data.read(), current_user, scope=form.scope.data or None)
        except ScopeNeeded as exc:
            form.scope.errors.append(
                _("%(why)s Choose desk or on-site below, then choose the file again and import.", why=str(exc))
            )
        except PackageRefused as exc:
            form.package.errors.append(str(exc))
        else:
            flash(
                _("Imported: %(title)s (%(unit)s).", title=outcome.assessment.title, unit=outcome.assessment.unit.code),
                "success",
            )
            for note in outcome.notes:  # the review kept as reported or left out, and where the copy starts
                flash(note, "info")
            return redirect(url_for("assessments.results", assessment_id=outcome.assessment.id))
    if form.errors:
        status = 400
    return render_template("exchange/import.html", form=form), status
