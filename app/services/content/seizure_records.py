"""Checking a unit's own seizure records (CSV) against the harmonised seizure record."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from app.domain.seizure_record import SeizureRecord, read_seizure_record

#: Problems listed at most; a file with more is far from the record anyway.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Problem:
    """One place where the file departs from the record: a row (None: the file or its header) and a column."""

    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "header"
        return f"{where}{', ' + self.field if self.field else ''}: {self.message}"


def seizure_record() -> SeizureRecord:
    """The record shipped with this installation's checklists."""
    return read_seizure_record(current_app.config["CHECKLISTS_DIR"])


def check_seizure_file(path: str | Path, record: SeizureRecord | None = None) -> list[Problem]:
    """Every way the CSV at ``path`` departs from the record (empty: it follows it).

    Columns are matched by name, in any order: a unit's export need not follow the record's
    order. Required columns that are missing and columns the record does not have are named
    first; then each value is checked against its column's type and code list.
    """
    from frictionless import Resource, Schema

    record = record or seizure_record()
    source = Path(path).read_bytes()
    try:
        text = source.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [Problem(None, None, "the file is not UTF-8 text; save it as CSV UTF-8")]
    header = next(csv.reader(io.StringIO(text)), [])
    names = {f.name for f in record.fields}
    problems = [Problem(None, name, "required column missing") for name in record.required if name not in header]
    problems += [Problem(None, column, "not a column of the record") for column in header if column not in names]
    if not header or len(problems) >= MAX_PROBLEMS:
        return problems or [Problem(None, None, "the file has no header row")]
    resource = Resource(
        data=text.encode("utf-8"),
        format="csv",
        encoding="utf-8",
        # Columns by name, whichever are there: missing and unknown ones are named above.
        schema=Schema.from_descriptor({**record.descriptor, "fieldsMatch": "partial"}),
    )
    report = resource.validate(limit_errors=MAX_PROBLEMS - len(problems))
    types = {f.name: f.type for f in record.fields}
    for row, field, note, kind, cell in report.flatten(["rowNumber", "fieldName", "note", "type", "cell"]):
        if kind in ("extra-label", "missing-label"):  # named above, by column
            continue
        problems.append(Problem(row, field or None, _said(kind, note or "", cell, types.get(field))))
    return problems


def _said(kind: str, note: str, cell: str | None, field_type: str | None) -> str:
    """A validation error in words a records officer follows."""
    value = f"'{cell}'"
    if kind == "type-error":
        return f"{value} is not a {field_type}" + (" (write dates as YYYY-MM-DD)" if field_type == "date" else "")
    if kind == "constraint-error":
        if '"required"' in note:
            return "empty, but the record requires it"
        if '"enum"' in note:
            return f"{value} is not one of the column's codes"
        if '"pattern"' in note or '"maxLength"' in note:
            return f"{value} does not have the form the column needs"
        if '"minimum"' in note:
            return f"{value} is below the smallest allowed value"
    if kind == "extra-cell":
        return "more values than columns"
    if kind == "missing-cell":
        return "fewer values than columns"
    if kind in ("primary-key", "unique-error"):
        return "its record id repeats an earlier row's"
    return note or kind
