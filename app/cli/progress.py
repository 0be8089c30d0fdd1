"""``flask report progress ASSESSMENT_ID -o FILE.pdf``: joins the ``report`` group on import."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.output import echo
from app.cli.reports import BILINGUAL, LANGUAGE_HELP, _assessment, _language, group, refuse_english_bilingual
from app.services.reporting.progress import NothingToCompare, baseline_of, render_progress_pdf, round_name


@group.command("progress")
@click.argument("assessment_id", type=int)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write."
)
@click.option("--lang", "language", default="en", callback=_language, help=LANGUAGE_HELP + " Default: en.")
@BILINGUAL
def progress(assessment_id: int, output: str, language: str, bilingual: bool) -> None:
    """Render the progress report of an assessment against the unit's assessment of the round before."""
    refuse_english_bilingual(language, bilingual)
    assessment = _assessment(assessment_id)
    try:
        pdf = render_progress_pdf(assessment, locale=language, bilingual=bilingual)
    except NothingToCompare as exc:
        raise click.ClickException(str(exc)) from None
    Path(output).write_bytes(pdf)
    before = baseline_of(assessment)
    echo(
        f"Wrote {output} ({len(pdf):,} bytes): progress of {assessment.unit.name} "
        f"from {round_name(before)} to {round_name(assessment)}"
    )
