"""What a round holds: for each unit of the programme, the assessment that stands for it and its scores.

A unit may have more than one assessment in a round (a draft upgraded to a later checklist
version, a second attempt): the one that stands for it is its finalised assessment, else the
one furthest along, else the newest. Units of the programme without an assessment in the
round are listed too, so no report passes over them in silence.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.workflow import Stage
from app.models import Assessment, Round, Unit
from app.services.assessment.assessments import ScoreSheet, score_sheet
from app.services.programme.programmes import assessments_in_round

#: How far along each stage is, to pick the assessment that stands for a unit.
_STAGE_ORDER = {stage: place for place, stage in enumerate(Stage)}


@dataclass
class UnitInRound:
    """A unit of the programme and, where it has one, the assessment that stands for it in the round."""

    unit: Unit
    assessment: Assessment | None
    #: Every assessment of the unit in the round (the standing one included).
    all_assessments: list[Assessment]
    _sheet: ScoreSheet | None = None

    @property
    def sheet(self) -> ScoreSheet | None:
        """The standing assessment's score sheet, loaded once."""
        if self.assessment is None:
            return None
        if self._sheet is None:
            self._sheet = score_sheet(self.assessment)
        return self._sheet

    @property
    def finalised(self) -> bool:
        return self.assessment is not None and self.assessment.stage == Stage.FINALISED


def standing_assessment(assessments: list[Assessment]) -> Assessment | None:
    """The assessment that stands for a unit in a round: finalised, else furthest along, else newest."""
    if not assessments:
        return None
    return max(assessments, key=lambda a: (_STAGE_ORDER.get(Stage(a.stage), 0), a.updated_at, a.id))


def round_results(found: Round) -> list[UnitInRound]:
    """Each unit of the round's programme, by code, with its standing assessment (or none)."""
    by_unit: dict[int, list[Assessment]] = {}
    for assessment in assessments_in_round(found):
        by_unit.setdefault(assessment.unit_id, []).append(assessment)
    return [
        UnitInRound(unit, standing_assessment(by_unit.get(unit.id, [])), by_unit.get(unit.id, []))
        for unit in found.programme.units
    ]


def previous_round(found: Round) -> Round | None:
    """The round of the same programme before ``found`` (in the order they were created)."""
    rounds = found.programme.rounds
    place = next(i for i, r in enumerate(rounds) if r.id == found.id)
    return rounds[place - 1] if place > 0 else None
