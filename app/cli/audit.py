"""``flask audit list``: the audit trail, one event per line."""

from __future__ import annotations

import json

import click
from flask import Flask
from flask.cli import AppGroup

from app.services.audit import find_events

group = AppGroup("audit", help="Read the audit trail.")


@group.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000), help="How many events.")
@click.option("--user", "email", help="Only this user's events (email).")
@click.option("--event", "name", help="Only events of this name, e.g. auth.login_failed (auth.* for a group).")
def list_events(limit: int, email: str | None, name: str | None) -> None:
    """The newest events first: time, event name, user, address, object, summary, changes."""
    for event in find_events(user_email=email, name=name, limit=limit).items:
        obj = f"{event.object_type}:{event.object_id}" if event.object_type else "-"
        changes = ""
        if event.before or event.after:
            changes = " " + json.dumps(
                {"before": event.before, "after": event.after}, ensure_ascii=False, sort_keys=True
            )
        click.echo(
            f"{event.at:%Y-%m-%dT%H:%M:%S}\t{event.name}\t{event.user_email or '-'}\t{event.address or '-'}"
            f"\t{obj}\t{event.summary}{changes}"
        )


def register(app: Flask) -> None:
    app.cli.add_command(group)
