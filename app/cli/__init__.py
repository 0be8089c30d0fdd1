"""Command-line interface: ``flask init-db``, ``flask checklists ...``, ``flask demo`` and the rest."""

from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach every command group to the app."""
    from app.cli import assessments, audit, checklists, database, demo, exchange, reports, seizure, units, users
    from app.cli.summary import summary as _summary  # noqa: F401  (joins the assessments group on import)

    for module in (database, checklists, users, units, demo, assessments, exchange, reports, audit, seizure):
        module.register(app)
