"""``flask demo``: a fictional unit, its people, and an assessment at the consultation stage;
``flask demo --region``: a fictional regional programme of six units and two rounds."""

import click
from flask import Flask

from app.cli.output import echo
from app.services.demo.demo import PEOPLE, make_demo
from app.services.demo.region import make_region_demo


def _passwords(rows) -> None:
    """The people created now and their passwords, shown this once."""
    if rows:
        echo("People (passwords are shown this once; change them after signing in):")
        for user, password, title in rows:
            echo(f"  {user.email:40} {password}  {user.name}, {title}")


def register(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option(
        "--full", is_flag=True, help="Review and agree every requirement (core and firearms): the benchmark case."
    )
    @click.option(
        "--region",
        is_flag=True,
        help="A fictional regional programme instead: six units in six fictional jurisdictions, rounds 2025 and 2026.",
    )
    def demo(full: bool, region: bool) -> None:
        """Create the fictional "Demo CSI Unit", its people and its assessment (once); --region: the programme."""
        if region:
            outcome = make_region_demo()
            for line in outcome.lines:
                echo(line)
            _passwords(outcome.passwords)
            return
        outcome = make_demo(full=full)
        verb = "Created" if outcome.created else "Found existing"
        a = outcome.assessment
        echo(f"{verb} assessment {a.id} of {outcome.unit.name}: {a.title} ({a.stage})")
        titles = {email: title for _role, email, _name, title in PEOPLE}
        _passwords([(user, password, titles.get(user.email, user.role)) for user, password in outcome.passwords])
