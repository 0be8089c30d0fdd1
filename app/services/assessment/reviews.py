"""What the expert's review found: findings by class, and the requirements behind them."""

from __future__ import annotations

from app.domain.checklist import Requirement
from app.models import FINDINGS, Response
from app.services.assessment.assessments import ScoreSheet


def findings(sheet: ScoreSheet) -> dict[str, list[tuple[Requirement, Response]]]:
    """Requirements by finding class (major, minor, observation, good practice), in checklist order."""
    found: dict[str, list[tuple[Requirement, Response]]] = {key: [] for key in FINDINGS}
    for req in sheet.checklist.requirements(sheet.assessment.modules, sheet.assessment.focus):
        response = sheet.responses[req.id]
        if response.review is not None and response.review.finding:
            found[response.review.finding].append((req, response))
    return found


def finding_counts(sheet: ScoreSheet) -> list[tuple[str, int]]:
    """(finding, count) for each class with at least one finding."""
    return [(key, len(items)) for key, items in findings(sheet).items() if items]
