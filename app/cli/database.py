"""``flask init-db``: create or upgrade the schema."""

import click
from flask import Flask, current_app
from flask_migrate import upgrade


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db() -> None:
        """Create or upgrade the database schema to the latest migration."""
        upgrade(directory=current_app.extensions["migrate"].directory)
        click.echo(f"Database ready: {current_app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
