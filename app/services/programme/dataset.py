"""A round's results as a data set: CSV tables and a Frictionless ``datapackage.json``, named or anonymised.

The programme analyses the round in its own tools and shares it with partners. Every unit of
the programme has a row (with or without an assessment in the round); the assessment that
stands for it is the one :func:`round_results` picks, and every figure is computed from its
score sheet: the counted answer is the agreed one where agreed, else the unit's own; a score
under half evidence coverage is left empty with the reason beside it.

No free text leaves the installation in either form (notes, justifications, comments, action
titles and owners, assessment titles, SOP codes and titles, people): it may name people,
places or documents, and the figures need none of it. The anonymised form keys units by their
letter in the round (the letters of the anonymised regional report) and is refused for a
round with fewer than three units with an assessment, since a letter among two is nearly a name.
The columns are in :mod:`~app.services.programme.dataset_schema`, the package's own description
in :mod:`~app.services.programme.dataset_package`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import ngettext

from app.domain.scoring import NOT_ASSESSED, Answer, Basis, State, Summary
from app.models import ChecklistVersion, Round, User
from app.services.accounts.audit import record
from app.services.assessment.assessments import ScoreSheet
from app.services.programme.anonymity import SMALLEST_GROUP, round_labels
from app.services.programme.dataset_package import package_descriptor, public_names
from app.services.programme.dataset_schema import DECIMALS, TABLES, columns_of
from app.services.programme.round_results import UnitInRound, round_results

PACKAGE_FILE = "datapackage.json"
#: Every file the data set writes; a folder holding anything else is not written into.
FILES = frozenset({PACKAGE_FILE, *(path for path, *_rest in TABLES.values())})
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class DatasetRefused(Exception):
    """The data set cannot be made or written as asked; the message says why."""


@dataclass(frozen=True)
class Dataset:
    """A round's data set: its files by name (the tables, then ``datapackage.json``)."""

    round: Round
    anonymised: bool
    files: dict[str, bytes]
    units: int  # rows of units.csv: every unit of the programme
    assessed: int  # of which with an assessment in the round
    #: The round's label as the files may carry it (None: it names a unit, see :func:`public_names`).
    label: str | None

    @property
    def tables(self) -> int:
        return len(self.files) - 1

    @property
    def form(self) -> str:
        return "anonymised" if self.anonymised else "named"

    @property
    def zip_name(self) -> str:
        label = re.sub(r"[^A-Za-z0-9_.-]+", "-", self.label or "").strip("-") or str(self.round.id)
        return f"dataset-round-{label}{'-anonymised' if self.anonymised else ''}.zip"


def build_dataset(found: Round, *, anonymise: bool = False) -> Dataset:
    """The round's data set, named or anonymised (refused anonymised for fewer than three assessed units)."""
    entries = round_results(found)
    assessed = sum(1 for e in entries if e.assessment is not None)
    if anonymise and assessed < SMALLEST_GROUP:
        raise DatasetRefused(
            ngettext(
                "Round %(label)s has %(num)s unit with an assessment; an anonymised data set needs at least "
                "%(least)s, since a letter among so few is nearly a name. Export the named form for the "
                "programme's staff instead.",
                "Round %(label)s has %(num)s units with an assessment; an anonymised data set needs at least "
                "%(least)s, since a letter among so few is nearly a name. Export the named form for the "
                "programme's staff instead.",
                assessed,
                label=found.label,
                least=SMALLEST_GROUP,
            )
        )
    units = [e.unit for e in entries]
    if anonymise:
        labels = round_labels(found)
        keyed = sorted(((labels[e.unit.id], e) for e in entries), key=lambda pair: (len(pair[0]), pair[0]))
    else:
        keyed = [(e.unit.code, e) for e in entries]  # round_results lists them by code
    versions = _versions(e for _key, e in keyed)
    top = max((e.sheet.checklist.max_value for _key, e in keyed if e.sheet is not None), default=3)
    rows: dict[str, list[dict]] = {table: [] for table in TABLES}
    for key, entry in keyed:
        rows["units"].append(_unit_row(key, entry, named=not anonymise))
        if entry.sheet is not None:
            rows["sections"] += _section_rows(key, entry.sheet)
            rows["requirements"] += _requirement_rows(key, entry.sheet)
            rows["actions"] += _action_rows(key, entry.sheet)
    files = {
        TABLES[table][0]: _csv(columns_of(table, anonymise, top), table_rows) for table, table_rows in rows.items()
    }
    programme, label = public_names(found, units) if anonymise else (found.programme.name, found.label)
    descriptor = package_descriptor(found, anonymise, versions, files, top, programme, label)
    files[PACKAGE_FILE] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return Dataset(found, anonymise, files, len(entries), assessed, label)


def write_dataset(dataset: Dataset, directory: str | Path, user: User | None = None) -> list[Path]:
    """Write the files into ``directory`` (made if missing) and audit it; refused where other files are.

    A folder holding only files this command writes (an earlier export) is written over.
    """
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise DatasetRefused(_("%(path)s is a file, not a folder.", path=str(folder)))
    if folder.is_dir():
        foreign = sorted(p.name for p in folder.iterdir() if p.name not in FILES or not p.is_file())
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise DatasetRefused(
                _(
                    "%(path)s holds files this export does not write (%(files)s): choose an empty or new "
                    "folder, so nothing of yours is mixed with the data set or written over.",
                    path=str(folder),
                    files=shown,
                )
            )
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in dataset.files.items():  # datapackage.json last: it describes the tables written
        path = folder / name
        path.write_bytes(content)
        written.append(path)
    _record(dataset, f"to folder {folder.name}", user)
    return written


def dataset_zip(dataset: Dataset, user: User | None = None) -> bytes:
    """The files as a zip (``datapackage.json`` at its root, as Frictionless tools read a zipped package), audited."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in dataset.files.items():
            archive.writestr(name, content)
    _record(dataset, "as a zip download", user)
    return out.getvalue()


def _record(dataset: Dataset, where: str, user: User | None) -> None:
    record(
        "round.dataset_exported",
        user=user,
        object_type="round",
        object_id=dataset.round.id,
        summary=(
            f"{dataset.round.name}: {dataset.form} data set, {dataset.tables} tables, "
            f"{dataset.units} units ({dataset.assessed} with an assessment), {where}"
        ),
    )


# --- rows ----------------------------------------------------------------------------------


def _versions(entries: Iterable[UnitInRound]) -> list[ChecklistVersion]:
    seen: dict[int, ChecklistVersion] = {}
    for entry in entries:
        if entry.assessment is not None:
            seen.setdefault(entry.assessment.checklist_version_id, entry.assessment.checklist_version)
    return sorted(seen.values(), key=lambda v: (v.checklist_id, v.id))


def _withheld(summary: Summary) -> str | None:
    if summary.coverage is None:
        return "nothing_applicable"
    return None if summary.sufficient else "coverage_below_half"


def _figures(summary: Summary) -> dict:
    return {
        "evidence_coverage": summary.coverage,
        "completeness": summary.completeness,
        "requirements": summary.total,
        "not_applicable": summary.not_applicable,
        "scored": summary.assessed,
        "not_evidenced": summary.not_evidenced,
        "to_verify": summary.to_verify,
        "open": summary.unassessed,
        "gaps": summary.gaps,
        "major_gaps": summary.major_gaps,
    }


def _unit_row(key: str, entry: UnitInRound, *, named: bool) -> dict:
    row: dict = {"unit": key, "has_assessment": entry.assessment is not None}
    if named:
        row |= {"unit_name": entry.unit.name, "jurisdiction": entry.unit.jurisdiction}
    if entry.assessment is None:
        return row | {"overall_withheld": "no_assessment"}
    assessment, overall = entry.assessment, entry.sheet.result.overall
    if named:
        row |= {"assessment_id": assessment.id, "assessed_on": assessment.assessed_on}
    return row | {
        "stage": assessment.stage,
        "finalised": entry.finalised,
        "reviewed": assessment.reviewed,
        "checklist": assessment.checklist_version.ref,
        "scope": assessment.scope,
        "focus": assessment.focus,
        "modules": " ".join(sorted(assessment.modules or [])),
        "overall_score": overall.shown_score,
        "overall_withheld": _withheld(overall),
        **_figures(overall),
    }


def _section_rows(key: str, sheet: ScoreSheet) -> list[dict]:
    language = sheet.checklist.language
    return [
        {
            "unit": key,
            "section": part.section.id,
            "section_title": part.section.title.in_language(language),
            "module": part.section.module,
            "score": part.summary.shown_score,
            "withheld": _withheld(part.summary),
            **_figures(part.summary),
        }
        for part in sheet.result.sections
    ]


def _layer(answer: Answer | None) -> tuple[str | None, int | None]:
    """What one layer said: (level, value), (not_applicable, None), (not_evidenced, None) or nothing."""
    if answer is None:
        return None, None
    if answer.not_applicable:
        return "not_applicable", None
    if answer.not_evidenced:
        return "not_evidenced", None
    return ("level", answer.value) if answer.value is not None else (None, None)


def _counted_from(response, counted: Answer) -> str | None:
    """Whose answer counts, by the rule of :func:`app.services.assessment.assessments.effective_answer`."""
    if response is None or not counted.given:
        return None
    review, reported = response.review, response.reported
    if review is not None:
        return "agreed" if review.agreed else "self"
    return "reported_agreed" if reported is not None and reported.agreed else "self"


def _requirement_rows(key: str, sheet: ScoreSheet) -> list[dict]:
    result = sheet.result
    gaps = {gap.requirement.id: gap for gap in result.gaps}
    rows = []
    for requirement in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus):
        response = sheet.responses.get(requirement.id)
        review = response.review if response is not None else None
        counted = sheet.answers.get(requirement.id, NOT_ASSESSED)
        state = result.states[requirement.id]
        scored = state is State.SCORED
        own = _layer(response.answer if response is not None else None)
        expert = _layer(review.expert_answer(None) if review is not None and review.reviewed else None)
        agreed = _layer(review.agreed_answer(None) if review is not None and review.agreed else None)
        rows.append(
            {
                "unit": key,
                "requirement": requirement.id,
                "section": requirement.section_id,
                "criticality": requirement.criticality,
                "consequence": requirement.consequence,
                "decided_from": requirement.decided_from,
                "state": state,
                "counted_value": counted.value if scored else None,
                "counted_from": _counted_from(response, counted),
                "basis": counted.basis if scored and counted.basis in tuple(Basis) else None,
                "gap": (requirement.id in gaps) if scored else None,
                "major_gap": (requirement.id in gaps and gaps[requirement.id].major) if scored else None,
                "self_answer": own[0],
                "self_value": own[1],
                "expert_answer": expert[0],
                "expert_value": expert[1],
                "agreed_answer": agreed[0],
                "agreed_value": agreed[1],
            }
        )
    return rows


def _action_rows(key: str, sheet: ScoreSheet) -> list[dict]:
    code_of = {response.id: code for code, response in sheet.responses.items()}
    return [
        {
            "unit": key,
            "action": number,
            "status": action.status,
            "due_on": action.due_on,
            "effort": action.effort,
            "cost": action.cost,
            "remedy": action.remedy,
            "requirements": " ".join(sorted(code_of[r.id] for r in action.gaps if r.id in code_of)),
            "carried_over": action.carried_from_id is not None,
        }
        for number, action in enumerate(sheet.actions, start=1)
    ]


# --- files ---------------------------------------------------------------------------------


def _cell(value) -> str:
    """A value as the table schema reads it: empty for none, true/false, shares rounded, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(round(value, DECIMALS))
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(columns, rows: list[dict]) -> bytes:
    """UTF-8 CSV without a byte-order mark (Frictionless and data tools read it; the BOM would join the first name)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_cell(row.get(c.name)) for c in columns])
    return out.getvalue().encode("utf-8")
