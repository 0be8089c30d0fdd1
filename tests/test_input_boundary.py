"""One input boundary: the body a view takes, and one character rule for every input.

Each finding of the input review is reproduced here: a JSON body slipped past the form
checks (and crashed /login before sign-in), a NUL in an address crashed PostgreSQL, a lone
surrogate in a package crashed the import, C1 controls and bidi overrides passed everywhere,
and an escape sequence stored in the trail reached an administrator's terminal raw.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from flask import request

from app.domain.limits import CONTROL, TERMINAL_UNSAFE, escape_controls, forbidden_in, path_text
from app.extensions import db
from app.models import Assessment, Sop, Unit
from app.services.accounts.audit import record
from app.services.exchange.packages import build_package
from app.web.input_boundary import accepts_json
from tests.conftest import PASSWORD, csrf_token, response_of, text_of

#: One of each kind the rule refuses: NUL, ESC, DEL, C1 (NEL, CSI), bidi override and isolate.
FORBIDDEN = ["\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u202e", "\u2066"]


@pytest.fixture
def scoring(make_unit, make_user, make_assessment, make_sop, login):
    unit = make_unit("INB")
    make_sop(unit)
    assessment = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    return assessment


@pytest.fixture
def admin(make_user, login):
    return login(make_user("admin"))


def units() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(Unit.name)))


# --- the body's type ---------------------------------------------------------------------


def test_a_json_body_to_the_sign_in_page_is_refused_as_unsupported_not_a_crash(client, make_user, app):
    user = make_user("unit_head")
    token = csrf_token(client, app)
    response = client.post("/login", json={"email": user.email, "password": PASSWORD}, headers={"X-CSRFToken": token})
    assert response.status_code == 415
    body = response.get_json()
    assert body["error"] == "unsupported_media_type"
    assert (
        "takes a form (application/x-www-form-urlencoded or multipart/form-data), not application/json"
        in body["message"]
    )
    with client.session_transaction() as session:
        assert "_user_id" not in session  # not signed in


def test_a_json_body_with_a_nul_to_a_form_endpoint_is_refused_and_nothing_saved(client, app, scoring):
    token = csrf_token(client, app)
    response = client.post(
        f"/assessments/{scoring.id}/responses/AAA-01",
        json={"AAA-01-score": "2", "AAA-01-evidence_note": "before\x00after", "AAA-01-version": "1"},
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"
    assert response_of(scoring, "AAA-01").version == 1
    assert response_of(scoring, "AAA-01").evidence_note in ("", None)


def test_a_browser_posting_plain_text_gets_a_page_saying_the_address_takes_a_form(client, admin, post):
    response = client.post("/units/", data="code=NEW&name=New", content_type="text/plain")
    assert response.status_code == 415
    assert "text/html" in response.content_type
    assert "This address takes a form (application/x-www-form-urlencoded or multipart/form-data), not text/plain" in (
        text_of(response)
    )
    assert units() == []


def test_an_empty_post_with_a_json_type_is_refused_too(client, admin, app):
    response = client.post("/units/", content_type="application/json", headers={"X-CSRFToken": csrf_token(client, app)})
    assert response.status_code == 415


def test_forms_and_uploads_still_save(client, admin, post):
    assert post("/units/", {"code": "NEW", "name": "New unit", "jurisdiction": "J"}).status_code == 302
    assert units() == ["New unit"]
    multipart = post(
        "/units/", {"code": "NEW2", "name": "Second", "jurisdiction": "J"}, content_type="multipart/form-data"
    )
    assert multipart.status_code == 302
    assert client.get("/units/", content_type="application/json").status_code == 200  # a bodiless GET


@pytest.fixture
def json_view(app):
    """A view that takes JSON, as a future API would; it answers with what it was given."""

    def echo():
        return {"ok": True, "got": request.get_json()}

    app.add_url_rule("/test-json", "test_json", accepts_json(echo), methods=["POST"])
    return "/test-json"


def test_a_view_marked_as_taking_json_takes_it_and_still_refuses_forbidden_characters(client, app, json_view, admin):
    headers = {"X-CSRFToken": csrf_token(client, app), "Accept": "application/json"}
    fine = client.post(json_view, json={"title": "Scène\tÉtape\n2"}, headers=headers)
    assert fine.status_code == 200 and fine.get_json()["got"] == {"title": "Scène\tÉtape\n2"}
    nested = client.post(json_view, json={"actions": [{"notes": ["ok", "bad\u202egnp.exe"]}]}, headers=headers)
    assert nested.status_code == 400
    assert "'actions/0/notes/1' contains a control character (U+202E)" in nested.get_json()["message"]
    key = client.post(json_view, json={"outer": {"k\x00": 1}}, headers=headers)
    assert key.status_code == 400 and "'outer/k\\x00'" in key.get_json()["message"]
    surrogate = client.post(json_view, data=b'{"t": "\\ud800"}', content_type="application/json", headers=headers)
    assert surrogate.status_code == 400 and "U+D800" in surrogate.get_json()["message"]
    broken = client.post(json_view, data=b'{"t": ', content_type="application/json", headers=headers)
    assert broken.status_code == 400


# --- the characters -----------------------------------------------------------------------


@pytest.mark.parametrize("char", FORBIDDEN)
def test_a_forbidden_character_in_a_form_field_is_refused_naming_field_and_character(client, admin, post, char):
    response = post("/units/", {"code": "NEW", "name": f"Unit{char}A", "jurisdiction": "J"})
    assert response.status_code == 400
    assert f"The field 'name' contains a control character (U+{ord(char):04X})" in text_of(response)
    assert units() == []


@pytest.mark.parametrize("char", ["\x85", "\u202e"])
def test_a_script_saving_a_c1_or_bidi_character_gets_json_saying_which_and_the_input_is_kept(
    client, scoring, save_response, char
):
    response = save_response(scoring.id, "AAA-01", json=True, score=2, basis="sop_text", evidence_note=f"ok{char}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert f"'evidence_note' contains a control character (U+{ord(char):04X})" in body["message"]
    assert response_of(scoring, "AAA-01").version == 1


def test_tab_and_line_breaks_pass_in_a_note(client, scoring, save_response):
    response = save_response(scoring.id, "AAA-01", score=2, basis="sop_text", evidence_note="a\tb\r\nc")
    assert response.status_code in (200, 302)
    assert response_of(scoring, "AAA-01").evidence_note.replace("\r\n", "\n") == "a\tb\nc"


def test_a_forbidden_character_in_a_field_name_or_query_is_refused(client, admin, post):
    assert post("/units/", {"code": "N", "name": "N", "jurisdiction": "J", "x\u202e": "1"}).status_code == 400
    query = client.get("/units/?q=a%E2%80%AEb")  # U+202E, percent-encoded
    assert query.status_code == 400 and "U+202E" in text_of(query)


@pytest.mark.parametrize(
    "url",
    [
        "/units/INB%00X",
        "/units/INB%00X/sops",
        "/assessments/1/history/AAA%0001",
        "/assessments/1/move/fin%00alise/confirm",
        "/assessments/1/export.js%00on",
        "/static/css%00/app.css",
        "/nowhere%00",
        "/units/%C2%9B31m",
        "/units/%E2%80%AEX",
    ],
)
def test_a_control_character_in_an_address_is_a_clean_refusal_on_any_database(client, scoring, url):
    # On PostgreSQL a NUL that reached a query was a server error; refused before any query now.
    for answer in (client.get(url), client.get(url, headers={"Accept": "application/json"})):
        assert answer.status_code in (400, 404), (url, answer.status_code)


def test_an_anonymous_request_with_a_nul_in_the_address_is_refused_before_sign_in(client):
    assert client.get("/units/A%00B").status_code == 400


def test_the_limit_checks_name_every_kind_of_character():
    for char in [*FORBIDDEN, "\x01", "\x08", "\x0b", "\x1f", "\x80", "\x9f", "\u202a", "\u2069", "\udfff"]:
        assert CONTROL.search(f"a{char}b"), repr(char)
    for char in ["\t", "\n", "\r", " ", "é", "Ж", "\u200f", "\u2028", "\ufffd", "😀"]:
        assert not CONTROL.search(f"a{char}b"), repr(char)
    assert forbidden_in({"a": [1, None, {"b": "x\x9b"}]}) == (("a", 2, "b"), "U+009B")
    assert path_text(forbidden_in({"a": {"k\x00": 1}})[0]) == "a/k\\x00"
    assert forbidden_in(["fine", {"ok": "\t\n"}]) is None
    assert escape_controls("a\x1b[2J\u202e\tb\n", keep="\n") == "a\\x1b[2J\\u202e\\tb\n"


# --- packages -----------------------------------------------------------------------------


def _package_with(assessment_id: int, **sop) -> bytes:
    package = build_package(db.session.get(Assessment, assessment_id))
    package["sops"][0].update(sop)
    return json.dumps(package).encode()  # ASCII, so a lone surrogate travels as \ud800


@pytest.mark.parametrize(("char", "shown"), [("\ud800", "U+D800"), ("\u202e", "U+202E"), ("\x9b", "U+009B")])
def test_a_package_with_a_lone_surrogate_or_bad_character_is_refused_naming_the_field(
    client, scoring, post, char, shown
):
    raw = _package_with(scoring.id, code=f"SOP{char}01")
    response = post("/assessments/import", {"package": (io.BytesIO(raw), "p.json")}, content_type="multipart/form-data")
    assert response.status_code < 500
    assert f"The package holds a control character ({shown}) at sops/0/code" in text_of(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 1


def test_the_import_command_refuses_a_package_with_a_bad_character(runner, scoring, tmp_path):
    path = Path(tmp_path / "p.json")
    path.write_bytes(_package_with(scoring.id, title="Scene\ud800work"))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "control character (U+D800) at sops/0/title" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Sop)) == 1


# --- the command line ---------------------------------------------------------------------


def _raw_controls(output: str) -> list[str]:
    return [c for c in TERMINAL_UNSAFE.findall(output) if c not in "\t\n"]


def test_audit_list_escapes_an_escape_sequence_stored_in_the_trail(runner, app):
    record(
        "sops.added",
        summary="SOP \x1b[2J\x1b]0;owned\x07 \x9b31m \u202egnp.exe\tcol\nline",
        after={"code": "\x1b[31mSOP", "title": "\u2066x"},
    )
    db.session.commit()
    result = runner.invoke(args=["audit", "list"])
    assert result.exit_code == 0
    assert _raw_controls(result.output) == []
    assert "SOP \\x1b[2J\\x1b]0;owned\\x07 \\x9b31m \\u202egnp.exe\\tcol\\nline" in result.output
    assert '"code": "\\u001b[31mSOP"' in result.output and '"title": "\\u2066x"' in result.output
    line = next(row for row in result.output.splitlines() if "sops.added" in row)
    assert len(line.split("\t")) == 6  # a stored tab or line break makes no column or line


def test_every_list_command_escapes_stored_text(runner, make_unit, make_user, make_assessment):
    unit = make_unit("ESC")
    make_user("unit_head", units=[unit], name="Name \x1b[31mred\u202e")
    assessment = make_assessment(unit, title="Title \x1b]0;x\x07 \x9b")
    assert assessment.id
    for args in (["users", "list"], ["assessments", "list"], ["installations", "list"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert _raw_controls(result.output) == [], args


@pytest.mark.parametrize("char", ["\x1b", "\x9b", "\u202e"])
def test_a_command_argument_with_a_forbidden_character_is_refused_and_nothing_stored(
    runner, make_unit, make_user, mini_version, char
):
    created = runner.invoke(args=["units", "create", "ARG", f"Unit{char}", "--jurisdiction", "J"])
    assert created.exit_code != 0 and f"U+{ord(char):04X}" in created.output
    unit = make_unit("OK")
    head = make_user("unit_head", units=[unit])
    started = runner.invoke(args=["assessments", "create", "OK", "--title", f"T{char}", "--by", head.email])
    assert started.exit_code != 0 and f"U+{ord(char):04X}" in started.output
    assert _raw_controls(started.output) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Assessment)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(Unit)) == 1


def test_commands_print_only_through_the_escaping_helper():
    cli = Path(__file__).parent.parent / "app" / "cli"
    direct = [
        f"{path.name}:{n}"
        for path in sorted(cli.glob("*.py"))
        if path.name != "output.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bclick\.(echo|secho)\(|\bprint\(", line)
    ]
    assert direct == []


def test_a_checklist_with_an_escaped_control_character_is_refused_at_its_line(runner, tmp_path):
    mini = (Path(__file__).parent / "data" / "mini.yaml").read_text().splitlines()
    at = next(i for i, line in enumerate(mini) if "title:" in line)
    indent = mini[at][: mini[at].index("title:")]
    mini[at] = f'{indent}title: "Scene \\e[31m work \\u202e"'  # YAML escapes: ESC, then a bidi override
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(mini))
    result = runner.invoke(args=["checklists", "validate", str(path)])
    assert result.exit_code != 0
    assert f"bad.yaml:{at + 1}:" in result.output and "a control character (U+001B)" in result.output
    assert _raw_controls(result.output) == []
