"""What the scoring page shows: filtered requirement cards, section navigation, progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.domain.checklist import Requirement, Section
from app.domain.scoring import Summary, is_major_gap
from app.models import Response, Sop
from app.services.assessments import ScoreSheet
from app.services.formatting import datetime, percent
from app.web.assessments.forms import ResponseForm, response_form

FILTERS = {
    "all": _l("All"),
    "unassessed": _l("Not yet assessed"),
    "gaps": _l("Gaps"),
    "major": _l("Major gaps"),
}


@dataclass
class Card:
    """One requirement on the scoring page, with its form."""

    requirement: Requirement
    response: Response
    form: ResponseForm
    message: str | None = None


@dataclass
class ScoringPage:
    """The scoring page of an assessment for one section or one filter."""

    sheet: ScoreSheet
    section: Section | None
    section_id: str | None
    filter_name: str
    editable: bool
    cards: list[Card] = field(default_factory=list)

    @classmethod
    def build(
        cls, sheet: ScoreSheet, sops: list[Sop], *, section_id: str | None, filter_name: str, editable: bool
    ) -> ScoringPage:
        """Cards for a section (default: the first) or, with a filter and no section, the whole assessment."""
        filter_name = filter_name if filter_name in FILTERS else "all"
        sections = sheet.sections
        if section_id is None and filter_name == "all" and sections:
            section_id = sections[0].id
        section = next((s for s in sections if s.id == section_id), None)
        requirements = section.requirements if section else [r for s in sections for r in s.requirements]
        page = cls(sheet, section, section_id, filter_name, editable)
        for req in requirements:
            if section_id is not None and section is None:
                break
            if not page._keep(req):
                continue
            response = sheet.responses[req.id]
            form = response_form(req.id, response)
            form.set_choices(sheet.checklist, sops)
            page.cards.append(Card(req, response, form))
        return page

    def _keep(self, req: Requirement) -> bool:
        answer = self.sheet.answers.get(req.id)
        if self.filter_name == "all":
            return True
        if answer is None or not answer.assessed:
            return self.filter_name == "unassessed"
        if answer.not_applicable or self.filter_name == "unassessed":
            return False
        below_full = answer.value < self.sheet.checklist.max_value
        if self.filter_name == "gaps":
            return below_full
        return is_major_gap(req, answer.value)

    def replace_form(self, requirement_id: str, form: ResponseForm, message: str | None) -> None:
        """Show a submitted form (with its errors) in place of the stored one."""
        for card in self.cards:
            if card.requirement.id == requirement_id:
                card.form, card.message = form, message
                return
        req = self.sheet.checklist.requirement(requirement_id)
        self.cards.insert(0, Card(req, self.sheet.responses[requirement_id], form, message))

    @property
    def summary(self) -> Summary:
        """The summary of the shown section, or of the whole assessment."""
        if self.section is not None:
            return next(r.summary for r in self.sheet.result.sections if r.section.id == self.section.id)
        return self.sheet.result.overall

    def next_section(self) -> Section | None:
        """The section after the shown one, to carry on scoring."""
        sections = list(self.sheet.sections)
        if self.section is None or self.section not in sections:
            return None
        index = sections.index(self.section)
        return sections[index + 1] if index + 1 < len(sections) else None


def response_json(sheet: ScoreSheet, requirement_id: str, response: Response) -> dict:
    """What autosave gets back: the new version and the updated progress and scores."""
    req = sheet.checklist.requirement(requirement_id)
    section = next(r.summary for r in sheet.result.sections if r.section.id == req.section_id)
    overall = sheet.result.overall
    recommendation = None
    if response.value is not None and response.value < sheet.checklist.max_value:
        text = req.recommendation_for(response.value)
        recommendation = str(text) if text else None
    return {
        "ok": True,
        "id": requirement_id,
        "version": response.version,
        "saved_at": datetime(response.updated_at),
        "recommendation": recommendation,
        "section": _summary_json(section),
        "overall": _summary_json(overall),
    }


def _summary_json(summary: Summary) -> dict:
    return {
        "answered": summary.answered,
        "total": summary.total,
        "score": percent(summary.score),
        "completeness": percent(summary.completeness),
        "major_gaps": summary.major_gaps,
    }
