"""A round's data set as a zip download, named or anonymised, for the programme's staff."""

from __future__ import annotations

from flask import Response, flash, redirect, url_for
from flask_login import current_user

from app.extensions import db
from app.services.assessment.access import ProgrammeAction
from app.services.programme.dataset import DatasetRefused, build_dataset, dataset_zip
from app.web.decisions import on_programme, requires
from app.web.guards import round_for
from app.web.programmes.views import bp


def _download(round_id: int, *, anonymise: bool):
    found = round_for(round_id, ProgrammeAction.DATASET)
    try:
        built = build_dataset(found, anonymise=anonymise)
    except DatasetRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("programmes.round_page", round_id=found.id))
    content = dataset_zip(built, current_user)
    db.session.commit()
    return Response(
        content,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{built.zip_name}"', "Cache-Control": "no-store"},
    )


@bp.get("/rounds/<int:round_id>/dataset.zip")
@requires(on_programme(ProgrammeAction.DATASET))
def dataset_named(round_id: int):
    """The round's data set, units named: CSV tables and datapackage.json in a zip."""
    return _download(round_id, anonymise=False)


@bp.get("/rounds/<int:round_id>/dataset-anonymised.zip")
@requires(on_programme(ProgrammeAction.DATASET))
def dataset_anonymised(round_id: int):
    """The round's data set with units as letters (refused below three assessed units)."""
    return _download(round_id, anonymise=True)
