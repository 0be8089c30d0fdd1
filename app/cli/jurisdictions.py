"""``flask jurisdictions list|validate``: the jurisdiction profiles units belong to."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli.output import echo
from app.domain.jurisdiction_names import footnotes
from app.domain.jurisdictions import ProfileInvalid, validate_profile_file
from app.services.content.jurisdictions import profiles, profiles_dir

group = AppGroup("jurisdictions", help="List and check the jurisdiction profiles.")


def profile_paths(paths: tuple[str, ...] = ()) -> list[Path]:
    """The files named, else the installation's profiles."""
    return [Path(p) for p in paths] if paths else sorted(profiles_dir().glob("*.yaml"))


def validate_profiles(paths: list[Path]) -> bool:
    """Check each profile file: a line for each valid one, one line per error (stderr); True when all are valid."""
    ok = True
    for path in paths:
        try:
            found = validate_profile_file(path)
        except ProfileInvalid as exc:
            ok = False
            for problem in exc.problems:
                echo(str(problem), err=True)
        else:
            unconfirmed = len(found.unconfirmed_laws)
            echo(
                f"{path}: jurisdiction {found.code} valid: {found.time_zone}, {found.currency}, "
                f"EU {found.eu.status}, {len(found.laws)} laws ({unconfirmed} unconfirmed)"
            )
    return ok


@group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
def validate(paths: tuple[str, ...]) -> None:
    """Check profile files (default: the installation's); one line per error, exit 1 on any."""
    sys.exit(0 if validate_profiles(profile_paths(paths)) else 1)


@group.command("list")
def list_profiles() -> None:
    """One line each: code, name as printed, zone, currency, EU status, INTERPOL access."""
    try:
        found = profiles()
    except ProfileInvalid as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        sys.exit(1)
    for code, p in found.items():
        access = (
            "direct" if p.interpol.direct_access else "not direct" if p.interpol.direct_access is False else "unknown"
        )
        part = f" (part of {p.part_of})" if p.part_of else ""
        echo(f"{code}\t{p.printed_name}{part}\t{p.time_zone}\t{p.currency}\tEU {p.eu.status}\tINTERPOL {access}")
    for note in footnotes([p.short_name for p in found.values()]):
        echo(note)


def register(app: Flask) -> None:
    app.cli.add_command(group)
