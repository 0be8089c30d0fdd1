"""``flask demo``: a fictional unit, its people, and an assessment at the consultation stage."""

import click
from flask import Flask

from app.cli.output import echo
from app.services.demo.demo import PEOPLE, make_demo


def register(app: Flask) -> None:
    @app.cli.command("demo")
    @click.option(
        "--full", is_flag=True, help="Review and agree every requirement (core and firearms): the benchmark case."
    )
    def demo(full: bool) -> None:
        """Create the fictional "Demo CSI Unit", its people and its assessment (once)."""
        outcome = make_demo(full=full)
        verb = "Created" if outcome.created else "Found existing"
        a = outcome.assessment
        echo(f"{verb} assessment {a.id} of {outcome.unit.name}: {a.title} ({a.stage})")
        if outcome.passwords:
            titles = {email: title for _role, email, _name, title in PEOPLE}
            echo("People (passwords are shown this once; change them after signing in):")
            for user, password in outcome.passwords:
                echo(f"  {user.email:34} {password}  {user.name}, {titles.get(user.email, user.role)}")
