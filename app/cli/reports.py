"""``flask report render``."""

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.extensions import db
from app.models import Assessment
from app.services.reports import render_report_pdf

group = AppGroup("report", help="Render and issue gap reports.")


@group.command("render")
@click.argument("assessment_id", type=int)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write."
)
def render(assessment_id: int, output: str) -> None:
    """Render the gap report of an assessment to a PDF file."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}; 'flask assessments list' shows them")
    pdf = render_report_pdf(assessment)
    Path(output).write_bytes(pdf)
    click.echo(f"Wrote {output} ({len(pdf):,} bytes)")


def register(app: Flask) -> None:
    app.cli.add_command(group)
