"""The level follows the elements met, by one rule: two assessors who tick the same elements
propose the same level."""

from __future__ import annotations

import pytest

from app.domain.checklist import Element, level_from_elements

E, N = Element("essential", True), Element("optional", False)


@pytest.mark.parametrize(
    ("elements", "met", "level"),
    [
        ((E, N, N, N), {0, 1, 2, 3}, 3),  # every element
        ((E, N, N, N), {0, 1}, 2),  # every essential and half of all
        ((E, N, N, N), {0}, 1),  # the essential alone is less than half
        ((E, N, N, N), {1, 2, 3}, 1),  # most, but an essential missing: never 2
        ((E, E, N, N, N), {0, 1, 2}, 2),
        ((E, E, N, N, N), {0, 2, 3, 4}, 1),
        ((E, N), {0}, 2),  # two elements: the essential one is half
        ((E, N), {1}, 1),
        ((E, N, N), set(), 0),  # nothing met
        ((E, E), {0, 1}, 3),
    ],
)
def test_the_level_rule(elements, met, level):
    assert level_from_elements(elements, met) == level


def test_no_elements_propose_no_level_and_positions_out_of_range_are_ignored():
    assert level_from_elements((), {0}) is None
    assert level_from_elements((E, N), {0, 7, -1}) == 2
