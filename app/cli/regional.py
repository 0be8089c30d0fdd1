"""``flask report regional ROUND -o FILE.pdf [--anonymise]``: the regional findings of a round."""

from __future__ import annotations

from pathlib import Path

import click

from app.cli.output import echo, field
from app.cli.reports import BILINGUAL, LANGUAGE_HELP, _language, group, refuse_english_bilingual
from app.extensions import db
from app.services.programme.programmes import ProgrammeError, find_round
from app.services.reporting.regional import RegionalError, regional_pdf


@group.command("regional")
@click.argument("round_label", metavar="ROUND")
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write."
)
@click.option(
    "--anonymise",
    is_flag=True,
    help="Label the units A, B, C ... and name no unit, jurisdiction, person or document; "
    "no figure for fewer than three units.",
)
@click.option("--lang", "language", default="en", callback=_language, help=LANGUAGE_HELP + " Default: en.")
@BILINGUAL
def regional(round_label: str, output: str, anonymise: bool, language: str, bilingual: bool) -> None:
    """Render the regional findings report of a round (its label, or its id) to a PDF file."""
    refuse_english_bilingual(language, bilingual)
    try:
        found = find_round(round_label)
        report, pdf = regional_pdf(found, anonymised=anonymise, locale=language, bilingual=bilingual)
    except (ProgrammeError, RegionalError) as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    Path(output).write_bytes(pdf)
    db.session.commit()  # the audit event, once the file is written
    form = "anonymised" if anonymise else "named"
    echo(
        f"Wrote {output} ({len(pdf):,} bytes): regional findings, {field(found.name)}, "
        f"{len(report.columns)} units ({form})"
    )
