"""The regional findings report of a round: the page and the PDF, named or anonymised.

Separate endpoints for each form, so that each declares its own decision (the anonymised form
may one day be open to more people than the named one) and the route sweep checks both.
"""

from __future__ import annotations

from flask import Response, redirect, request, url_for
from flask_login import current_user

from app.extensions import db
from app.services.assessment.access import ProgrammeAction
from app.services.reporting.regional import (
    RegionalError,
    build_regional,
    regional_filename,
    regional_pdf,
    regional_stylesheet,
    render_regional_html,
)
from app.web.decisions import SIGNED_IN, on_programme, requires
from app.web.guards import round_for
from app.web.i18n import report_language
from app.web.programmes.views import bp
from app.web.refusals import error_page


def _page(round_id: int, *, anonymised: bool):
    action = ProgrammeAction.ANONYMISED if anonymised else ProgrammeAction.REGIONAL
    found = round_for(round_id, action)
    web = {
        "round": url_for("programmes.round_page", round_id=found.id),
        "pdf": url_for(
            "programmes.regional_anonymised_pdf" if anonymised else "programmes.regional_pdf", round_id=found.id
        ),
        "other": url_for("programmes.regional" if anonymised else "programmes.regional_anonymised", round_id=found.id),
    }
    report = build_regional(found, anonymised=anonymised)
    return render_regional_html(report, stylesheet_url=url_for("programmes.regional_stylesheet"), web=web)


def _pdf(round_id: int, *, anonymised: bool):
    found = round_for(round_id, ProgrammeAction.ANONYMISED if anonymised else ProgrammeAction.REGIONAL)
    language, bilingual = report_language()  # an unknown ?lang= is refused with 400 (app.web)
    try:
        _report, pdf = regional_pdf(
            found, anonymised=anonymised, user=current_user, locale=language, bilingual=bilingual
        )
    except RegionalError as exc:
        db.session.rollback()
        return error_page(409, str(exc))
    db.session.commit()  # the download's audit event
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{regional_filename(found, anonymised=anonymised)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/rounds/<int:round_id>/regional")
@requires(on_programme(ProgrammeAction.REGIONAL))
def regional(round_id: int):
    """The regional findings of a round, naming the units (``?anonymised=1``: the anonymised page)."""
    if request.args.get("anonymised") == "1":
        return redirect(url_for("programmes.regional_anonymised", round_id=round_id))
    return _page(round_id, anonymised=False)


@bp.get("/rounds/<int:round_id>/regional/anonymised")
@requires(on_programme(ProgrammeAction.ANONYMISED))
def regional_anonymised(round_id: int):
    """The regional findings of a round with the units labelled by letter, for a public meeting."""
    return _page(round_id, anonymised=True)


@bp.get("/rounds/<int:round_id>/regional.pdf", endpoint="regional_pdf")
@requires(on_programme(ProgrammeAction.REGIONAL))
def regional_pdf_download(round_id: int):
    """The named regional findings as a PDF (``?anonymised=1``: the anonymised PDF)."""
    if request.args.get("anonymised") == "1":
        return redirect(url_for("programmes.regional_anonymised_pdf", round_id=round_id))
    return _pdf(round_id, anonymised=False)


@bp.get("/rounds/<int:round_id>/regional/anonymised.pdf")
@requires(on_programme(ProgrammeAction.ANONYMISED))
def regional_anonymised_pdf(round_id: int):
    """The anonymised regional findings as a PDF: no unit, jurisdiction, person or document named anywhere in it."""
    return _pdf(round_id, anonymised=True)


@bp.get("/reports/regional.css", endpoint="regional_stylesheet")
@requires(SIGNED_IN)
def regional_stylesheet_css():
    """The regional report's print stylesheet, for its web page."""
    css = regional_stylesheet(url_for("static", filename="fonts").rstrip("/"))
    return Response(css, mimetype="text/css", headers={"Cache-Control": "private, max-age=300"})
