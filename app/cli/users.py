"""``flask users create`` and ``flask users bootstrap``."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cli.output import echo, field
from app.extensions import db
from app.models import ROLES, Unit, User
from app.services.accounts.audit import record
from app.services.accounts.second_factor import reset as reset_second_factor
from app.services.accounts.users import (
    UserError,
    bootstrap_admin,
    create_user,
    normalise_email,
    set_active,
    set_password,
)

group = AppGroup("users", help="Manage users.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


@group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the user may do.")
@click.option("--unit", "unit_codes", multiple=True, help="Unit code; repeat for several units.")
@click.option("--name", default="", help="Full name shown in the app and reports.")
def create(email: str, role: str, unit_codes: tuple[str, ...], name: str) -> None:
    """Create a user; the password comes from a prompt, or from the first line of stdin."""
    units = []
    for code in unit_codes:
        unit = db.session.scalar(select(Unit).where(Unit.code == code.upper()))
        if unit is None:
            raise click.ClickException(f"no unit with code {code}; create it with 'flask units create'")
        units.append(unit)
    if role in ("unit_head", "assessor", "viewer", "expert") and not units:
        echo(f"note: a {role} without a unit sees nothing until given one", err=True)
    if role == "programme_staff":
        echo("note: programme staff see nothing until assigned ('flask programmes add-member')", err=True)
    try:
        user, _temporary = create_user(email, _read_password(), role, name, units)
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(f"Created {user.email} ({user.role}){' for ' + ', '.join(u.code for u in units) if units else ''}")


def _user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no user with email {email}; 'flask users list' shows them")
    return user


@group.command("set-password")
@click.argument("email")
def set_password_command(email: str) -> None:
    """Give a user a new password (from a prompt, or the first line of stdin); their sessions end."""
    user = _user(email)
    try:
        set_password(user, _read_password())
    except UserError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    record(
        "auth.password_changed", object_type="user", object_id=user.id, summary=f"{user.email}, from the command line"
    )
    db.session.commit()
    echo(f"Password of {user.email} changed; their sessions have ended.")


@group.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Disable an account: it cannot sign in, and its sessions end."""
    user = _user(email)
    set_active(user, False)
    db.session.commit()
    echo(f"Disabled {user.email}; their sessions have ended.")


@group.command("enable")
@click.argument("email")
def enable(email: str) -> None:
    """Enable a disabled account."""
    user = _user(email)
    set_active(user, True)
    db.session.commit()
    echo(f"Enabled {user.email}.")


@group.command("sign-out")
@click.argument("email", required=False)
@click.option("--all", "everyone", is_flag=True, help="Sign out every user (after a suspected breach).")
def sign_out(email: str | None, everyone: bool) -> None:
    """End every session of one user (EMAIL), or of everyone (--all)."""
    if bool(email) == everyone:
        raise click.UsageError("give an EMAIL or --all")
    people = list(db.session.scalars(select(User))) if everyone else [_user(email)]
    for user in people:
        user.end_sessions()
        record("user.signed_out", object_type="user", object_id=user.id, summary=f"{user.email}, from the command line")
    db.session.commit()
    echo(f"Signed out {'every user' if everyone else people[0].email} ({len(people)}).")


@group.command("mfa-reset")
@click.argument("email")
def mfa_reset(email: str) -> None:
    """Remove a person's second factor (a lost phone) and end their sessions; they set it up again."""
    user = _user(email)
    had = user.has_second_factor
    reset_second_factor(user)
    db.session.commit()
    if had:
        echo(f"Second factor of {user.email} removed; their sessions have ended. They set it up at the next sign-in.")
    else:
        echo(f"{user.email} had no second factor; their sessions have ended.")


@group.command("list")
def list_users() -> None:
    """One line each: email, role, units, state, name."""
    users = db.session.scalars(select(User).options(selectinload(User.units)).order_by(User.email))
    for user in users:
        state = "disabled" if not user.active else ("temporary-password" if user.must_change_password else "active")
        units = ",".join(u.code for u in user.units) or "-"
        echo(f"{field(user.email)}\t{user.role}\t{units}\t{state}\t{field(user.name)}")


@group.command("bootstrap")
def bootstrap() -> None:
    """Create the first administrator with a random password, shown once; no-op once users exist."""
    created = bootstrap_admin()
    if created is None:
        return
    user, password = created
    echo("")
    echo("  First administrator created. Sign in at http://127.0.0.1:5000 with")
    echo(f"    email:    {user.email}")
    echo(f"    password: {password}")
    echo("  This password is shown only once: note it now. You will choose your own at the first sign-in.")
    echo("")


def register(app: Flask) -> None:
    app.cli.add_command(group)
