"""Flask-Migrate bound to the app without importing Alembic until a migration runs.

Flask-Migrate imports Alembic (and through it Mako, Pygments and every SQL dialect Alembic
knows) as soon as it is imported: about a sixth of a second of every process's start, paid by
web workers and render processes that never migrate. Here the app carries the same settings
Flask-Migrate keeps in ``app.extensions["migrate"]``, and ``flask db`` is a stand-in that hands
over to Flask-Migrate's own command group the moment it is invoked.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import click
from flask import Flask
from flask_sqlalchemy import SQLAlchemy


class MigrationSettings:
    """What Flask-Migrate's commands and ``env.py`` read from ``app.extensions["migrate"]``."""

    def __init__(self, db: SQLAlchemy, directory: str, **configure_args: Any) -> None:
        self.db = db
        self.directory = directory
        self.configure_args = {"compare_type": True, "render_as_batch": True, **configure_args}

    @property
    def metadata(self):
        return self.db.metadata

    @cached_property
    def migrate(self):
        """Flask-Migrate's own object (its ``get_config`` builds Alembic's configuration)."""
        from flask_migrate import Migrate

        return Migrate(db=self.db, directory=self.directory, **self.configure_args)


class DeferredMigrationCommands(click.Group):
    """``flask db``: listed in ``flask --help`` by its help line alone; when invoked, parsed and
    run by Flask-Migrate's group (its options, its subcommands, its ``--help``)."""

    def __init__(self) -> None:
        super().__init__("db", help="Perform database migrations.")

    @staticmethod
    def _commands() -> click.Group:
        from flask_migrate.cli import db

        return db

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[override]
        return self._commands().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx):
        return self._commands().list_commands(ctx)

    def get_command(self, ctx, cmd_name):
        return self._commands().get_command(ctx, cmd_name)


def init_migrations(app: Flask, db: SQLAlchemy, directory: str, **configure_args: Any) -> None:
    """What ``Migrate().init_app(app, db, directory=..., ...)`` does, Alembic left unimported."""
    app.extensions["migrate"] = MigrationSettings(db, directory, **configure_args)
    app.cli.add_command(DeferredMigrationCommands())
