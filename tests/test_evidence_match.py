"""Evidence suggestions find the SOP passage that answers a requirement, in English or a regional language."""

from pathlib import Path

import pytest

from app.domain.evidence_language import ENGLISH, SOUTH_SLAVIC, detect_family, detect_language, fold, stem
from app.domain.evidence_match import EvidenceIndex, Passage, sentence_spans, suggest_all
from app.domain.evidence_query import queries_for, read_terms
from app.domain.loader import load_checklist_file

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "sops" / "evidence-dev"


@pytest.fixture(scope="module")
def checklist():
    return load_checklist_file(ROOT / "checklists" / "csi-sop-enfsi.yaml")[0]


@pytest.fixture(scope="module")
def terms():
    return read_terms(ROOT / "checklists" / "data" / "evidence-terms.yaml")


BOSNIAN = [
    Passage("UP-KR-05", "3.1", "Fotografisanje", "Mjesto događaja se fotografiše prije pomjeranja predmeta."),
    Passage(
        "UP-KR-05",
        "5.2",
        "Pakovanje tragova",
        "Tragovi se izuzimaju po planu. Svaki trag se pakuje u zasebnu papirnu vrećicu. "
        "Vrećica se zatvara sigurnosnom trakom i zapečati, a tehničar se potpisuje preko pečata.",
    ),
    Passage("UP-KR-05", "7.1", "Izvještaj", "Izvještaj potpisuje šef odsjeka i dostavlja ga tužiocu."),
    Passage("UP-KR-05", "8.4", "Obuka", "Novi tehničari prolaze obuku od tri mjeseca pod nadzorom mentora."),
]


def test_serbian_and_macedonian_cyrillic_meet_latin_spelling():
    assert fold("Увиђај") == fold("uviđaj") == "uvidjaj"
    assert fold("ЗАПИСНИК") == "zapisnik"
    assert fold("ѓубре") == "gjubre" and fold("ќе") == "kje"


def test_diacritics_are_folded_for_matching():
    assert fold("čćšžđ") == "ccszdj"
    assert fold("Përgjegjësi") == "pergjegjesi"


@pytest.mark.parametrize(
    ("forms", "family"),
    [
        (["seal", "seals", "sealed", "sealing"], ENGLISH),
        (["photograph", "photographs", "photography", "photographic"], ENGLISH),
        (["swab", "swabs", "swabbing"], ENGLISH),
        (["pečat", "pečata", "pečatom", "pečati"], SOUTH_SLAVIC),
        (["trag", "tragovi", "tragova", "tragove"], SOUTH_SLAVIC),
        (["pakovanje", "pakovanja", "pakovati"], SOUTH_SLAVIC),
    ],
)
def test_common_forms_share_a_stem(forms, family):
    assert len({stem(fold(form), family) for form in forms}) == 1


def test_short_words_keep_their_stem():
    assert stem("dnk", SOUTH_SLAVIC) == "dnk"
    assert stem("bag", ENGLISH) == "bag"


def test_the_language_of_a_passage_is_told_by_script_and_common_words():
    assert detect_language("The examiner seals each bag at the scene and signs the label.") == "en"
    assert detect_language("Tehničar pakuje svaki trag i potpisuje se na naljepnicu.") == "sh"
    assert detect_language("Техничар пакује сваки траг и потписује се, ђ.") == "sr-Cyrl"
    assert detect_language("Техничарот ќе го спакува секој доказ.") == "mk"
    assert detect_language("Ekspert i vendit të ngjarjes paketon çdo provë dhe e vulos.") == "sq"
    assert detect_family("") == ENGLISH


def test_bosnian_passage_on_sealing_bags_is_the_top_suggestion_for_tamper_evident_seals(checklist, terms):
    index = EvidenceIndex(BOSNIAN)
    queries = queries_for(checklist, terms)
    for requirement_id in ("RCV-10", "RCV-08"):
        best = index.suggest(queries[requirement_id], n=3)[0]
        assert best.passage.section == "5.2", requirement_id


def test_highlights_point_at_the_sentence_that_matched(checklist, terms):
    index = EvidenceIndex(BOSNIAN)
    best = index.suggest(queries_for(checklist, terms)["RCV-10"], n=1)[0]
    text = best.passage.text
    highlighted = [text[start:end] for start, end in best.highlights]
    assert highlighted, "no sentence highlighted"
    assert any("zapečati" in sentence for sentence in highlighted)
    assert all(sentence in [text[s:e] for s, e in sentence_spans(text)] for sentence in highlighted)
    assert not any(sentence.startswith("Tragovi se izuzimaju") for sentence in highlighted)


def test_english_passage_is_found_for_an_english_sop(checklist, terms):
    passages = [
        Passage("EN-1", "2.1", "Notes", "Examiners write notes at the time in a bound notebook with numbered pages."),
        Passage("EN-1", "4.3", "Packaging", "Each item is packed in its own bag and closed with tamper-evident tape."),
    ]
    best = EvidenceIndex(passages).suggest(queries_for(checklist, terms)["RCV-10"], n=2)[0]
    assert best.passage.section == "4.3"
    assert best.highlights == ((0, len(passages[1].text)),)


def test_suggestions_are_the_same_every_time(checklist, terms):
    text = (DEV / "bs-dev.md").read_text(encoding="utf-8")
    passages = [Passage("BS", str(i), "", chunk) for i, chunk in enumerate(text.split("\n## "))]
    first = suggest_all(EvidenceIndex(passages), checklist, terms)
    second = suggest_all(EvidenceIndex(list(passages)), checklist, terms)
    assert first == second
    assert len(first) == sum(1 for _ in checklist.requirements([m.id for m in checklist.modules]))


def test_an_empty_sop_gives_no_suggestions_and_no_error(checklist, terms):
    suggestions = suggest_all(EvidenceIndex([]), checklist, terms)
    assert suggestions and all(found == [] for found in suggestions.values())


def test_a_passage_with_nothing_to_match_is_not_suggested(checklist, terms):
    index = EvidenceIndex([Passage("X", "1", "", "..."), Passage("X", "2", "Annex", "12 34 56")])
    assert index.suggest(queries_for(checklist, terms)["RCV-10"]) == []


def test_the_term_list_names_where_each_entry_comes_from():
    import yaml

    rows = yaml.safe_load((ROOT / "checklists" / "data" / "evidence-terms.yaml").read_text(encoding="utf-8"))["terms"]
    assert rows and all(row["from"] in ("glossary", "general") and row["en"] for row in rows)


def test_serbian_cyrillic_passage_on_sealing_is_found_through_transliteration(checklist, terms):
    passages = [
        Passage("SR", "1", "Фотографисање", "Место догађаја се фотографише пре него што се било шта помери."),
        Passage("SR", "2", "Паковање трагова", "Кеса се затвара сигурносном траком и печати, техничар се потписује."),
        Passage("SR", "3", "Обука", "Нови техничари пролазе обуку под надзором ментора."),
    ]
    best = EvidenceIndex(passages).suggest(queries_for(checklist, terms)["RCV-10"], n=1)[0]
    assert best.passage.section == "2"
