"""Bringing an assessment package from another installation into this one: bounded and honest.

1. :func:`read_package`: size, UTF-8, JSON (nesting bounded), the one character rule, then
   the schema (types, lengths, ranges, counts) built from the one set of input limits;
2. :func:`plan_import`: every check against this installation (checklist version and
   content, modules, one entry per requirement, scale values, N/A justifications, cited
   documents, actions, who may import where). Nothing is written until all pass;
3. :mod:`app.services.exchange.import_writer` writes the plan in one short transaction, a handful of
   bulk statements, so other people's autosaves wait milliseconds, not minutes.

An imported assessment is a copy: revision 1 here and never finalised here. What its package
reports (stage, revision, finalisation, who changed each response and when) is kept as its
origin and shown as history reported by the package, not as events of this installation.
Its review is never a review made here: a package signed by a trusted installation keeps it
as a reported layer, any other brings the unit's own answers only, and a signature that
does not verify refuses the package (:mod:`app.services.exchange.reported`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import select

from app.domain.checklist import Checklist, Focus
from app.domain.limits import LimitError, forbidden_in, path_text, unit_code
from app.domain.scoring import Basis, Scope
from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Unit, User
from app.services.assessment.access import Action, is_admin, may
from app.services.content.checklists import checklist_of, find_version
from app.services.exchange.import_plan import (
    ImportOutcome,
    ImportPlan,
    PackageRefused,
    ResponseRow,
    ScopeNeeded,
    package_date,
    package_datetime,
)
from app.services.exchange.import_writer import write_import
from app.services.exchange.package_schema import PACKAGE_FORMAT, PACKAGE_SCHEMA, SUPPORTED_VERSIONS
from app.services.exchange.packages import record_hash
from app.services.exchange.reported import (
    carried_review,
    carries_review,
    import_notes,
    landing_stage,
    reported_consultation,
    reported_row,
)
from app.services.exchange.trust import provenance_of

#: Room for the largest checklist (2.0.0, 282 requirements) with every note at its limit.
MAX_PACKAGE_BYTES = 7 * 1024 * 1024
#: A package is a few levels deep; anything deeper is not one (and must not exhaust the stack).
MAX_DEPTH = 12


@cache
def _validator():
    """The package schema's validator, built at the first import of a package (jsonschema is slow to load)."""
    import jsonschema

    return jsonschema.Draft202012Validator(PACKAGE_SCHEMA, format_checker=jsonschema.FormatChecker())


def _too_deep(data: Any) -> bool:
    """True when containers nest deeper than a package ever does (checked without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def read_package(raw: bytes) -> dict[str, Any]:
    """Parse and check a package's shape, or refuse it with a readable reason."""
    if len(raw) > MAX_PACKAGE_BYTES:
        raise PackageRefused(
            ngettext(
                "The file is %(size)s byte; packages are limited to %(max)s bytes.",
                "The file is %(size)s bytes; packages are limited to %(max)s bytes.",
                len(raw),
                size=format_decimal(len(raw)),
                max=format_decimal(MAX_PACKAGE_BYTES),
            )
        )
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PackageRefused(_("The file is not UTF-8 text; export the package again.")) from None
    except json.JSONDecodeError as exc:
        raise PackageRefused(
            _(
                "The file is not valid JSON (line %(line)s, column %(col)s: %(msg)s).",
                line=exc.lineno,
                col=exc.colno,
                msg=exc.msg,
            )
        ) from None
    except RecursionError:
        raise PackageRefused(_("The file nests deeper than any package does; it is not a package.")) from None
    if _too_deep(data):
        raise PackageRefused(_("The file nests deeper than any package does; it is not a package."))
    # Before anything quotes the package: a lone surrogate cannot even be shown on a page.
    found = forbidden_in(data)
    if found:
        raise PackageRefused(
            _(
                "The package holds a control character (%(char)s) at %(where)s, which nothing here may store. "
                "Nothing was imported; remove it from the original and export the package again.",
                char=found[1],
                where=path_text(found[0]) or _("its top level"),
            )
        )
    if not isinstance(data, dict) or data.get("format") != PACKAGE_FORMAT:
        raise PackageRefused(_("This is not an assessment package exported by this product."))
    if data.get("format_version") not in SUPPORTED_VERSIONS:
        raise PackageRefused(
            _(
                "Package format version %(found)s is not supported here (expected %(expected)s).",
                found=repr(data.get("format_version"))[:20],
                expected=" or ".join(str(v) for v in SUPPORTED_VERSIONS),
            )
        )
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(data))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "package"
        what = error.message if len(error.message) < 300 else error.message[:297] + "…"
        raise PackageRefused(_("The package is damaged at %(where)s: %(what)s", where=where, what=what))
    return data


def _reported_stage(meta: dict[str, Any]) -> Stage:
    if meta.get("stage"):
        return Stage(meta["stage"])
    return Stage.FINALISED if meta.get("status") == "finalised" else Stage.SELF_ASSESSMENT


def _check_version(data: dict[str, Any]) -> ChecklistVersion:
    ref = f"{data['checklist']['id']}@{data['checklist']['version']}"
    version = find_version(data["checklist"]["id"], data["checklist"]["version"])
    if version is None:
        raise PackageRefused(
            _(
                "Checklist %(ref)s is not loaded in this installation. Load that version first "
                "(flask checklists load FILE), then import again.",
                ref=ref,
            )
        )
    if version.content_hash != data["checklist"]["content_hash"]:
        raise PackageRefused(
            _(
                "Checklist %(ref)s here has different content (%(here)s) from the one the package was scored against "
                "(%(there)s). Ask the sender which file they loaded.",
                ref=ref,
                here=version.content_hash[:12],
                there=data["checklist"]["content_hash"][:12],
            )
        )
    return version


def _check_unit(data: dict[str, Any], user: User | None) -> tuple[Unit | None, str]:
    try:
        code = unit_code(data["unit"]["code"])
    except LimitError as exc:
        raise PackageRefused(_("The package is damaged at unit/code: %(what)s", what=str(exc))) from None
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if user is not None and not is_admin(user) and (unit is None or not may(user, Action.IMPORT, unit.id)):
        # The same answer whether the unit is missing or not the user's: nothing to probe.
        raise PackageRefused(
            _(
                "You may not import into unit %(code)s: it is not one of your units here. "
                "An administrator can import it.",
                code=code,
            )
        )
    return unit, code


def _score(checklist: Checklist, where: str, value, na: bool, ne: bool) -> None:
    if sum((value is not None, bool(na), bool(ne))) > 1:
        raise PackageRefused(_("%(where)s gives more than one of a score, N/A and not evidenced.", where=where))
    if value is not None and checklist.level(value) is None:
        raise PackageRefused(_("%(where)s: %(value)s is not on the checklist's scale.", where=where, value=value))


def _basis(entry: dict) -> str | None:
    """A score's basis; SOP text when the package gives none, except for a carried answer that never said."""
    if entry.get("basis"):
        return entry["basis"]
    return None if (entry.get("carried_from") or "").strip() else Basis.SOP_TEXT


def _scope(meta: dict[str, Any], chosen: str | None) -> str:
    """The chosen scope, else the package's own; never a guess (a desk review is not an on-site assessment)."""
    scope = chosen or meta.get("scope")
    if not scope:
        raise ScopeNeeded(
            _("The package does not say whether the assessment was a document review (desk) or made on site.")
        )
    if scope not in tuple(Scope):
        raise PackageRefused(_("Choose the scope: desk (a document review) or onsite."))
    return scope


def _response_rows(
    plan_checklist: Checklist, data: dict, wanted: set[str], sop_codes: set[str], keep_review: bool
) -> list[ResponseRow]:
    rows, seen = [], set()
    for index, entry in enumerate(data["responses"]):
        code = entry["requirement"]
        where = f"responses/{index} ({code})"
        if code not in wanted:
            raise PackageRefused(
                _("%(where)s: the requirement is not in this checklist with the chosen modules.", where=where)
            )
        if code in seen:
            raise PackageRefused(_("%(where)s: the package has two entries for this requirement.", where=where))
        seen.add(code)
        value, na, ne = entry.get("value"), bool(entry.get("not_applicable")), bool(entry.get("not_evidenced"))
        _score(plan_checklist, where, value, na, ne)
        if na and not (entry.get("na_justification") or "").strip():
            raise PackageRefused(_("%(where)s is marked N/A without a justification.", where=where))
        listed = entry.get("citations")
        if listed is None and entry.get("sop"):  # format 1: one SOP and section
            listed = [{"sop": entry["sop"], "section": entry.get("sop_section") or ""}]
        citations = [(c["sop"], (c.get("section") or "").strip()) for c in listed or []]
        quotes = {
            (c["sop"], (c.get("section") or "").strip()): c["quote"].strip()
            for c in listed or []
            if isinstance(c.get("quote"), str) and c["quote"].strip()
        }
        for sop, _section in citations:
            if sop not in sop_codes:
                raise PackageRefused(
                    _("%(where)s cites %(sop)s, which the package's register does not list.", where=where, sop=sop)
                )
        elements = len(plan_checklist.requirement(code).elements)
        ticks = _ticks(entry, elements, where, scored=value is not None)
        review = entry.get("review")
        if review:
            _ticks(review, elements, where + " review", scored=review.get("value") is not None)
            _score(
                plan_checklist,
                where + " review",
                review.get("value"),
                review.get("not_applicable"),
                review.get("not_evidenced"),
            )
            _score(
                plan_checklist,
                where + " agreed score",
                review.get("agreed_value"),
                review.get("agreed_not_applicable"),
                review.get("agreed_not_evidenced"),
            )
        rows.append(
            ResponseRow(
                requirement=code,
                value=value,
                not_applicable=na,
                not_evidenced=ne,
                na_justification=(entry.get("na_justification") or "").strip() if na else "",
                basis=_basis(entry) if value is not None else None,
                evidence_note=(entry.get("evidence_note") or "").strip(),
                recommendation=(entry.get("recommendation") or "").strip(),
                citations=citations,
                reported=reported_row(entry) if keep_review else None,
                carried_from=(entry.get("carried_from") or "").strip(),
                recheck=bool(entry.get("recheck")) and bool((entry.get("carried_from") or "").strip()),
                no_action_reason=(entry.get("no_action_reason") or "").strip(),
                ticks=ticks,
                level_reason=(entry.get("level_reason") or "").strip() if ticks is not None else "",
                quotes=quotes,
            )
        )
    return rows


def _ticks(layer: dict, elements: int, where: str, *, scored: bool) -> list[int] | None:
    """A layer's ticks, checked against the requirement's elements; None when not ticked or not scored."""
    ticks = layer.get("ticks")
    if ticks is None:
        return None
    if any(i >= elements for i in ticks):
        raise PackageRefused(_("%(where)s ticks elements the requirement does not list.", where=where))
    return sorted(ticks) if scored else None


def _actions(data: dict, codes: set[str]) -> list[dict[str, Any]]:
    """The package's actions; a format 1 package's per-response owners become one action each."""
    actions = [dict(a) for a in data.get("actions") or []]
    legacy: dict[tuple, list[str]] = {}
    for entry in data["responses"]:
        if entry.get("action_owner") or entry.get("action_due"):
            legacy.setdefault((entry.get("action_owner") or "", entry.get("action_due")), []).append(
                entry["requirement"]
            )
    actions += [{"title": _("Agreed action"), "owner": o, "due_on": d, "gaps": c} for (o, d), c in legacy.items()]
    closed: set[str] = set()
    for index, action in enumerate(actions):
        where = f"actions/{index}"
        unknown = [c for c in action["gaps"] if c not in codes]
        if unknown:
            raise PackageRefused(
                _(
                    "%(where)s closes requirements the package does not answer: %(ids)s.",
                    where=where,
                    ids=", ".join(unknown[:5]),
                )
            )
        gaps = list(dict.fromkeys(action["gaps"]))
        if closed & set(gaps):
            raise PackageRefused(_("%(where)s closes a gap another action closes already.", where=where))
        closed |= set(gaps)
        action["gaps"] = gaps
        action["due_on"] = package_date(action.get("due_on"), where + "/due_on")
    return actions


def plan_import(data: dict[str, Any], user: User | None, scope: str | None = None) -> ImportPlan:
    """Check a read package against this installation; what the import will write, or a refusal.

    ``scope``: desk or onsite, chosen by the person importing; by default the package's own.
    """
    provenance = provenance_of(data)  # a signature that does not verify refuses the package here
    version = _check_version(data)
    digest = record_hash(data)
    existing = db.session.scalar(select(Assessment).where(Assessment.imported_record == digest))
    if existing is not None and (user is None or may(user, Action.VIEW, existing.unit_id)):
        raise PackageRefused(
            _(
                "This package was imported already, as assessment %(id)s (%(title)s).",
                id=existing.id,
                title=existing.title,
            )
        )
    if existing is not None:
        raise PackageRefused(_("This package was imported already."))
    checklist = checklist_of(version)
    meta = data["assessment"]
    chosen_scope = _scope(meta, scope)
    unknown_modules = sorted(set(meta["modules"]) - {m.id for m in checklist.modules})
    if unknown_modules:
        raise PackageRefused(
            _(
                "The package uses modules %(modules)s that %(ref)s does not have.",
                modules=", ".join(unknown_modules),
                ref=checklist.ref,
            )
        )
    unit, code = _check_unit(data, user)
    register = {s.code for s in unit.sops} if unit is not None else set()
    new_sops = []
    for index, entry in enumerate(data.get("sops") or []):
        if entry["code"] not in register:
            entry = dict(entry, issued_on=package_date(entry.get("issued_on"), f"sops/{index}/issued_on"))
            new_sops.append(entry)
            register.add(entry["code"])
    focus = meta.get("focus") or Focus.FULL  # an older package has none: the full checklist
    wanted = {r.id for r in checklist.requirements(meta["modules"], focus)}
    responses = _response_rows(checklist, data, wanted, register, keep_review=provenance.trusted)
    package_date(meta.get("assessed_on"), "assessment/assessed_on")
    consultation = data.get("consultation") or {}
    package_date(consultation.get("held_on"), "consultation/held_on")
    reported = _reported_stage(meta)
    carried = carried_review(data)
    kept = provenance.trusted and carries_review(carried)
    origin = {
        "installation": {"id": provenance.installation_id, "name": provenance.name},
        "signature": provenance.as_origin(),
        "review": {**carried, "kept": kept},
        "exported_by": data.get("exported_by"),
        "exported_at": package_datetime(data.get("exported_at")),
        "format_version": data["format_version"],
        "record": digest,
        "reported": {
            "stage": reported.value,
            "revision": meta["revision"],
            "finalised_at": package_datetime(meta.get("finalised_at")),
            "reviewed": bool(meta.get("reviewed")),
        },
        "consultation": reported_consultation(data) if kept else None,
        "changes": {
            e["requirement"]: [package_datetime(e.get("updated_at")), e.get("updated_by")]
            for e in data["responses"]
            if e.get("updated_at") or e.get("updated_by")
        },
    }
    return ImportPlan(
        data=data,
        version=version,
        checklist=checklist,
        unit=unit,
        unit_code=code,
        new_sops=new_sops,
        responses=responses,
        actions=_actions(data, {r.requirement for r in responses}),
        stage=landing_stage(reported, bool(meta.get("reviewed")) or carried["reviewed"] > 0),
        origin=origin,
        digest=digest,
        modules=sorted(set(meta["modules"])),
        scope=chosen_scope,
        focus=focus,
        notes=import_notes(provenance, carried, bool(meta.get("reviewed"))),
    )


def import_package(raw: bytes, user: User | None = None, scope: str | None = None) -> ImportOutcome:
    """Create an imported copy from a package; ``user`` None means the command line (trusted).

    ``scope`` overrides the package's; a package without one needs it (:class:`ScopeNeeded`).
    """
    plan = plan_import(read_package(raw), user, scope)
    try:
        outcome = write_import(plan, user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return outcome
