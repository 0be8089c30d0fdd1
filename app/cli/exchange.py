"""``flask import FILE``, ``flask assessments export`` and (from app.cli.installations) ``flask installations``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from app.cli import installations
from app.cli.assessments import group as assessments_group
from app.cli.output import echo
from app.domain.scoring import Scope
from app.extensions import db
from app.models import Assessment
from app.services.exchange.exports import record_export
from app.services.exchange.import_plan import ScopeNeeded
from app.services.exchange.imports import PackageRefused, import_package
from app.services.exchange.packages import build_package, package_bytes, record_hash
from app.services.exchange.signing import sign_package


@assessments_group.command("export")
@click.argument("assessment_id", type=int)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False, writable=True), help="JSON file to write."
)
def export(assessment_id: int, output: str) -> None:
    """Write an assessment as a JSON package another installation can import."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}; 'flask assessments list' shows them")
    package = sign_package(build_package(assessment))
    Path(output).write_bytes(package_bytes(package))
    record_export(assessment, f"json to {Path(output).name}")
    db.session.commit()
    echo(
        f"Wrote {output}: {len(package['responses'])} responses, record {record_hash(package)[:12]}, "
        f"signed by this installation ({package['installation']['id']})"
    )


def register(app: Flask) -> None:
    installations.register(app)  # the signing key and the trusted list belong with the exchange

    @app.cli.command("import")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option(
        "--scope",
        type=click.Choice([s.value for s in Scope]),
        help="Desk (a document review) or onsite; needed when the package does not say (default: the package's).",
    )
    def import_command(path: str, scope: str | None) -> None:
        """Import an assessment package (JSON) exported by another installation."""
        try:
            outcome = import_package(Path(path).read_bytes(), scope=scope)
        except ScopeNeeded as exc:
            raise click.ClickException(f"{exc} Say which with --scope desk or --scope onsite.") from None
        except PackageRefused as exc:
            raise click.ClickException(str(exc)) from None
        a = outcome.assessment
        echo(f"Imported assessment {a.id} of {a.unit.code}: {a.title} ({a.status}, revision {a.revision}, {a.scope})")
        if outcome.created_unit:
            echo(f"  created unit {a.unit.code}: {a.unit.name}")
        if outcome.created_sops:
            echo(f"  added to the SOP register: {', '.join(outcome.created_sops)}")
        for note in outcome.notes:
            echo(f"  {note}")
