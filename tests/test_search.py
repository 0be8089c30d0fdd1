"""Finding any requirement: by id, by words in the reader's language or English, by a local term,
narrowed by criticality, part of the checklist and what decides it (issue 17, deliverable 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.domain.folding import fold, words
from app.domain.loader import load_checklist_file
from app.domain.search import search
from tests.conftest import text_of


def cards(response) -> list[str]:
    """The requirement cards a page shows, in order."""
    return re.findall(r'<article class="req[^"]*" id="req-([A-Z]+-\d+)"', response.get_data(as_text=True))


SHIPPED, _ = load_checklist_file(Path(__file__).resolve().parent.parent / "checklists" / "csi-sop-enfsi.yaml")
EVERYTHING = list(SHIPPED.requirements([m.id for m in SHIPPED.modules]))


def ids(query: str, requirements=EVERYTHING) -> list[str]:
    return [hit.requirement.id for hit in search(SHIPPED, requirements, query)]


def test_every_spelling_of_a_regional_word_folds_to_the_same_letters():
    assert fold("Uviđaj") == fold("uvidjaj") == fold("увиђај") == "uvidjaj"
    assert fold("Pečaćenje") == "pecacenje" and fold("Ѓорѓи") == "gjorgji"
    assert words("Član 5. — zapisnik/izvještaj") == ["clan", "5", "zapisnik", "izvjestaj"]


def test_an_id_finds_that_requirement_alone_in_any_case():
    assert ids("rec-05") == ["REC-05"] and ids(" CUS-01 ") == ["CUS-01"]


def test_words_find_requirements_with_every_word_and_the_title_first():
    found = ids("seal")
    assert found and all(
        "seal" in " ".join(words(f"{r.title} {r.statement} {' '.join(str(e.text) for e in r.elements)} {r.guidance}"))
        for r in map(SHIPPED.requirement, found)
    )
    first = SHIPPED.requirement(found[0])
    assert "seal" in fold(str(first.title))
    assert ids("seal xyzzy") == []  # every word must be found


def test_a_regional_name_of_a_glossary_term_finds_what_the_english_term_finds():
    latin, cyrillic = ids("uviđaj"), ids("увиђај")
    assert latin == cyrillic and latin == ids("uvidjaj")
    english = set(ids("scene examination"))
    assert set(latin) <= english | {r.id for r in EVERYTHING if "uvidjaj" in words(str(r.statement) + str(r.guidance))}
    assert latin


def test_a_word_matches_the_start_of_longer_words_from_three_letters():
    assert set(ids("photograph")) <= set(ids("photo"))
    assert ids("ph") == [] or all("ph" in words(str(r.title)) for r in map(SHIPPED.requirement, ids("ph")))


def test_nothing_typed_finds_nothing_and_odd_input_does_not_fail():
    assert ids("") == [] and ids("   ") == [] and ids("!!! ???") == []
    assert ids("\u202e\x00seal") == ids("seal")


# --- the page -----------------------------------------------------------------------------------


@pytest.fixture
def scoring(client, make_unit, make_user, make_assessment, login):
    unit = make_unit("UA")
    head = make_user("unit_head", units=[unit])
    a = make_assessment(unit, title="Ours", modules=["firearms"])
    login(head)
    return a


def test_the_search_box_finds_cards_across_sections(client, scoring):
    response = client.get(f"/assessments/{scoring.id}/score?q=seals")
    page = text_of(response)
    assert "Found for “seals”" in page and "1 requirement" in page
    assert cards(response) == ["BBB-01"]
    assert "Found in: statement" in page and "In its section" in page


def test_the_filters_narrow_without_words(client, scoring):
    response = client.get(f"/assessments/{scoring.id}/score?criticality=essential")
    assert "Requirements found" in text_of(response) and "3 requirements" in text_of(response)
    assert cards(response) == ["AAA-01", "BBB-01", "FFF-01"]
    assert cards(client.get(f"/assessments/{scoring.id}/score?module=firearms&criticality=important")) == ["FFF-02"]
    assert cards(client.get(f"/assessments/{scoring.id}/score?module=core&criticality=important")) == [
        "AAA-02",
        "BBB-02",
    ]
    assert cards(client.get(f"/assessments/{scoring.id}/score?decided=practice")) == ["BBB-02"]


def test_a_search_combines_with_a_filter_and_the_section(client, scoring):
    everywhere = cards(client.get(f"/assessments/{scoring.id}/score?q=thing&filter=unassessed"))
    assert everywhere[:1] == ["AAA-01"] and "BBB-01" in everywhere  # "Second essential thing"
    assert set(cards(client.get(f"/assessments/{scoring.id}/score?q=thing&filter=unassessed&section=AAA"))) == {
        "AAA-01",
        "AAA-02",
        "AAA-03",
    }


def test_no_match_says_what_to_try_and_keeps_the_words(client, scoring):
    response = client.get(f"/assessments/{scoring.id}/score?q=xyzzy&criticality=nonsense")
    assert response.status_code == 200
    page = text_of(response)
    assert "No requirement matches. Try fewer or shorter words" in page
    assert 'value="xyzzy"' in response.get_data(as_text=True)


def test_another_units_assessment_cannot_be_searched(client, make_unit, make_user, make_assessment, login):
    theirs = make_assessment(make_unit("UB"), title="Theirs")
    login(make_user("unit_head", units=[make_unit("UC")]))
    assert client.get(f"/assessments/{theirs.id}/score?q=seal").status_code in (403, 404)
