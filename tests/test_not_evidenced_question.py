"""A 0 whose note says the document was not seen asks whether "not evidenced" was meant: in the
autosave answer, and on the card without JavaScript; one click marks it. The save is never blocked."""

from __future__ import annotations

import pytest

from tests.conftest import response_of

QUESTION = "Did you mean not evidenced?"


@pytest.fixture
def draft(make_unit, make_user, make_assessment, login):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    return make_assessment(unit)


def test_a_zero_with_a_note_saying_not_seen_is_saved_and_asks(draft, save_response):
    body = save_response(draft.id, "AAA-01", json=True, score=0, evidence_note="Quality manual not seen.").get_json()
    assert body["ok"] and body["asks_not_evidenced"] is True
    assert response_of(draft, "AAA-01").value == 0


@pytest.mark.parametrize(
    ("score", "note"),
    [
        (0, "The SOP says nothing about photography."),
        (1, "Quality manual not seen."),
        ("ne", "Quality manual not seen."),
    ],
)
def test_other_answers_do_not_ask(draft, save_response, score, note):
    assert (
        save_response(draft.id, "AAA-01", json=True, score=score, evidence_note=note).get_json()["asks_not_evidenced"]
        is False
    )


def asks_on_the_card(client, assessment_id: int, code: str) -> bool:
    """Whether the card shows the question (in the card only when it applies; the page's script adds it after a save)."""
    html = client.get(f"/assessments/{assessment_id}/score?section=AAA").get_data(as_text=True)
    card = html.split(f'id="req-{code}"', 1)[1].split("</article>", 1)[0]
    return "data-ask-ne" in card and QUESTION in card


def test_the_card_asks_without_javascript_and_one_click_marks_it(draft, save_response, client):
    save_response(draft.id, "AAA-01", score=0, evidence_note="Nije dostavljen priručnik.")
    assert asks_on_the_card(client, draft.id, "AAA-01")
    marked = save_response(draft.id, "AAA-01", score=0, evidence_note="Nije dostavljen priručnik.", **{"as": "ne"})
    assert marked.status_code == 302
    stored = response_of(draft, "AAA-01")
    assert (stored.value, stored.not_evidenced, stored.evidence_note) == (None, True, "Nije dostavljen priručnik.")
    assert not asks_on_the_card(client, draft.id, "AAA-01")
