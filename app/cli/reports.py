"""``flask report render|issue|verify|reader-copies``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.cli.output import echo
from app.domain.text import base_language
from app.extensions import db
from app.models import Assessment, IssuedReport, User
from app.services.assessment.access import Action, may
from app.services.reporting.heap import frozen_heap
from app.services.reporting.issuing import (
    FINE,
    IssueError,
    file_reader_copy,
    issue_report,
    repair_reports,
    verify_reports,
)
from app.services.reporting.reports import render_report_pdf

group = AppGroup("report", help="Render, issue and verify gap reports.")


def _language(_ctx, _param, value: str | None) -> str | None:
    """A language code of the installation's LANGUAGES; any other refused, naming them."""
    offered = current_app.config["LANGUAGES"]
    if value is not None and value not in offered:
        raise click.BadParameter(f"{value!r} is not a language here; choose one of {', '.join(offered)}")
    return value


LANGUAGE_HELP = "Language of the report: en, bs, hr, cnr, sr-Latn, sr-Cyrl, sq or mk."


def _assessment(assessment_id: int) -> Assessment:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}; 'flask assessments list' shows them")
    return assessment


#: ``--bilingual`` of the report commands (render, progress, regional).
BILINGUAL = click.option(
    "--bilingual",
    is_flag=True,
    help="With --lang other than en: the checklist's texts and the report's headings with their English beside them.",
)


def refuse_english_bilingual(language: str, bilingual: bool) -> None:
    """A usage error for --bilingual without another language than English to put it beside."""
    if bilingual and base_language(language) == "en":
        raise click.UsageError(
            "--bilingual puts English beside another language: give --lang, for example --lang sr-Cyrl"
        )


@group.command("render")
@click.argument("assessment_id", type=int)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="PDF file to write."
)
@click.option("--lang", "language", default="en", callback=_language, help=LANGUAGE_HELP + " Default: en.")
@BILINGUAL
def render(assessment_id: int, output: str, language: str, bilingual: bool) -> None:
    """Render the gap report of an assessment to a PDF file (not issued), in a language of the interface.

    The interface's texts, dates and numbers follow the language; the checklist's own text
    stays as the checklist stores it until it has a translation in that language, marked so.
    """
    refuse_english_bilingual(language, bilingual)
    with frozen_heap():  # the app's objects left out of collections during the render
        pdf = render_report_pdf(_assessment(assessment_id), locale=language, bilingual=bilingual)
    Path(output).write_bytes(pdf)
    echo(f"Wrote {output} ({len(pdf):,} bytes)")


@group.command("issue")
@click.argument("assessment_id", type=int)
@click.option("--by", "email", help="Email of the person signing it off (default: who finalised the assessment).")
@click.option(
    "--lang",
    "language",
    callback=_language,
    help=LANGUAGE_HELP + " Default: the signing person's own language, else en.",
)
def issue(assessment_id: int, email: str | None, language: str | None) -> None:
    """Issue the report of a finalised assessment into the reports folder, once."""
    assessment = _assessment(assessment_id)
    if email:
        user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user with email {email}")
    else:
        user = assessment.finalised_by
        if user is None:
            raise click.ClickException("say who signs the report off: --by EMAIL")
    if not may(user, Action.ISSUE, assessment.unit_id):
        raise click.ClickException(f"{user.email} ({user.role}) may not issue reports for unit {assessment.unit.code}")
    try:
        with frozen_heap():  # the app's objects left out of collections during the render
            report = issue_report(assessment, user, language=language)
    except IssueError as exc:
        raise click.ClickException(str(exc)) from None
    echo(
        f"Issued {report.filename}: revision {report.revision}, {report.size:,} bytes, sha256 {report.sha256}, "
        f"language {report.language}"
    )


@group.command("verify")
@click.option(
    "--repair",
    is_flag=True,
    help="Remove files an unfinished issue left, set aside unrecorded files and acknowledge set-aside ones "
    "(kept, audited). Missing or altered reports stay failures.",
)
def verify(repair: bool) -> None:
    """Check every issued report against its SHA-256; exit 1 naming each file that is not as recorded."""
    if repair:
        done = repair_reports()
        db.session.commit()
        for line in done:
            echo(f"REPAIRED {line}")
    outcomes = verify_reports()
    bad = [o for o in outcomes if o.state not in FINE]
    for outcome in outcomes:
        echo(str(outcome), err=outcome.state not in FINE)
    issued = [o for o in outcomes if o.report is not None]
    reports = {o.report.id for o in issued}
    broken = len({o.report.id for o in issued if o.state not in FINE})
    others = len(outcomes) - len(issued)
    echo(
        f"{len(reports)} issued reports checked, {broken} missing or altered, "
        f"{others} files in the reports folder that no record accounts for"
        + ("" if not others or repair else " (flask report verify --repair deals with them)")
    )
    sys.exit(1 if bad else 0)


@group.command("reader-copies")
def reader_copies() -> None:
    """File reader's copies (only what the report prints attached) of reports issued before they existed."""
    waiting = db.session.scalars(
        select(IssuedReport).where(IssuedReport.reader_filename.is_(None)).order_by(IssuedReport.id)
    ).all()
    with frozen_heap():  # the app's objects left out of collections during the renders
        for report in waiting:
            try:
                echo(file_reader_copy(report))
            except IssueError as exc:
                raise click.ClickException(str(exc)) from None
    filed = sum(1 for report in waiting if report.reader_filename)
    echo(f"{filed} of {len(waiting)} reports without a reader's copy have one now")


def register(app: Flask) -> None:
    app.cli.add_command(group)
