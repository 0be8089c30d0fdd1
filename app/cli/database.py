"""``flask init-db``: create or upgrade the schema (and grant an application role what it needs)."""

import click
from flask import Flask, current_app

from app.cli.output import echo
from app.services.accounts.trail_protection import ProtectionError, grant_runtime_privileges


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    @click.option(
        "--app-role",
        help="PostgreSQL: after migrating, let this role run the application, adding audit events but never "
        "changing them (run as the role that owns the tables).",
    )
    def init_db(app_role: str | None) -> None:
        """Create or upgrade the database schema to the latest migration."""
        from flask_migrate import upgrade  # Alembic, loaded only when migrating

        upgrade(directory=current_app.extensions["migrate"].directory)
        echo(f"Database ready: {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
        if app_role:
            try:
                grant_runtime_privileges(app_role)
            except ProtectionError as exc:
                raise click.ClickException(str(exc)) from None
            echo(f"Granted {app_role} what the application needs; on events only reading and adding")
