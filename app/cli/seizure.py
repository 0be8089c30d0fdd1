"""``flask seizure-record show|check``: the harmonised seizure record, and a unit's records against it."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli.output import echo
from app.services.content.seizure_records import check_seizure_file, seizure_record

group = AppGroup("seizure-record", help="The harmonised seizure record (firearms, ammunition, explosives).")


@group.command("show")
def show() -> None:
    """List the record's columns, which are required, and each code list."""
    record = seizure_record()
    echo(f"{record.title} (version {record.version}); {len(record.fields)} columns, * required")
    for field in record.fields:
        echo(f"{field.name}{' *' if field.required else ''}\t{field.type}\t{field.title}")
        for code in field.codes:
            echo(f"    {code.value}\t{code.label}")


@group.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def check(path: str) -> None:
    """Check a CSV of seizure records (UTF-8, header row) against the record; exit 1 naming each problem."""
    problems = check_seizure_file(path)
    for problem in problems:
        echo(str(problem), err=True)
    if problems:
        echo(f"{path}: {len(problems)} problems; 'flask seizure-record show' lists the columns and codes")
        sys.exit(1)
    echo(f"{path}: follows the harmonised seizure record")


def register(app: Flask) -> None:
    app.cli.add_command(group)
