"""The progress report of a unit: the page and the PDF, comparing an assessment with the round before."""

from __future__ import annotations

from flask import Response, render_template, url_for

from app.services.assessment.access import Action
from app.services.reporting.progress import (
    NothingToCompare,
    baseline_of,
    build_progress,
    progress_stylesheet,
    render_progress_html,
    render_progress_pdf,
    round_name,
)
from app.web.decisions import SIGNED_IN, on_unit, requires
from app.web.guards import assessment_for
from app.web.i18n import report_language
from app.web.reports.views import bp


def _nothing_to_compare(assessment, message: str):
    return render_template("reports/progress/nothing_to_compare.html", assessment=assessment, message=message)


@bp.get("/assessments/<int:assessment_id>/progress")
@requires(on_unit(Action.VIEW))
def progress(assessment_id: int):
    """The unit's progress since the round before, as a page drawn from the PDF's template."""
    assessment = assessment_for(assessment_id)
    try:
        data = build_progress(assessment)
    except NothingToCompare as exc:
        return _nothing_to_compare(assessment, str(exc))
    return render_progress_html(data, stylesheet_url=url_for("reports.progress_stylesheet"))


@bp.get("/assessments/<int:assessment_id>/progress.pdf")
@requires(on_unit(Action.VIEW))
def progress_pdf(assessment_id: int):
    """The progress report as a PDF (PDF/A-3a), rendered now."""
    assessment = assessment_for(assessment_id)
    language, bilingual = report_language()  # an unknown ?lang= is refused with 400 (app.web)
    try:
        pdf = render_progress_pdf(assessment, locale=language, bilingual=bilingual)
    except NothingToCompare as exc:
        return _nothing_to_compare(assessment, str(exc))
    label = assessment.round.label if assessment.round is not None else assessment.assessed_on.isoformat()
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="progress-{assessment.id}-{label}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/reports/progress.css", endpoint="progress_stylesheet")
@requires(SIGNED_IN)
def progress_stylesheet_view():
    """The progress report's print stylesheet, for the page."""
    css = progress_stylesheet(url_for("static", filename="fonts").rstrip("/"))
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, max-age=300"})


@bp.app_template_global("progress_since")
def progress_since(assessment) -> str | None:
    """``round 2025`` when the assessment has a predecessor in an earlier round (the results page links it), else None."""
    baseline = baseline_of(assessment)
    return round_name(baseline) if baseline is not None else None
