"""Anonymised labels for the units of a round: the same in the regional report and the data set.

Units are labelled A, B, C ... in an order drawn from a keyed hash of the round and the unit,
so the letters follow neither the unit codes, nor the names, nor the scores, and a reader of
one round's anonymised report cannot carry a letter over to another round. The key is the
installation's secret, so the order cannot be recomputed from the public ids.
"""

from __future__ import annotations

import hashlib
import hmac
import string

from flask import current_app

from app.models import Round, Unit


def _letters(count: int) -> list[str]:
    """A, B, ... Z, then AA, AB, ... for a programme of more than 26 units."""
    letters = list(string.ascii_uppercase)
    return [letters[i] if i < 26 else letters[i // 26 - 1] + letters[i % 26] for i in range(count)]


def anonymous_labels(found: Round, units: list[Unit]) -> dict[int, str]:
    """Each unit's label in ``found``, by unit id: "A", "B", ..."""
    key = str(current_app.config["SECRET_KEY"]).encode()

    def place(unit: Unit) -> str:
        return hmac.new(key, f"round {found.id} unit {unit.id}".encode(), hashlib.sha256).hexdigest()

    ordered = sorted(units, key=place)
    return {unit.id: label for unit, label in zip(ordered, _letters(len(ordered)), strict=True)}


#: Below this many units, a figure about a group is not shown in an anonymised report or data set.
SMALLEST_GROUP = 3


def round_labels(found: Round) -> dict[int, str]:
    """The labels every anonymised output of ``found`` uses: all units of its programme, assessed or not.

    Labelling the same set everywhere keeps unit "C" of the regional report unit "C" of the data set.
    """
    return anonymous_labels(found, list(found.programme.units))
