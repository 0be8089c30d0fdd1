"""Serbian Cyrillic is derived from Serbian Latin, never written by hand: the transliteration,
and the committed Cyrillic catalogue being exactly the transliteration of the Latin one."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.domain.transliteration import cyrillic_to_latin, latin_to_cyrillic
from app.services.catalogues import NOTE_HEADER, STATUS_HEADER, TRANSLATIONS_DIR, derive_cyrillic, po_header


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("ljubav", "љубав"),
        ("njegov", "његов"),
        ("džep", "џеп"),
        ("đak", "ђак"),
        ("čačak ćup šuma žaba", "чачак ћуп шума жаба"),
        ("abcdefghijklmnoprstuvz", "абцдефгхијклмнопрстувз"),
    ],
)
def test_letters_and_digraphs_become_their_cyrillic_letters(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Ljubljana", "Љубљана"),
        ("LJUBLJANA", "ЉУБЉАНА"),
        ("Njegoš", "Његош"),
        ("NJEGOŠ", "ЊЕГОШ"),
        ("Džep", "Џеп"),
        ("DŽEP", "ЏЕП"),
        ("Đorđe", "Ђорђе"),
        ("ČLAN", "ЧЛАН"),
        ("Zapisnik o uviđaju", "Записник о увиђају"),
        ("ǈubav i ǌiva", "Љубав и њива"),  # Unicode's one-character digraphs
    ],
)
def test_capitals_and_title_case_keep_their_case(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("injekcija", "инјекција"),
        ("Konjunktura", "Конјунктура"),
        ("nadživeti", "надживети"),
        ("podžupan", "поджупан"),
        ("odžaliti", "оджалити"),
        ("vanjezički", "ванјезички"),
    ],
)
def test_where_a_prefix_meets_a_root_the_pair_stays_two_letters(latin, cyrillic):
    assert latin_to_cyrillic(latin) == cyrillic


def test_placeholders_stay_exactly_as_they_are():
    text = "%(num)s zahteva od %(total)s nije ocenjeno; %s i %d; 50 %% reči"
    assert latin_to_cyrillic(text) == "%(num)s захтева од %(total)s није оцењено; %s и %d; 50 %% речи"


def test_markup_entities_addresses_and_commands_stay_latin():
    text = (
        '<a href="/assessments/1">Pogledaj</a> &amp; &nbsp; https://enfsi.eu/documents/ '
        "ana.petrovic@mup.example.rs ('flask checklists load') sr_Latn messages.po"
    )
    assert latin_to_cyrillic(text) == (
        '<a href="/assessments/1">Погледај</a> &amp; &nbsp; https://enfsi.eu/documents/ '
        "ana.petrovic@mup.example.rs ('flask checklists load') sr_Latn messages.po"
    )


def test_codes_and_foreign_acronyms_stay_latin_with_cyrillic_endings():
    text = "SOP-a prema ISO/IEC 17020, ENFSI, CSI, DNA, PDF, N/A, GOV-01 i 3D oružje; SOPs u Word-u"
    assert latin_to_cyrillic(text) == (
        "SOP-а према ISO/IEC 17020, ENFSI, CSI, DNA, PDF, N/A, GOV-01 и 3D оружје; SOPs у Word-у"
    )


def test_serbian_acronyms_are_written_in_cyrillic():
    assert latin_to_cyrillic("MUP, ZKP i KZ BiH; SOP MUP-a") == "МУП, ЗКП и КЗ БиХ; SOP МУП-а"


@pytest.mark.parametrize(
    "word",
    [
        *("Ljubljana", "LJUBAV", "njiva", "Njegoš", "džep", "Džep", "đak", "Đorđe", "čačak", "ćup", "šuma", "žaba"),
        *("uviđaj", "vještačenje", "mjesto zločina", "lanac čuvanja dokaza", "Kriminalistička tehnika"),
    ],
)
def test_known_words_come_back_from_cyrillic_unchanged(word):
    assert cyrillic_to_latin(latin_to_cyrillic(word)) == word


def test_deriving_a_catalogue_transliterates_every_form_and_keeps_the_status(tmp_path):
    latin = tmp_path / "sr_Latn" / "LC_MESSAGES" / "messages.po"
    latin.parent.mkdir(parents=True)
    latin.write_text(
        'msgid ""\nmsgstr ""\n'
        '"Language: sr_Latn\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"X-Translation-Status: machine-draft\\n"\n'
        '"X-Translation-Note: Drafted with machine assistance.\\n"\n\n'
        'msgid "Crime scene of %(unit)s"\nmsgstr "Mesto zločina jedinice %(unit)s"\n\n'
        'msgid "%(num)s gap"\nmsgid_plural "%(num)s gaps"\n'
        'msgstr[0] "%(num)s nedostatak"\nmsgstr[1] "%(num)s nedostatka"\nmsgstr[2] "%(num)s nedostataka"\n',
        encoding="utf-8",
    )
    path, count = derive_cyrillic(tmp_path)
    assert count == 2
    header = po_header(path)
    assert header[STATUS_HEADER] == "machine-draft"
    assert header[NOTE_HEADER].startswith("Derived from Serbian Latin by transliteration")
    assert header["Language"] == "sr_Cyrl"
    with path.open("rb") as handle:
        cyrillic = {m.id: m.string for m in read_po(handle) if m.id}
    assert cyrillic["Crime scene of %(unit)s"] == "Место злочина јединице %(unit)s"
    assert cyrillic["%(num)s gap", "%(num)s gaps"] == (
        "%(num)s недостатак",
        "%(num)s недостатка",
        "%(num)s недостатака",
    )


def _catalogue(path: Path) -> dict:
    with path.open("rb") as handle:
        return {m.id: (m.string, m.fuzzy) for m in read_po(handle) if m.id}


def test_the_committed_cyrillic_catalogue_is_the_transliteration_of_the_latin_one():
    latin_path = TRANSLATIONS_DIR / "sr_Latn" / "LC_MESSAGES" / "messages.po"
    cyrillic_path = TRANSLATIONS_DIR / "sr_Cyrl" / "LC_MESSAGES" / "messages.po"
    if not latin_path.is_file():
        pytest.skip("catalogue for sr-Latn not present yet (app/translations/sr_Latn)")
    assert cyrillic_path.is_file(), "derive it: flask translations derive-cyrillic (make translations)"
    latin, cyrillic = _catalogue(latin_path), _catalogue(cyrillic_path)
    assert set(cyrillic) == set(latin), "the Cyrillic catalogue has other messages: derive it again"
    stale = []
    for msgid, (string, fuzzy) in latin.items():
        expected = (
            tuple(latin_to_cyrillic(s) for s in string)
            if isinstance(string, tuple | list)
            else latin_to_cyrillic(string)
        )
        got = cyrillic[msgid][0]
        if (tuple(got) if isinstance(got, list) else got) != expected or cyrillic[msgid][1] != fuzzy:
            stale.append(msgid if isinstance(msgid, str) else msgid[0])
    assert not stale, f"{len(stale)} messages differ from the Latin ones' transliteration (derive again): {stale[:5]}"
    assert po_header(cyrillic_path).get(STATUS_HEADER) == po_header(latin_path).get(STATUS_HEADER)


def test_a_field_in_braces_stays_as_the_stylesheet_needs_it():
    from app.domain.transliteration import latin_to_cyrillic

    assert latin_to_cyrillic("Strana {page} od {pages}") == "Страна {page} од {pages}"
