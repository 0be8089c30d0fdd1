"""The harmonised seizure record (FSD-01): a Frictionless table schema a unit can adopt, and a
check of a unit's own CSV export against it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from frictionless import Resource, Schema

from app.domain.seizure_record import SCHEMA_FILE, read_seizure_record
from app.services.reporting.report_data import build_report

CHECKLISTS = Path(__file__).resolve().parent.parent / "checklists"
SAMPLE = CHECKLISTS / "data" / "seizure-record.sample.csv"


def descriptor() -> dict:
    return json.loads((CHECKLISTS / SCHEMA_FILE).read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_frictionless_table_schema_and_its_sample_follows_it():
    schema = Schema.from_descriptor(descriptor())
    assert schema.primary_key == ["record_id"]
    report = Resource(data=SAMPLE.read_bytes(), format="csv", schema=schema).validate()
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])


def test_it_covers_firearms_ammunition_and_explosives_with_context_recovery_tracing_and_exchange():
    record = read_seizure_record(CHECKLISTS)
    by_name = {f.name: f for f in record.fields}
    categories = {c.value for c in by_name["item_category"].codes}
    assert {"firearm", "essential_component", "ammunition", "explosive"} <= categories
    for column in ("seizure_context", "recovery_mode", "calibre", "make", "model", "serial_status", "tracing_status"):
        assert column in by_name, column
    assert {"border_crossing", "inland_check", "cache"} <= {c.value for c in by_name["seizure_context"].codes}
    assert by_name["exchange_basis"].required and by_name["legal_basis"].required


def test_every_code_list_is_its_columns_constraint_and_every_column_says_what_it_holds():
    for field in descriptor()["fields"]:
        assert field.get("title") and field.get("description"), field["name"]
        if "categories" in field:
            values = [c["value"] for c in field["categories"]]
            assert values == field["constraints"]["enum"], field["name"]
            assert all(c["label"] for c in field["categories"])
            assert len(set(values)) == len(values)


def test_kosovo_carries_its_asterisk_and_footnote():
    text = json.dumps(descriptor(), ensure_ascii=False)
    assert "Kosovo" in text
    for field in descriptor()["fields"]:
        labels = [c["label"] for c in field.get("categories", ()) if "Kosovo" in c["label"]]
        assert all(label.endswith("*") for label in labels)
        if labels:
            assert "UNSCR 1244/1999" in field["description"]


def _write(tmp_path, rows) -> Path:
    path = tmp_path / "ours.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _sample_rows() -> list[list[str]]:
    return list(csv.reader(SAMPLE.read_text(encoding="utf-8").splitlines()))


def test_check_accepts_the_sample_with_its_columns_in_another_order(app, runner, tmp_path):
    rows = _sample_rows()
    reordered = [list(reversed(row)) for row in rows]
    result = runner.invoke(args=["seizure-record", "check", str(_write(tmp_path, reordered))])
    assert result.exit_code == 0, result.output
    assert "follows the harmonised seizure record" in result.output


def test_check_names_each_problem_by_row_and_column(app, runner, tmp_path):
    rows = _sample_rows()
    header = rows[0]
    rows[1][header.index("seizure_context")] = "house"
    rows[2][header.index("seizure_date")] = "14.03.2026"
    rows[3][header.index("record_id")] = rows[1][header.index("record_id")]
    rows[4][header.index("quantity")] = ""
    result = runner.invoke(args=["seizure-record", "check", str(_write(tmp_path, rows))])
    assert result.exit_code == 1
    assert "row 2, seizure_context: 'house' is not one of the column's codes" in result.output
    assert "row 3, seizure_date: '14.03.2026' is not a date (write dates as YYYY-MM-DD)" in result.output
    assert "row 4: its record id repeats an earlier row's" in result.output
    assert "row 5, quantity: empty, but the record requires it" in result.output
    assert "4 problems" in result.output


def test_check_names_missing_and_unknown_columns_and_refuses_what_is_not_utf8(app, runner, tmp_path):
    rows = [[c for c in row] for row in _sample_rows()]
    drop = rows[0].index("custody_reference")
    rows = [row[:drop] + row[drop + 1 :] + ["x"] for row in rows]
    rows[0][-1] = "officer_rank"
    result = runner.invoke(args=["seizure-record", "check", str(_write(tmp_path, rows))])
    assert result.exit_code == 1
    assert "header, custody_reference: required column missing" in result.output
    assert "header, officer_rank: not a column of the record" in result.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("record_id\nČ-1\n".encode("cp1250"))
    result = runner.invoke(args=["seizure-record", "check", str(latin)])
    assert result.exit_code == 1 and "not UTF-8 text" in result.output
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(args=["seizure-record", "check", str(empty)])
    assert result.exit_code == 1 and "required column missing" in result.output


def test_show_lists_columns_required_marks_and_codes(app, runner):
    result = runner.invoke(args=["seizure-record", "show"])
    assert result.exit_code == 0
    assert "record_id *\tstring\tRecord id" in result.output
    assert "    printed_3d\tPrivately made with 3D-printed parts" in result.output


def test_a_checklist_without_the_seizure_requirement_prints_no_annex(app, make_unit, make_assessment):
    assert build_report(make_assessment(make_unit())).seizure_record is None
