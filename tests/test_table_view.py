"""The table view: one row a requirement, for scoring many quickly (issue 17, deliverable 1).

A row saves through the same endpoint as a card, with the same version check, stage guard and
refusals; it changes only what it shows (level, what it rests on, the N/A reason, the note),
so the citations, the recommendation and the ticks stay as stored.
"""

from __future__ import annotations

import re

import pytest

from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import ChecklistVersion
from app.services.content.checklists import store_checklist
from tests.conftest import DATA, current_version, response_of, text_of


@pytest.fixture
def head(make_unit, make_user, login):
    unit = make_unit("U1")
    user = make_user("unit_head", units=[unit], name="Ana Head")
    login(user)
    return user


@pytest.fixture
def ticking(head, make_assessment, mini_version):
    checklist, text = load_checklist_file(DATA / "mini-ticks.yaml")
    store_checklist(checklist, text, "mini-ticks.yaml")
    db.session.commit()
    version = db.session.scalar(db.select(ChecklistVersion).where(ChecklistVersion.version == checklist.version))
    return make_assessment(head.units[0], version=version, modules=["firearms"])


@pytest.fixture
def tick(post):
    """Post a card with its ticks, as the card's checkboxes do."""

    def send(assessment_id, rid, ticks, **fields):
        fields.setdefault("version", current_version(assessment_id, rid))
        data = {f"{rid}-{name}": "" if value is None else str(value) for name, value in fields.items()}
        data[f"{rid}-ticks_shown"] = "1"
        data[f"{rid}-ticks"] = [str(t) for t in ticks]
        return post(f"/assessments/{assessment_id}/responses/{rid}", data, prefix=rid)

    return send


def row_save(post, assessment_id, rid, json=True, **fields):
    """Post a row of the table as the page does: its fields, the marker, the stored version unless given."""
    fields.setdefault("version", current_version(assessment_id, rid))
    data = {f"{rid}-{name}": "" if value is None else str(value) for name, value in fields.items()}
    data[f"{rid}-shown"] = "row"
    headers = {"Accept": "application/json"} if json else {}
    return post(f"/assessments/{assessment_id}/responses/{rid}", data, prefix=rid, headers=headers)


def rows(response) -> list[str]:
    return re.findall(r'class="sheet-row[^"]*" id="row-([A-Z]+-\d+)"', response.get_data(as_text=True))


def test_the_whole_checklist_as_rows_with_a_form_each(client, ticking):
    response = client.get(f"/assessments/{ticking.id}/score?view=table&whole=1")
    assert rows(response) == ["AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02"]
    html = response.get_data(as_text=True)
    assert html.count('name="AAA-01-shown" value="row"') == 1 and 'name="AAA-01-score"' in html
    section = client.get(f"/assessments/{ticking.id}/score?view=table&section=BBB")
    assert rows(section) == ["BBB-01", "BBB-02"]
    assert "Table of this section" in text_of(section)


def test_a_row_keeps_the_citations_recommendation_and_ticks_it_does_not_show(
    post, save_response, make_sop, ticking, tick
):
    sop = make_sop(ticking.unit, "SOP-07")
    fields = {"citations-0-sop_id": sop.id, "citations-0-section": "4.2", "recommendation": "Keep it."}
    assert tick(ticking.id, "AAA-01", [0, 1, 2, 3], score=3, basis="sop_text", **fields).status_code in (200, 302)
    answer = row_save(post, ticking.id, "AAA-01", score=3, basis="records", evidence_note="Seen in the log.")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    stored = response_of(ticking, "AAA-01")
    assert (stored.value, stored.basis, stored.evidence_note) == (3, "records", "Seen in the log.")
    assert stored.recommendation == "Keep it." and stored.ticks == [0, 1, 2, 3]
    assert [(c.sop_id, c.section) for c in stored.citations] == [(sop.id, "4.2")]


def test_a_row_level_against_the_ticks_is_refused_with_the_reason_asked(post, ticking, tick):
    tick(ticking.id, "AAA-01", [0, 1], score=2, basis="sop_text")
    answer = row_save(post, ticking.id, "AAA-01", score=3, basis="sop_text")
    assert answer.status_code == 422
    body = answer.get_json()
    assert body["ok"] is False and "say why you chose 3" in " ".join(m for ms in body["errors"].values() for m in ms)
    assert response_of(ticking, "AAA-01").value == 2  # nothing changed


def test_a_row_marked_na_needs_its_reason_and_keeps_it(post, ticking):
    refused = row_save(post, ticking.id, "AAA-02", score="na")
    assert refused.status_code == 422 and "na_justification" in refused.get_json()["errors"]
    saved = row_save(post, ticking.id, "AAA-02", score="na", na_justification="The unit does no such work.")
    assert saved.status_code == 200
    assert response_of(ticking, "AAA-02").na_justification == "The unit does no such work."


def test_a_row_saved_from_a_stale_page_is_a_conflict_with_theirs(post, ticking):
    before = current_version(ticking.id, "AAA-03")
    assert row_save(post, ticking.id, "AAA-03", score=1, basis="sop_text", evidence_note="First.").status_code == 200
    stale = row_save(post, ticking.id, "AAA-03", version=before, score=2, basis="sop_text", evidence_note="Second.")
    assert stale.status_code == 409
    body = stale.get_json()
    theirs = {field["field"]: field["raw"] for field in body["theirs"]}
    assert body["error"] == "conflict" and theirs["evidence_note"] == "First."
    assert response_of(ticking, "AAA-03").evidence_note == "First."


def test_a_row_without_the_csrf_token_is_refused(client, ticking):
    answer = client.post(
        f"/assessments/{ticking.id}/responses/AAA-01",
        data={"AAA-01-score": "1", "AAA-01-shown": "row", "AAA-01-version": "1"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 400 and response_of(ticking, "AAA-01").value is None


def test_a_viewer_sees_the_rows_without_forms(client, post, make_user, login, ticking):
    post("/logout")
    login(make_user("viewer", units=[ticking.unit]))
    html = client.get(f"/assessments/{ticking.id}/score?view=table&whole=1").get_data(as_text=True)
    assert 'id="row-AAA-01"' in html and 'name="AAA-01-score"' not in html
