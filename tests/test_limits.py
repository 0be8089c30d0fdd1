"""One set of input limits at every boundary: no server error for malformed input, on either database.

Hypothesis feeds generated input to the save endpoint and to the import; each answer must
be a page or message saying what is wrong (4xx) or a save (2xx/3xx), never a 500.
"""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from app.domain.limits import LimitError, check_text, unit_code
from app.extensions import db
from app.models import Assessment, Response
from app.services.exchange.packages import build_package, package_bytes
from tests.conftest import current_version, response_of, text_of

FIELDS = (
    "score",
    "basis",
    "na_justification",
    "evidence_note",
    "recommendation",
    "citations-0-sop_id",
    "citations-0-section",
)
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture
def scoring(make_unit, make_user, make_assessment, make_sop, login):
    unit = make_unit("LIM")
    make_sop(unit)
    assessment = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    return assessment


def test_a_nul_byte_in_any_form_field_is_refused_with_the_field_named(client, scoring, post):
    for field in FIELDS:
        response = post(
            f"/assessments/{scoring.id}/responses/AAA-01",
            {f"AAA-01-{field}": "before\x00after", "AAA-01-version": "1"},
            prefix="AAA-01",
        )
        assert response.status_code == 400, field
        assert f"'{field.rsplit('-', 1)[-1]}' contains a control character (U+0000)" in text_of(response)
    assert response_of(scoring, "AAA-01").version == 1  # nothing saved


def test_a_huge_id_in_an_address_is_not_found(client, scoring):
    for url in (
        "/assessments/99999999999999999999999",
        "/reports/99999999999999999999.pdf",
        "/assessments/1/plan/10000000000",
    ):
        assert client.get(url).status_code == 404, url


def test_an_oversized_version_number_is_a_conflict_not_a_crash(client, scoring, save_response):
    assert save_response(scoring.id, "AAA-01", score=2, version=10**30).status_code == 409
    assert response_of(scoring, "AAA-01").value is None


def test_xlsx_export_survives_a_control_character_stored_earlier(client, scoring):
    response = db.session.scalar(db.select(Response).where(Response.assessment_id == scoring.id))
    response.evidence_note = "bell \x07 and escape \x1b"  # as older data or another engine may hold
    db.session.commit()
    book = load_workbook(io.BytesIO(client.get(f"/assessments/{scoring.id}/export.xlsx").data))
    notes = [c.value for c in book["Responses"]["M"] if c.value and "bell" in str(c.value)]
    assert notes == ["bell \ufffd and escape \ufffd"]


@pytest.mark.parametrize("code", ["U\nA", 'U"A', "U/A", "<b>UA</b>", "", " ", "A" * 33, "ÜA"])
def test_a_unit_code_outside_the_pattern_is_refused_everywhere(runner, client, make_user, login, post, code):
    result = runner.invoke(args=["units", "create", code, "Name", "--jurisdiction", "J"])
    assert result.exit_code != 0 and "is not a unit code" in result.output
    login(make_user("admin"))
    page = post("/units/", {"code": code, "name": "Name", "jurisdiction": "J"})
    assert page.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(db.text("units"))) == 0


def test_the_cli_trims_and_upper_cases_a_unit_code_so_a_second_unit_is_not_made(runner):
    assert runner.invoke(args=["units", "create", "ua", "Unit A", "--jurisdiction", "J"]).exit_code == 0
    again = runner.invoke(args=["units", "create", "UA ", "Unit A again", "--jurisdiction", "J"])
    assert again.exit_code != 0 and "exists already" in again.output


def test_limits_name_what_is_wrong():
    with pytest.raises(LimitError, match="at most 200"):
        check_text("x" * 201, "the name", "name")
    with pytest.raises(LimitError, match="U\\+001B"):
        check_text("esc\x1b", "the note", "note")
    assert unit_code(" dem-o_1 ") == "DEM-O_1"


# Mostly the characters that break databases and spreadsheets, then anything UTF-8 can hold.
awkward = st.text(st.sampled_from("\x00\x07\x1b\x7f\n\t\r\u2028ЖŠ a1"), min_size=1, max_size=40)
text = (
    awkward
    | st.text(st.characters(codec="utf-8"), min_size=1, max_size=60)
    | st.sampled_from(["", "na", "ne", "3", "-1", "1.5", "99999999999999999999", "2026-02-30", "x" * 9000])
)


@SETTINGS
@given(fields=st.dictionaries(st.sampled_from((*FIELDS, "version")), text, min_size=1, max_size=3))
def test_generated_form_input_to_the_save_endpoint_never_gives_a_server_error(client, scoring, post, fields):
    # A form that would save, with one to three fields replaced by generated input.
    data = {
        "AAA-01-score": "2",
        "AAA-01-basis": "sop_text",
        "AAA-01-version": str(current_version(scoring.id, "AAA-01")),
    }
    data.update({f"AAA-01-{name}": value for name, value in fields.items()})
    for accept in ("application/json", "text/html"):
        response = post(
            f"/assessments/{scoring.id}/responses/AAA-01", data, prefix="AAA-01", headers={"Accept": accept}
        )
        assert response.status_code < 500, (fields, response.status_code)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(
    path=st.lists(
        st.sampled_from(
            [
                "assessment",
                "unit",
                "responses",
                0,
                "review",
                "value",
                "citations",
                "title",
                "sops",
                "actions",
                "consultation",
            ]
        ),
        min_size=1,
        max_size=4,
    ),
    value=json_values,
)
def test_generated_packages_are_refused_with_a_message_never_a_server_error(
    client, scoring, make_user, login, post, path, value
):
    package = build_package(db.session.get(Assessment, scoring.id))
    node = package
    for step in path[:-1]:
        if isinstance(node, dict) and isinstance(step, str):
            node = node.setdefault(step, {})
        elif isinstance(node, list) and isinstance(step, int) and node:
            node = node[0]
        else:
            break
    if isinstance(node, dict) and isinstance(path[-1], str):
        node[path[-1]] = value
    elif isinstance(node, list) and node:
        node[0] = value
    raw = package_bytes(package) if isinstance(package, dict) else json.dumps(package).encode()
    response = post("/assessments/import", {"package": (io.BytesIO(raw), "p.json")}, content_type="multipart/form-data")
    assert response.status_code < 500, (path, value)
    db.session.rollback()
