"""Wording: how much a requirement's statement changed between versions, word by word."""

from __future__ import annotations

import pytest

from app.domain.wording import Piece, compare, similarity


def test_the_same_words_are_the_same_whatever_the_case_and_punctuation_around_them():
    assert similarity("The SOP requires seals, dated.", "the SOP requires seals dated") == 1.0


def test_similarity_is_the_share_of_words_kept_in_order():
    assert similarity("a b c d", "a b c e") == pytest.approx(0.75)
    assert similarity("", "") == 1.0 and similarity("a b", "") == 0.0


def test_removed_and_added_words_are_marked_on_their_own_side():
    found = compare(["The SOP requires seals to be signed."], "The SOP requires every seal to be signed and dated.")
    (earlier,) = found.earlier
    assert earlier == (Piece("The SOP requires", False), Piece("seals", True), Piece("to be signed.", False))
    assert found.later == (
        Piece("The SOP requires", False),
        Piece("every seal", True),
        Piece("to be signed", False),
        Piece("and dated.", True),
    )


def test_merged_wordings_each_show_which_of_their_words_the_later_one_dropped():
    found = compare(["Seals are signed.", "Seals are dated."], "Seals are signed and dated.")
    assert found.earlier == ((Piece("Seals are signed.", False),), (Piece("Seals are", True), Piece("dated.", False)))
    assert found.later == (Piece("Seals are signed", False), Piece("and", True), Piece("dated.", False))
