"""``flask demo``: a fictional unit with a realistic, partly scored assessment."""

import click
from flask import Flask

from app.services.demo import make_demo


def register(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option(
        "--full", is_flag=True, help="Score every requirement (core and firearms), with notes: the benchmark case."
    )
    def demo(full: bool) -> None:
        """Create the fictional "Demo CSI Unit" and its assessment (once)."""
        outcome = make_demo(full=full)
        verb = "Created" if outcome.created else "Found existing"
        click.echo(f"{verb} assessment {outcome.assessment.id} of {outcome.unit.name}: {outcome.assessment.title}")
