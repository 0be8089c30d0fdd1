"""``flask checklists validate|load|matrix``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.cli.jurisdictions import profile_paths, validate_profiles
from app.cli.output import echo
from app.domain.coverage import ACCREDITATION_SOURCES, coverage_matrix, uncited_clauses
from app.domain.loader import ChecklistInvalid, load_checklist_file
from app.services.content.checklists import load_checklist_files, shipped_checklist_paths, version_key

group = AppGroup("checklists", help="Validate, load and inspect checklists.")


def _paths(paths: tuple[str, ...]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    found = shipped_checklist_paths(current_app.config["CHECKLISTS_DIR"])
    if not found:
        raise click.ClickException(f"no checklist files in {current_app.config['CHECKLISTS_DIR']}")
    return found


@group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
def validate(paths: tuple[str, ...]) -> None:
    """Check checklist files (default: the shipped ones, then the jurisdiction profiles); one line
    per error, exit 1 on any. A file in a ``jurisdictions`` folder is checked as a profile."""
    failed = False
    named = [Path(p) for p in paths]
    profile_files = [p for p in named if p.parent.name == "jurisdictions"] if paths else profile_paths()
    checklist_paths = [p for p in named if p.parent.name != "jurisdictions"] if paths else _paths(())
    for path in checklist_paths:
        try:
            checklist, _ = load_checklist_file(path)
        except ChecklistInvalid as exc:
            failed = True
            for problem in exc.problems:
                echo(str(problem), err=True)
        else:
            count = sum(1 for _ in checklist.requirements([m.id for m in checklist.modules]))
            echo(f"{path}: {checklist.ref} valid: {len(checklist.sections)} sections, {count} requirements")
    if profile_files and not validate_profiles(profile_files):
        failed = True
    sys.exit(1 if failed else 0)


@group.command("load")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
def load(paths: tuple[str, ...]) -> None:
    """Validate, then store each new checklist version (default: the shipped ones)."""
    failed = False
    for outcome in load_checklist_files(_paths(paths)):
        if outcome.ok:
            echo(f"{outcome.path}: {outcome.message}")
        else:
            failed = True
            for line in outcome.message.splitlines():
                echo(line if outcome.status == "invalid" else f"{outcome.path}: {line}", err=True)
    sys.exit(1 if failed else 0)


@group.command("matrix")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def matrix(path: str | None) -> None:
    """For each source clause, the requirements that cite it; then the uncited tracked clauses.

    PATH defaults to the latest version among the shipped checklists.
    """
    try:
        if path:
            checklist, _ = load_checklist_file(Path(path))
        else:
            shipped = [load_checklist_file(p)[0] for p in _paths(())]
            checklist = max(shipped, key=lambda c: version_key(c.version))
    except ChecklistInvalid as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        sys.exit(1)
    echo(f"{checklist.ref}")
    current = None
    for row in coverage_matrix(checklist):
        if row.source != current:
            current = row.source
            echo(f"\n{row.source}: {checklist.source(row.source).title}")
        label = row.clause or "(whole document)"
        source = checklist.source(row.source)
        number = source.number(row.clause)
        heading = f" ({row.heading}{'; ' + number if number else ''})" if row.heading else ""
        ids = ", ".join(r.id for r in row.requirements) or "-- not cited --"
        echo(f"  {label}{heading}: {ids}")
    missing = uncited_clauses(checklist)
    echo("")
    for source in ACCREDITATION_SOURCES:
        gaps = [row.clause for row in missing if row.source == source]
        echo(f"Uncited {source} clauses: {', '.join(gaps) if gaps else 'none'}")
    sys.exit(1 if missing else 0)


def register(app: Flask) -> None:
    app.cli.add_command(group)
