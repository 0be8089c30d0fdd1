"""``flask sops import``, ``flask sops sections`` and ``flask sops suggest``: a unit's SOP documents
from the command line, and the passages most likely to answer each requirement.

Both lines are a contract scripts rely on: keep the names, the options and the printed lines.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from app.cli.output import echo, field, json_field
from app.domain import limits
from app.extensions import db
from app.models import Assessment, Sop, Unit
from app.services.content.evidence import current_documents, suggestions
from app.services.content.sop_documents import (
    ImportOutcome,
    SopImportError,
    current_document,
    import_sop_document,
    refusal_message,
)
from app.services.content.sop_extraction import ExtractionRefused

group = AppGroup("sops", help="Import a unit's SOP documents, list their sections, suggest evidence.")


def _unit(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code.strip().upper()))
    if unit is None:
        raise click.ClickException(f"no unit with code {code}")
    return unit


@group.command("import")
@click.argument("unit_code")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--code", required=True, help="The SOP's code in the register (a new code adds an entry).")
@click.option("--version", "version", default=None, help="The document's version (a new one for a new file).")
@click.option(
    "--date", "issued_on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Issued on, YYYY-MM-DD."
)
def import_command(unit_code: str, file: Path, code: str, version: str | None, issued_on) -> None:
    """Import an SOP file (PDF, DOCX, ODT, .txt, .md) into UNIT_CODE's register as CODE."""
    unit = _unit(unit_code)
    most = int(current_app.config.get("SOP_MAX_BYTES", limits.SOP_MAX_BYTES))
    size = file.stat().st_size
    if size > most:
        raise click.ClickException(refusal_message(file.name, ExtractionRefused("too_large", size=size, limit=most)))
    with file.open("rb") as handle:
        data = handle.read(most + 1)
    try:
        outcome = import_sop_document(
            unit, data, file.name, code=code, version=version, issued_on=issued_on.date() if issued_on else None
        )
    except SopImportError as exc:
        raise click.ClickException(str(exc)) from None
    for line in outcome_lines(outcome):
        echo(line)


def outcome_lines(outcome: ImportOutcome) -> list[str]:
    """What an import did, one line each: the document, then the diff and the re-checks of a new version."""
    sop, document = outcome.sop, outcome.document
    if outcome.already_imported:
        return [
            f"{sop.code} v{document.version}: {document.original_filename} was imported already "
            f"(sha256 {document.sha256[:12]}); nothing new"
        ]
    pages = f", {document.page_count} pages" if document.page_count is not None else ""
    entry = " (new register entry)" if outcome.created_entry else ""
    lines = [
        f"Imported {sop.code} v{document.version} into {sop.unit.code}: {document.original_filename}{pages}, "
        f"{len(document.sections)} sections{entry}"
    ]
    if document.no_headings:
        lines.append("No headings found: the whole text is one section")
    if outcome.diff is not None:
        diff = outcome.diff
        lines.append(
            f"Since v{outcome.previous.version}: {len(diff.added)} added, {len(diff.removed)} removed, "
            f"{len(diff.changed)} changed"
        )
        lines += [f"added\t{field(s.number)}\t{field(s.heading)}" for s in diff.added]
        lines += [f"removed\t{field(s.number)}\t{field(s.heading)}" for s in diff.removed]
        for change in diff.changed:
            what = (
                "heading and text"
                if change.heading_changed and change.text_changed
                else ("heading" if change.heading_changed else "text")
            )
            lines.append(f"changed\t{field(change.number)}\t{field(change.heading_after)}\t{what}")
        lines.append(f"{outcome.marked} responses marked for re-check")
    return lines


@group.command("sections")
@click.argument("unit_code")
@click.argument("code")
def sections_command(unit_code: str, code: str) -> None:
    """One line per section of the current version: NUMBER, HEADING, LENGTH (characters), tab-separated."""
    unit = _unit(unit_code)
    sop = db.session.scalar(select(Sop).where(Sop.unit_id == unit.id, func.upper(Sop.code) == code.strip().upper()))
    if sop is None:
        raise click.ClickException(f"{unit.code} has no SOP with code {code}")
    document = current_document(sop)
    if document is None:
        raise click.ClickException(
            f"{unit.code} {sop.code} has no imported document; import one with flask sops import"
        )
    for section in document.sections:
        echo(f"{field(section.number)}\t{field(section.heading)}\t{section.length}")


@group.command("suggest")
@click.argument("assessment_id", type=int)
@click.argument("requirement_id", required=False)
@click.option("-n", "count", type=click.IntRange(1, 20), default=3, show_default=True, help="Suggestions each.")
@click.option("--all", "every", is_flag=True, help="Every requirement of the assessment.")
@click.option("--json", "as_json", is_flag=True, help="As JSON: {REQ-ID: [{code, section, score, heading}, ...]}.")
def suggest_command(assessment_id: int, requirement_id: str | None, count: int, every: bool, as_json: bool) -> None:
    """The passages of the unit's current SOPs most likely to answer REQUIREMENT_ID (or --all):
    one line each, CODE SECTION SCORE HEADING, tab-separated, best first."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}")
    if every == bool(requirement_id):
        raise click.UsageError("name one REQUIREMENT_ID or give --all")
    wanted = None if every else [requirement_id.strip().upper()]
    found = suggestions(assessment, wanted, n=count)
    if wanted and wanted[0] not in found:
        raise click.ClickException(f"assessment {assessment_id} has no requirement {wanted[0]}")
    if not current_documents(assessment.unit_id):
        echo(f"{assessment.unit.code} has no imported SOP document; import one with flask sops import", err=True)
    if as_json:
        rows = {
            rid: [
                {"code": s.passage.code, "section": s.passage.section, "score": s.score, "heading": s.passage.heading}
                for s in listed
            ]
            for rid, listed in found.items()
        }
        echo(json_field(rows))
        return
    for rid, listed in found.items():
        for s in listed:
            prefix = f"{rid}\t" if every else ""
            echo(
                f"{prefix}{field(s.passage.code)}\t{field(s.passage.section)}\t{s.score:.3f}\t{field(s.passage.heading)}"
            )


def register(app: Flask) -> None:
    app.cli.add_command(group)
