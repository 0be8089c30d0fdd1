"""Command-line interface: ``flask init-db``, ``flask checklists ...``, ``flask demo`` and the rest."""

from flask import Flask

from app.cli.output import check_arguments


def register_commands(app: Flask) -> None:
    """Attach every command group to the app; each argument meets the character rule."""
    from app.cli import (
        assessments,
        audit,
        checklists,
        database,
        datasets,
        demo,
        exchange,
        jurisdictions,
        programmes,
        reports,
        seizure,
        sops,
        translations,
        units,
        users,
    )
    from app.cli.follow_up import follow_up as _follow_up  # noqa: F401  (joins the assessments group on import)
    from app.cli.progress import progress as _progress  # noqa: F401  (joins the report group on import)
    from app.cli.regional import regional as _regional  # noqa: F401  (joins the report group on import)
    from app.cli.summary import summary as _summary  # noqa: F401  (joins the assessments group on import)

    before = set(app.cli.commands)
    for module in (
        database,
        checklists,
        users,
        units,
        jurisdictions,
        programmes,
        demo,
        assessments,
        exchange,
        datasets,
        reports,
        audit,
        seizure,
        sops,
        translations,
    ):
        module.register(app)
    for name in set(app.cli.commands) - before:
        check_arguments(app.cli.commands[name])
