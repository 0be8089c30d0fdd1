"""Splitting an SOP's text into numbered sections, and comparing two versions (pure domain)."""

from app.domain.sop_sections import (
    Paragraph,
    Section,
    citation_touched,
    diff_sections,
    split_sections,
)


def _numbers(paragraphs):
    return [(s.number, s.heading) for s in split_sections(paragraphs).sections]


def test_numbered_lines_are_headings_and_body_lines_join_their_section():
    result = split_sections(
        [
            Paragraph("3 Recording"),
            Paragraph("Intro line."),
            Paragraph("3.2 Recording the scene"),
            Paragraph("a"),
            Paragraph("b"),
        ]
    )
    assert [(s.number, s.heading, s.text) for s in result.sections] == [
        ("3", "Recording", "Intro line."),
        ("3.2", "Recording the scene", "a\nb"),
    ]
    assert not result.no_headings


def test_regional_article_headings_are_numbered_as_written():
    numbers = _numbers(
        [
            Paragraph("Član 5. Dokumentovanje"),
            Paragraph("tekst"),
            Paragraph("Члан 6"),
            Paragraph("текст"),
            Paragraph("Neni 7 - Qëllimi"),
            Paragraph("tekst"),
            Paragraph("Член 8"),
            Paragraph("текст"),
            Paragraph("Article 9: Scope"),
            Paragraph("text"),
        ]
    )
    assert numbers == [
        ("Član 5", "Dokumentovanje"),
        ("Члан 6", ""),
        ("Neni 7", "Qëllimi"),
        ("Член 8", ""),
        ("Article 9", "Scope"),
    ]


def test_sentences_and_list_items_that_start_with_a_number_are_not_headings():
    numbers = _numbers([Paragraph("1 Scope"), Paragraph("3 photographs are taken."), Paragraph("2. Put on gloves.")])
    assert numbers == [("1", "Scope")]


def test_styled_headings_win_over_numbered_body_lines_and_get_outline_numbers():
    numbers = _numbers(
        [
            Paragraph("Purpose", 1),
            Paragraph("1 Put on gloves"),
            Paragraph("Scope", 1),
            Paragraph("Tools", 2),
            Paragraph("4.1 Lighting", 2),
            Paragraph("Power", 2),
        ]
    )
    assert numbers == [("1", "Purpose"), ("2", "Scope"), ("2.1", "Tools"), ("4.1", "Lighting"), ("4.2", "Power")]


def test_text_before_the_first_heading_is_section_zero_only_when_there_is_some():
    assert _numbers([Paragraph("Issued by the head"), Paragraph("1 Scope"), Paragraph("x")])[0] == ("0", "")
    assert _numbers([Paragraph("1 Scope"), Paragraph("x")])[0] == ("1", "Scope")


def test_a_document_without_headings_is_one_section_and_says_so():
    result = split_sections([Paragraph("just text"), Paragraph("more text")])
    assert result.no_headings and [(s.number, s.text) for s in result.sections] == [("1", "just text\nmore text")]


def test_a_number_seen_twice_stays_citable():
    assert [n for n, _ in _numbers([Paragraph("1 Scope"), Paragraph("1 Again")])] == ["1", "1 (2)"]


def test_diff_reports_added_removed_and_changed_with_whitespace_ignored():
    before = [Section("1", "Scope", "a  b"), Section("2", "Photos", "x"), Section("3", "Packaging", "p")]
    after = [
        Section("1", "Scope", "a b\n"),
        Section("2", "Photography", "x"),
        Section("4", "Transport", "t"),
        Section("3", "Packaging", "p changed"),
    ]
    diff = diff_sections(before, after)
    assert [s.number for s in diff.added] == ["4"]
    assert diff.removed == ()
    assert [(c.number, c.heading_changed, c.text_changed) for c in diff.changed] == [
        ("2", True, False),
        ("3", False, True),
    ]
    assert diff.touched_numbers == {"2", "3"}


def test_citations_match_sections_as_people_write_them():
    touched = frozenset({"3.2", "Član 5"})
    assert citation_touched("§ 3.2.", touched)
    assert citation_touched("3", touched)  # a citation of the chapter covers its subsections
    assert citation_touched("Član 5.", touched)
    assert not citation_touched("3.21", touched)
    assert not citation_touched("", touched)


def test_an_unnumbered_title_above_numbered_headings_heads_the_preamble():
    result = split_sections(
        [
            Paragraph("Scene Manual", 1),
            Paragraph("Document code: CSI-01"),
            Paragraph("1. Scope", 2),
            Paragraph("text"),
            Paragraph("2 Method", 2),
            Paragraph("Annex A", 2),
            Paragraph("form"),
        ]
    )
    assert [(s.number, s.heading) for s in result.sections] == [
        ("0", "Scene Manual"),
        ("1", "Scope"),
        ("2", "Method"),
        ("Annex A", "Annex A"),
    ]
    assert result.title == "Scene Manual"


def test_the_shipped_fixture_sops_split_into_unique_numbered_sections():
    from pathlib import Path

    from app.services.content.sop_extraction import Bounds, extract_here

    for path in sorted((Path(__file__).parent / "data" / "sops").glob("[msw]*.md")):
        result = split_sections(extract_here(path.read_bytes(), path.name, Bounds(), deadline=float("inf")).paragraphs)
        numbers = [s.number for s in result.sections]
        assert numbers[:3] == ["0", "1", "1.1"] and not any("(" in n for n in numbers), path.name
