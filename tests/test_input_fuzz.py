"""Generated input at the boundary: never a server error, and nothing stored that breaks the rule.

Hypothesis sends JSON bodies to every form endpoint, generated fields to the routes that
answer scripts in JSON, generated text in every address segment that takes text, and
packages with a forbidden character anywhere. After each, every text and JSON column of
every table is read back: none may hold a character the one rule forbids. The suite runs
these on SQLite and, with TEST_DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import io
import json
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, String, Text, select

from app.domain.limits import CONTROL, forbidden_in
from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment
from app.services.assessment.workflow import consultation_of
from app.services.exchange.packages import build_package
from tests.conftest import answer_the_rest, csrf_token, current_version, move_to

SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
JSON_ANSWER = {"Accept": "application/json"}

#: Each character the rule forbids, by kind, and a few it allows that look alike.
forbidden_char = st.sampled_from(
    [
        *("\x00", "\x01", "\x07", "\x08", "\x0b", "\x1b", "\x1f", "\x7f"),  # C0, DEL
        *("\x80", "\x85", "\x9b", "\x9f"),  # C1
        *("\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"),  # bidi
        *("\ud800", "\udbff", "\udc00", "\udfff"),  # lone surrogates
    ]
)
allowed_char = st.sampled_from(["\t", "\n", "\r", " ", "a", "Ж", "é", "\u200f", "\u2028", "\ufffd", "😀"])
#: Text mixing what is forbidden with what is allowed, or anything at all.
awkward = st.text(forbidden_char | allowed_char, min_size=1, max_size=20) | st.text(max_size=40)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers() | awkward,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(awkward, inner, max_size=3),
    max_leaves=12,
)


def as_received(text: str) -> str:
    """``text`` as the server reads it when sent as UTF-8: a lone surrogate arrives as U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def forbidden_stored() -> list[str]:
    """Every stored value, in any table, holding a character the rule forbids."""
    db.session.rollback()
    db.session.expire_all()
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, String | Text | JSON):
                continue
            for value in db.session.scalars(select(column).where(column.is_not(None))):
                bad = CONTROL.search(value) if isinstance(value, str) else forbidden_in(value)
                if bad:
                    found.append(f"{table.name}.{column.name}: {value!r}")
    return found


@pytest.fixture
def scene(make_unit, make_user, make_assessment, make_sop, login):
    """An assessment under review with its plan, the expert signed in: every script route is open."""
    unit = make_unit("FUZ")
    make_sop(unit)
    head = make_user("unit_head", units=[unit])
    expert = make_user("expert", units=[unit])
    assessment = make_assessment(unit)
    answer_the_rest(assessment)
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    login(expert)
    return assessment


def _post_endpoints(app, assessment_id: int) -> list[str]:
    """Every address that takes a POST, its placeholders filled with real or plausible values."""
    values = {"assessment_id": assessment_id, "code": "FUZ", "requirement_id": "AAA-01", "move_name": "finalise"}
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                args = {name: values.get(name, 1) for name in rule.arguments}
                urls.append(rule.build(args, append_unknown=False)[1])
    return sorted(urls)


@SETTINGS
@given(data=st.data(), body=json_value)
def test_a_json_body_to_any_form_endpoint_is_415_and_nothing_is_stored(client, app, scene, data, body):
    url = data.draw(st.sampled_from(_post_endpoints(app, scene.id)))
    headers = {"X-CSRFToken": csrf_token(client, app), **data.draw(st.sampled_from([JSON_ANSWER, {}]))}
    response = client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)
    assert response.status_code == 415, (url, body, response.status_code)
    assert forbidden_stored() == []


@SETTINGS
@given(
    route=st.sampled_from(["consultation", "reviews"]),
    fields=st.dictionaries(
        st.sampled_from(["minutes", "place", "participants-0-name", "participants-0-role", "comment"]),
        awkward,
        min_size=1,
        max_size=3,
    ),
)
def test_generated_fields_to_the_script_routes_never_give_a_server_error_or_store_a_bad_character(
    client, app, scene, route, fields
):
    if route == "consultation":
        record = consultation_of(scene.id)
        url, prefix = f"/assessments/{scene.id}/consultation", None
        base = {"held_on": "2026-03-02", "version": str(record.version) if record else ""}
    else:
        url, prefix = f"/assessments/{scene.id}/reviews/AAA-01", "AAA-01-rv"
        version = current_version(scene.id, "AAA-01", "review")
        base = {
            "score": "1",
            "stance": "disagree",
            "comment": "Not shown.",
            "version": "" if version is None else version,
        }
        base = {f"{prefix}-{name}": value for name, value in base.items()}
        fields = {f"{prefix}-{name}": value for name, value in fields.items()}
    token = csrf_token(client, app)
    tokens = {"csrf_token": token, **({f"{prefix}-csrf_token": token} if prefix else {})}
    # Encoded by hand: a lone surrogate goes as the bytes a careless client would send.
    body = urlencode({**tokens, **base, **fields}, errors="surrogatepass")
    response = client.post(url, data=body, content_type="application/x-www-form-urlencoded", headers=JSON_ANSWER)
    event(f"{route}: {response.status_code}")
    assert response.status_code < 500, (url, fields, response.status_code)
    if any(CONTROL.search(as_received(value)) for value in fields.values()):
        assert response.status_code == 400 and "contains a control character" in response.get_json()["message"]
    assert forbidden_stored() == []


@SETTINGS
@given(
    template=st.sampled_from(
        [
            "/units/{}",
            "/units/{}/sops",
            "/assessments/{id}/history/{}",
            "/assessments/{id}/move/{}/confirm",
            "/assessments/{id}/export.{}",
            "/assessments/{id}/responses/{}",
            "/assessments/{id}/plan/gaps/{}/leave",
            "/static/{}",
        ]
    ),
    segment=awkward.filter(lambda s: "/" not in s),
    method=st.sampled_from(["GET", "POST"]),
)
def test_generated_text_in_an_address_never_gives_a_server_error(client, app, scene, template, segment, method):
    url = template.format(quote(segment, safe="", errors="surrogatepass"), id=scene.id)
    if method == "POST":
        response = client.post(url, data={"csrf_token": csrf_token(client, app)}, headers=JSON_ANSWER)
    else:
        response = client.get(url)
    event(f"{method} {template}: {response.status_code}")
    assert response.status_code < 500, (url, response.status_code)
    if CONTROL.search(as_received(segment)):
        assert response.status_code in (400, 404), (url, response.status_code)
    assert forbidden_stored() == []


def _string_places(node, where=()):
    """Every place a string sits in a package: (path to it, whether it is a key)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*where, key), True
            yield from _string_places(value, (*where, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _string_places(value, (*where, i))
    elif isinstance(node, str):
        yield where, False


@pytest.fixture
def package(scene):
    return build_package(db.session.get(Assessment, scene.id))


@SETTINGS
@given(data=st.data(), char=forbidden_char)
def test_a_package_with_a_forbidden_character_anywhere_is_refused_naming_where(
    client, scene, post, package, data, char
):
    path, is_key = data.draw(st.sampled_from(sorted(_string_places(package), key=repr)))
    changed = json.loads(json.dumps(package))
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if is_key:
        parent[f"{last}{char}"] = parent.pop(last)
    else:
        at = data.draw(st.integers(0, len(parent[last])))
        parent[last] = parent[last][:at] + char + parent[last][at:]
    raw = json.dumps(changed).encode()  # ASCII: a lone surrogate travels as an escape
    response = post("/assessments/import", {"package": (io.BytesIO(raw), "p.json")}, content_type="multipart/form-data")
    event(f"package: {response.status_code}")
    assert response.status_code < 500, (path, char)
    assert f"The package holds a control character (U+{ord(char):04X})" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(Assessment)) == 1
    assert forbidden_stored() == []
