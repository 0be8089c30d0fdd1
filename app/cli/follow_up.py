"""``flask assessments follow-up PREVIOUS_ID --round LABEL --by EMAIL``: the next round's assessment from the last."""

from __future__ import annotations

import click

from app.cli.assessments import assessment_by_id, group, user_by_email
from app.cli.output import echo
from app.extensions import db
from app.services.content.checklists import find_version
from app.services.programme.follow_up import FollowUpRefused, start_follow_up
from app.services.programme.programmes import ProgrammeError, round_for_unit


@group.command("follow-up")
@click.argument("previous_id", type=int)
@click.option("--round", "round_label", required=True, help="The later round's label, e.g. 2026.")
@click.option("--by", "email", required=True, help="Email of the person starting it (recorded as its creator).")
@click.option("--to", "to_version", help="The checklist version of the new assessment (default: the newest loaded).")
@click.option("--title", help="Its title (default: the previous title with the round named).")
def follow_up(previous_id: int, round_label: str, email: str, to_version: str | None, title: str | None) -> None:
    """Start a unit's assessment in a later round from its finalised one, every answer carried to re-confirm.

    Prints "Started follow-up ID of UNIT in ROUND: carried over N of M answers, K to re-confirm".
    """
    previous = assessment_by_id(previous_id)
    user = user_by_email(email)
    try:
        found = round_for_unit(previous.unit, round_label)
    except ProgrammeError as exc:
        raise click.ClickException(str(exc)) from None
    version = None
    if to_version:
        checklist_id = previous.checklist_version.checklist_id
        version = find_version(checklist_id, to_version.strip())
        if version is None:
            raise click.ClickException(f"{checklist_id}@{to_version} is not loaded; 'flask checklists load' loads it")
    try:
        new, plan = start_follow_up(previous, found, user, version=version, title=title)
    except FollowUpRefused as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    echo(f"Started follow-up {new.id} of {previous.unit.code} in {found.label}: {plan.summary}")
