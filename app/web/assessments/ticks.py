"""Ticking a requirement's elements on the card: the level the ticks give, and the carried answers to tick.

The card's script (app/static/js/ticks.js) says the same as the page after every tick; these
say it on the page as served, and without JavaScript.
"""

from __future__ import annotations

from flask_babel import gettext as _

from app.domain.checklist import Checklist, Requirement, level_from_elements
from app.services.assessment.rechecks import to_tick
from app.services.labels import level_label
from app.web.assessments.views import bp


def _positions(raw) -> list[int]:
    return [int(x) for x in raw or () if str(x).isdigit()]


@bp.app_template_global("ticks_give")
def ticks_give(checklist: Checklist, requirement: Requirement, ticked) -> str:
    """ "The elements ticked give: 2 Largely addressed"; empty while nothing is ticked."""
    positions = _positions(ticked)
    if not requirement.elements or not positions:
        return ""
    level = checklist.level(level_from_elements(requirement.elements, positions))
    return _("The elements ticked give: %(level)s", level=f"{level.value} {level_label(level)}") if level else ""


bp.add_app_template_global(to_tick, "to_tick")  # the card's "Tick the elements" tag
