"""``flask audit list``: the audit trail, one event per line; ``flask audit verify``: is the chain whole."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from app.cli.output import echo, field, json_field
from app.services.accounts.audit import find_events
from app.services.accounts.chain import verify_chain
from app.services.accounts.trail_protection import trail_warnings

group = AppGroup("audit", help="Read the audit trail and check that it is whole.")


@group.command("list")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 100_000), help="How many events.")
@click.option("--user", "email", help="Only this user's events (email).")
@click.option("--event", "name", help="Only events of this name, e.g. auth.login_failed (auth.* for a group).")
def list_events(limit: int, email: str | None, name: str | None) -> None:
    """The newest events first, tab-separated: time (UTC), event name, user, address, object, summary, changes."""
    for event in find_events(user_email=email, name=name, limit=limit).items:
        obj = f"{event.object_type}:{event.object_id}" if event.object_type else "-"
        changes = ""
        if event.before or event.after:
            changes = " " + json_field({"before": event.before, "after": event.after})
        fields = (event.name, event.user_email or "-", event.address or "-", obj, event.summary)
        echo("\t".join((f"{event.at:%Y-%m-%dT%H:%M:%SZ}", *(field(f) for f in fields))) + changes)


@group.command("verify")
def verify() -> None:
    """Walk the chain of events; exit 1 naming the first broken link."""
    check = verify_chain()
    if not check.intact:
        echo(f"The audit trail is broken: {check.broken}")
        echo(f"(checked {check.events} events before the break; the head says {check.head_seq})")
        raise SystemExit(1)
    echo(f"The audit trail is intact: {check.events} events, head {check.head_hash}")


@group.command("protection")
def protection() -> None:
    """Warn when the application's own database account could rewrite the trail (make serve runs it)."""
    warnings = trail_warnings()
    for warning in warnings:
        echo(f"WARNING: {warning}", err=True)
    if not warnings:
        echo("The application's database role can read and add audit events, not change them.")


def register(app: Flask) -> None:
    app.cli.add_command(group)
