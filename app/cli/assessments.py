"""``flask assessments list|create|finalise|reopen|upgrade`` (and ``export``, in :mod:`app.cli.exchange`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.cli.output import echo, field
from app.domain.checklist import Focus
from app.domain.in_scope import in_scope
from app.domain.scoring import Scope
from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, Unit, User
from app.services.assessment.access import Action, may
from app.services.assessment.assessments import AssessmentError, create_assessment, default_modules, score_sheet
from app.services.assessment.upgrades import UpgradeRefused, upgrade_assessment
from app.services.assessment.workflow import MoveRefused, move
from app.services.content.checklists import checklist_of, find_version, latest_versions
from app.services.programme.programmes import ProgrammeError, place_in_round, round_for_unit

group = AppGroup("assessments", help="Create, list, finalise and reopen assessments.")


def user_by_email(email: str) -> User:
    """The active user with this email, or a click error."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active:
        raise click.ClickException(f"no active user with email {email}; 'flask users create' adds one")
    return user


def assessment_by_id(assessment_id: int) -> Assessment:
    """The assessment with this id, or a click error."""
    assessment = db.session.get(Assessment, assessment_id) if 0 < assessment_id < 2**31 else None
    if assessment is None:
        raise click.ClickException(f"no assessment {assessment_id}; 'flask assessments list' shows them")
    return assessment


@group.command("list")
def list_assessments() -> None:
    """One line each: id, unit code, checklist@version, status, title."""
    query = (
        select(Assessment)
        .options(selectinload(Assessment.unit), selectinload(Assessment.checklist_version))
        .order_by(Assessment.id)
    )
    for a in db.session.scalars(query):
        echo(f"{a.id}\t{a.unit.code}\t{field(a.checklist_version.ref)}\t{a.status}\t{field(a.title)}")


@group.command("create")
@click.argument("unit_code")
@click.option("--title", required=True, help="What the assessment is called in pages and reports.")
@click.option("--checklist", "checklist_ref", help="ID or ID@VERSION (default: the newest loaded checklist).")
@click.option(
    "--module",
    "modules",
    multiple=True,
    help="An optional module (scene type) to include, e.g. firearms, fire-explosion, vehicles, deceased, "
    "dvi-graves, cbrn-labs, digital; repeat for several (default: every module, as on the web form).",
)
@click.option("--core-only", is_flag=True, help="Leave out every optional module.")
@click.option("--scope", type=click.Choice([s.value for s in Scope]), default=Scope.DESK.value, show_default=True)
@click.option("--by", "email", required=True, help="Email of the person starting it.")
@click.option(
    "--essentials-only",
    is_flag=True,
    help="A first assessment: the essential requirements only (a unit head can widen it later).",
)
@click.option(
    "--round",
    "round_label",
    help="The round of a regional programme it belongs to (its label, e.g. 2026; the unit must be in the programme).",
)
def create(
    unit_code: str,
    title: str,
    checklist_ref: str | None,
    modules: tuple[str, ...],
    core_only: bool,
    scope: str,
    email: str,
    essentials_only: bool,
    round_label: str | None,
) -> None:
    """Start an assessment of a unit; prints "Created assessment ID ..."."""
    user = user_by_email(email)
    unit = db.session.scalar(select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None or not may(user, Action.CREATE, unit.id):
        raise click.ClickException(f"no unit {unit_code} that {user.email} may start assessments for")
    version = _version(checklist_ref)
    if core_only and modules:
        raise click.ClickException("choose either --module or --core-only")
    if not modules and not core_only:
        modules = tuple(default_modules(checklist_of(version)))
    try:
        found_round = round_for_unit(unit, round_label) if round_label is not None else None
    except ProgrammeError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        assessment = create_assessment(
            unit=unit,
            version=version,
            title=title,
            modules=modules,
            scope=scope,
            user=user,
            focus=Focus.ESSENTIALS if essentials_only else Focus.FULL,
        )
    except AssessmentError as exc:
        raise click.ClickException(str(exc)) from None
    if found_round is not None:
        place_in_round(assessment, found_round)
    db.session.commit()
    count = len(list(checklist_of(version).requirements(assessment.modules, assessment.focus)))
    echo(
        f"Created assessment {assessment.id} of {unit.code}: {assessment.title} "
        f"({version.ref}, {scope}, {count} requirements)"
    )
    if essentials_only:
        total = in_scope(checklist_of(version), assessment.modules, assessment.focus).total
        echo(f"First assessment: essential requirements only ({count} of {total})")
    if found_round is not None:
        echo(f"Round: {field(found_round.name)}")


def _version(ref: str | None):
    if not ref:
        versions = latest_versions()
        if not versions:
            raise click.ClickException("no checklist is loaded; run 'flask checklists load'")
        return versions[0]
    checklist_id, _sep, number = ref.partition("@")
    if number:
        version = find_version(checklist_id, number)
    else:
        version = next((v for v in latest_versions() if v.checklist_id == checklist_id), None)
    if version is None:
        raise click.ClickException(f"checklist {ref} is not loaded; 'flask checklists load' stores it")
    return version


def _move(assessment_id: int, email: str, chosen: Move) -> Assessment:
    assessment = assessment_by_id(assessment_id)
    user = user_by_email(email)
    try:
        move(score_sheet(assessment), chosen, user)
    except MoveRefused as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    return assessment


@group.command("finalise")
@click.argument("assessment_id", type=int)
@click.option("--by", "email", required=True, help="Email of the person finalising it.")
def finalise(assessment_id: int, email: str) -> None:
    """Lock an assessment (a self-assessment as an internal check, or an agreed one).

    A reviewed assessment that is not whole exits 1 with a line saying why, then one
    ``name: count`` line each for what blocks it.
    """
    assessment = assessment_by_id(assessment_id)
    user = user_by_email(email)
    try:
        move(score_sheet(assessment), Move.FINALISE, user)
    except MoveRefused as exc:
        if exc.readiness is None:
            raise click.ClickException(str(exc)) from None
        echo(f"Cannot finalise assessment {assessment.id}: {exc}")
        echo(f"unanswered in scope: {len(exc.readiness.unanswered)}")
        echo(f"re-check left: {len(exc.readiness.recheck)}")
        echo(f"gaps without action: {len(exc.readiness.unplanned_gaps)}")
        raise click.exceptions.Exit(1) from None
    db.session.commit()
    sheet = score_sheet(assessment)
    open_items = sheet.result.overall.unassessed
    note = f"; {open_items} requirements were unanswered" if open_items else ""
    kind = "after expert review" if assessment.reviewed else "internal check, no expert review"
    echo(f"Finalised assessment {assessment.id} revision {assessment.revision} ({kind}){note}")


@group.command("reopen")
@click.argument("assessment_id", type=int)
@click.option("--by", "email", required=True, help="Email of the person reopening it.")
def reopen(assessment_id: int, email: str) -> None:
    """Unlock a finalised assessment as a new revision; issued reports stay as they are."""
    assessment = _move(assessment_id, email, Move.REOPEN)
    echo(f"Reopened assessment {assessment.id} as revision {assessment.revision} ({assessment.stage})")


@group.command("upgrade")
@click.argument("assessment_id", type=int)
@click.option("--to", "to_version", required=True, help="The later checklist version, e.g. 2.0.0.")
@click.option("--by", "email", help="Email of the person upgrading it (recorded as its creator).")
@click.option(
    "--scope",
    type=click.Choice([s.value for s in Scope]),
    help="Desk (a document review) or onsite, for the new draft (default: the earlier assessment's).",
)
def upgrade(assessment_id: int, to_version: str, email: str | None, scope: str | None) -> None:
    """A new draft on a later checklist version carrying every answer that maps; the original stays."""
    assessment = assessment_by_id(assessment_id)
    user = user_by_email(email) if email else None
    if user is not None and not may(user, Action.CREATE, assessment.unit_id):
        raise click.ClickException(f"{user.email} may not start assessments in unit {assessment.unit.code}")
    version = find_version(assessment.checklist_version.checklist_id, to_version.strip())
    if version is None:
        raise click.ClickException(
            f"{assessment.checklist_version.checklist_id}@{to_version} is not loaded; 'flask checklists load' loads it"
        )
    try:
        new, plan = upgrade_assessment(assessment, version, user, scope=scope)
    except UpgradeRefused as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(
        f"Created assessment {new.id} on {version.checklist_id}@{version.version} from assessment {assessment.id}"
        f" ({new.scope})"
    )
    echo(plan.summary)
    if plan.to_recheck:
        echo(
            f"{len(plan.to_recheck)} to re-check, most changed first: "
            + ", ".join(c.requirement_id for c in plan.to_recheck)
        )
    for requirement_id, reason in plan.left:
        echo(f"not carried: {requirement_id} ({reason})")


def register(app: Flask) -> None:
    app.cli.add_command(group)
