"""Report views: preview in the browser, download as PDF."""

from __future__ import annotations

import re

from flask import Blueprint, Response, url_for

from app.models import Assessment
from app.services.reports import build_report, render_report_html, render_report_pdf, report_stylesheet
from app.web.guards import assessment_for

bp = Blueprint("reports", __name__)


def report_filename(assessment: Assessment, extension: str = "pdf") -> str:
    """``gap-report-DEMO-CSI-12-r1.pdf``: unit, assessment and revision."""
    unit = re.sub(r"[^A-Za-z0-9_-]+", "-", assessment.unit.code)
    return f"gap-report-{unit}-{assessment.id}-r{assessment.revision}.{extension}"


@bp.get("/assessments/<int:assessment_id>/report")
def preview(assessment_id: int):
    """The report as a web page, drawn from the same templates as the PDF."""
    assessment = assessment_for(assessment_id)
    html = render_report_html(build_report(assessment), stylesheet_url=url_for("reports.stylesheet"))
    return html


@bp.get("/assessments/<int:assessment_id>/report.pdf")
def download(assessment_id: int):
    """The report as PDF."""
    assessment = assessment_for(assessment_id)
    pdf = render_report_pdf(assessment)
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{report_filename(assessment)}"'},
    )


@bp.get("/reports/report.css")
def stylesheet():
    """The print stylesheet, for the browser preview."""
    css = report_stylesheet(url_for("static", filename="fonts").rstrip("/"))
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, max-age=300"})
