"""What the cards page shows: filtered requirement cards with the layers the stage and the
user's role open, section navigation and progress."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import request, url_for
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.domain.checklist import Checklist, Requirement, Section
from app.domain.scoring import State, Summary, is_major_gap
from app.domain.search import search
from app.domain.text import active_language
from app.models import PlannedAction, Response, Review, Sop, User
from app.services.assessment.access import Action, may_in
from app.services.assessment.assessments import ScoreSheet
from app.services.assessment.rechecks import CarriedAnswers, carried_answers, to_tick
from app.services.content.sops import unit_documents
from app.services.formatting import datetime, percent, withheld_reason
from app.services.labels import CRITICALITY, module_title
from app.services.programme.since_last_round import SinceLastRound, since_last_round
from app.web.assessments.evidence_box import SuggestedPassage, suggested_evidence
from app.web.assessments.forms import (
    ReplyForm,
    ResponseForm,
    ReviewForm,
    document_choices,
    reply_form,
    response_form,
    review_form,
)

#: Cards a page shows when a filter or a search lists requirements across the whole assessment,
#: as few as a section's page holds (so it stays as light). Such a list shrinks as people work
#: through it: its pages follow on from the last card shown (:func:`list_window`), never skipping one.
CARDS_PER_PAGE = 6
#: Cards a page of a section shows at most: a longer section comes in pages of even size. Six
#: cards with every layer a role may fill keep a section's page under 60 KB of HTML (README,
#: "A light cards page"); a section's cards stay where they are, so its pages do not shift.
SECTION_CARDS = 6


def paged(count: int) -> tuple[int, int]:
    """How many pages a section of ``count`` cards takes, and how many each holds (the last maybe fewer)."""
    pages = max(1, -(-count // SECTION_CARDS))
    return pages, max(1, -(-count // pages))


@dataclass(frozen=True)
class Pager:
    """The pager under the cards: the page's number among ``count``, and the arguments of the
    addresses of the page before and after (None when there is none)."""

    number: int
    count: int
    previous: dict | None = None
    next: dict | None = None


def list_window(
    order: list[str], kept: list[str], size: int, *, after: str | None = None, before: str | None = None, page: int = 1
) -> tuple[int, int]:
    """Which of a list's cards a page shows, as ``kept[start:end]``.

    ``kept`` are the ids the list holds now, in ``order`` (every id the list could hold, whatever
    its state). ``after``: the page after that card; ``before``: the page before it. Either
    may have left the list since (scored, answered): its place in ``order`` still marks where
    the next page begins, so a card that came after it is not skipped. Else page ``page``.
    """
    place = {rid: i for i, rid in enumerate(order)}
    if after in place:
        start = sum(1 for rid in kept if place[rid] <= place[after])
        if start >= len(kept):  # nothing after it (any longer): the last page
            start = max(0, len(kept) - size)
        return start, min(start + size, len(kept))
    if before in place:
        end = sum(1 for rid in kept if place[rid] < place[before])
        if end == 0:  # nothing before it (any longer): the first page
            return 0, min(size, len(kept))
        return max(0, end - size), end
    last_start = max(0, len(kept) - 1) // size * size
    start = min(max(page - 1, 0) * size, last_start)
    return start, min(start + size, len(kept))


def list_pager(kept: list[str], start: int, end: int, size: int) -> Pager:
    """The pager of a list's page showing ``kept[start:end]``: pages before and after counted in ``size``."""
    number = -(-start // size) + 1
    return Pager(
        number=number,
        count=number + -(-(len(kept) - end) // size),
        previous={"before": kept[start]} if start > 0 else None,
        next={"after": kept[end - 1]} if end < len(kept) else None,
    )


def section_pager(number: int, count: int) -> Pager:
    """The pager of a section's page ``number`` of ``count`` (its first page's address has no number)."""
    return Pager(
        number=number,
        count=count,
        previous=({"page": number - 1 if number > 2 else None}) if number > 1 else None,
        next={"page": number + 1} if number < count else None,
    )


def card_place(sheet: ScoreSheet, requirement_id: str) -> dict[str, str | int]:
    """Where a requirement's card is: its section and, past the first, the page of the section."""
    for section in sheet.sections:
        ids = [req.id for req in section.requirements]
        if requirement_id in ids:
            size = paged(len(ids))[1]
            number = ids.index(requirement_id) // size + 1
            return {"section": section.id, "page": number} if number > 1 else {"section": section.id}
    return {}


def card_url(sheet: ScoreSheet, requirement_id: str, anchor: bool = True) -> str:
    """The address of a requirement's card in its section (with ``anchor``, scrolled to the card)."""
    return url_for(
        "assessments.score",
        assessment_id=sheet.assessment.id,
        **card_place(sheet, requirement_id),
        _anchor=f"req-{requirement_id}" if anchor else None,
    )


FILTERS = {
    "all": _l("All"),
    "unassessed": _l("Not yet assessed"),
    "gaps": _l("Gaps"),
    "major": _l("Major gaps"),
    "not_evidenced": _l("Not evidenced"),
    "to_verify": _l("To verify on site"),
    "disagreements": _l("Disagreements"),
    "queries": _l("Open queries"),
    "recheck": _l("To re-check"),
    "to_tick": _l("Elements to tick after an upgrade"),
}


#: What decides a requirement, as the search's filter names it.
DECIDED_FROM = {
    "document": _l("The SOP text"),
    "records": _l("Records"),
    "practice": _l("Practice seen on site"),
}


@dataclass(frozen=True)
class Finder:
    """What the search box asks: words, and the facets that narrow the requirements searched.

    Facets left empty keep every requirement. ``module`` is "core" for the requirements every
    unit answers, else a module's id. Anything else asked (a value no requirement has) is
    ignored, so a hand-edited address finds nothing rather than failing.
    """

    query: str = ""
    criticality: str = ""
    module: str = ""
    decided: str = ""

    @classmethod
    def from_args(cls, args) -> Finder:
        def one(name: str, limit: int = 40) -> str:
            return (args.get(name) or "").strip()[:limit]

        return cls(one("q", 200), one("criticality"), one("module", 64), one("decided"))

    @property
    def asked(self) -> bool:
        return bool(self.args())

    def keeps(self, req: Requirement) -> bool:
        if self.criticality and req.criticality != self.criticality:
            return False
        if self.module and (req.module or "core") != self.module:
            return False
        return not self.decided or req.decided_from == self.decided

    def args(self) -> dict[str, str]:
        """The finder as address arguments, for the pager."""
        named = {"q": self.query, "criticality": self.criticality, "module": self.module, "decided": self.decided}
        return {k: v for k, v in named.items() if v}


def facets_of(checklist: Checklist, modules: list[str]) -> dict[str, list[tuple[str, str]]]:
    """The choices of the search's filters: criticality, part of the checklist, what decides it."""
    parts = [("core", str(_l("Core (every unit)")))]
    parts += [(m.id, module_title(m)) for m in checklist.modules if m.id in modules]
    return {
        "criticality": [(key, str(label)) for key, label in CRITICALITY.items()],
        "module": parts,
        "decided": [(key, str(label)) for key, label in DECIDED_FROM.items()],
    }


@dataclass(frozen=True)
class Rights:
    """Which layers of a card the current user may change now."""

    score: bool
    review: bool
    agree: bool
    reply: bool
    dissent: bool

    @classmethod
    def of(cls, user: User, sheet: ScoreSheet) -> Rights:
        a = sheet.assessment
        return cls(
            score=may_in(user, Action.SCORE, a),
            review=may_in(user, Action.REVIEW, a),
            agree=may_in(user, Action.AGREE, a),
            reply=may_in(user, Action.REPLY, a),
            dissent=may_in(user, Action.DISSENT, a),
        )


@dataclass
class Card:
    """One requirement with its layers and the forms the user may fill."""

    requirement: Requirement
    response: Response
    state: State
    differs: bool
    action: PlannedAction | None
    self_form: ResponseForm | None = None
    review_form: ReviewForm | None = None
    reply_form: ReplyForm | None = None
    message: str | None = None

    @property
    def review(self) -> Review | None:
        return self.response.review

    @property
    def quotes(self) -> dict[tuple[int | None, str], str]:
        """The quoted sentences of the card's citations, by (document id, section)."""
        return {(c.sop_id, c.section): c.quote for c in self.response.citations if c.quote}


@dataclass
class ScoringPage:
    """The cards page of an assessment for one section or one filter."""

    sheet: ScoreSheet
    rights: Rights
    sops: list[Sop]
    section: Section | None
    section_id: str | None
    filter_name: str
    cards: list[Card] = field(default_factory=list)
    matching: int = 0  # cards the filter keeps, on every page
    pager: Pager | None = None  # None: every card on one page (the table view)
    carried: CarriedAnswers | None = None  # answers carried over from an earlier checklist version
    finder: Finder = field(default_factory=Finder)
    #: "cards", or "table": one row a requirement, every matching requirement on one page.
    view: str = "cards"
    #: Where the search's words were found, by requirement id (title, statement, elements, guidance).
    found_in: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The passages of the unit's current SOPs suggested on each card shown, by requirement id.
    suggested: dict[str, list[SuggestedPassage]] = field(default_factory=dict)
    #: A follow-up's previous round on each card (agreed score, changed SOPs, the action); None otherwise.
    since: SinceLastRound | None = None

    @property
    def page(self) -> int:
        """The number of the page shown (1 when every card is on one page)."""
        return self.pager.number if self.pager else 1

    @property
    def pages(self) -> int:
        """How many pages the cards take (1 when every card is on one page)."""
        return self.pager.count if self.pager else 1

    @property
    def editable(self) -> bool:
        """True when the user may change any layer here (the page then loads the autosave script)."""
        r = self.rights
        return r.score or r.review or r.reply or r.dissent

    @property
    def shows_review(self) -> bool:
        """The expert's layer is shown from the review on, or whenever there is one."""
        return self.sheet.assessment.stage not in ("self_assessment", "submitted") or self.sheet.has_review

    @classmethod
    def build(
        cls,
        sheet: ScoreSheet,
        user: User,
        *,
        section_id: str | None,
        filter_name: str,
        page_number: int = 1,
        finder: Finder | None = None,
        view: str = "cards",
        whole: bool = False,
        after: str | None = None,
        before: str | None = None,
    ) -> ScoringPage:
        """Cards for a section (default: the first) or, with a filter or a search and no section,
        the whole assessment (a search looks in the section only when one is named).

        Cards come a page at a time: a section's in pages of at most SECTION_CARDS
        (``page_number``), a list's CARDS_PER_PAGE at a time, following on from the card
        ``after`` or leading up to ``before`` (:func:`list_window`), else page ``page_number``.
        ``view="table"`` shows rows instead of cards, all on one page; ``whole`` asks for the
        whole checklist rather than the first section.
        """
        filter_name = filter_name if filter_name in FILTERS else "all"
        finder = finder or Finder()
        view = view if view in ("cards", "table") else "cards"
        sections = sheet.sections
        if section_id is None and filter_name == "all" and not finder.asked and not whole and sections:
            section_id = sections[0].id
        section = next((s for s in sections if s.id == section_id), None)
        rights = Rights.of(user, sheet)
        sops = unit_documents(sheet.assessment.unit_id)
        page = cls(sheet, rights, sops, section, section_id, filter_name, finder=finder, view=view)
        if section_id is not None and section is None:
            return page
        page.carried = carried_answers(sheet)
        page.since = since_last_round(sheet, page.carried.lineage)  # once for every card, not per card
        requirements = section.requirements if section else [r for s in sections for r in s.requirements]
        # In the list's order first, whatever their state, then the cards the filter keeps: the
        # order places a card that has left the list since a page was shown (list_window).
        ordered = [req for req in requirements if finder.keeps(req)]
        if finder.query:  # best matches first
            hits = search(sheet.checklist, ordered, finder.query, active_language.get())
            ordered = [hit.requirement for hit in hits]
            page.found_in = {hit.requirement.id: hit.found_in for hit in hits}
        elif filter_name == "recheck":  # most changed first, while attention is fresh; near copies last
            ordered.sort(key=lambda req: -page.carried.change(req.id))
        kept = [req for req in ordered if page._keep(req)]
        page.matching = len(kept)
        if view == "cards":  # a page of cards at a time (the table shows every row)
            if section is not None:
                count, size = paged(len(kept))
                number = min(max(page_number, 1), count)
                start, end = (number - 1) * size, number * size
                page.pager = section_pager(number, count)
            else:
                ids = [req.id for req in kept]
                start, end = list_window(
                    [req.id for req in ordered], ids, CARDS_PER_PAGE, after=after, before=before, page=page_number
                )
                page.pager = list_pager(ids, start, end, CARDS_PER_PAGE)
            kept = kept[start:end]
        page.cards = [page._card(req) for req in kept]
        if view == "cards" and rights.score:  # once for the page, not per card; for those who may cite
            page.suggested = suggested_evidence(sheet, [c.requirement.id for c in page.cards], sops)
        return page

    def _card(self, req: Requirement, formdata=None) -> Card:
        sheet, rights = self.sheet, self.rights
        response = sheet.responses[req.id]
        card = Card(
            requirement=req,
            response=response,
            state=sheet.result.states[req.id],
            differs=sheet.differs(req.id),
            action=sheet.action_of.get(response.id),
        )
        if rights.score:
            card.self_form = response_form(req.id, response)
            card.self_form.set_choices(sheet.checklist, self.sops)
        if rights.review:
            card.review_form = review_form(req.id, response.review)
            card.review_form.set_choices(sheet.checklist)
        if rights.reply or rights.dissent:
            card.reply_form = reply_form(req.id, response)
        return card

    def _keep(self, req: Requirement) -> bool:
        name = self.filter_name
        if name == "all":
            return True
        state = self.sheet.result.states[req.id]
        answer = self.sheet.answers[req.id]
        review = self.sheet.responses[req.id].review
        if name == "unassessed":
            return state is State.OPEN
        if name == "not_evidenced":
            return state is State.NOT_EVIDENCED
        if name == "to_verify":
            return state is State.TO_VERIFY
        if name == "disagreements":
            return self.sheet.differs(req.id)
        if name == "recheck":
            return self.sheet.responses[req.id].recheck
        if name == "to_tick":
            return to_tick(req, self.sheet.responses[req.id])
        if name == "queries":
            return (
                review is not None and review.stance in ("disagree", "query") and not self.sheet.responses[req.id].reply
            )
        if state is not State.SCORED or answer.value >= self.sheet.checklist.max_value:
            return False
        return name == "gaps" or is_major_gap(req, answer.value)

    def replace_form(self, requirement_id: str, layer: str, form, message: str | None) -> None:
        """Show a submitted form (with its errors) in place of the stored one."""
        card = next((c for c in self.cards if c.requirement.id == requirement_id), None)
        if card is None:
            card = self._card(self.sheet.checklist.requirement(requirement_id))
            self.cards.insert(0, card)
        setattr(card, f"{layer}_form", form)
        card.message = message

    def back_to(self, requirement_id: str) -> str | None:
        """Where a card's form posted without JavaScript asks to come back to: this page, unless
        it is the card's own place in its section, where a save comes back by default."""
        if request.method != "GET":
            return None
        place = {key: [str(value)] for key, value in card_place(self.sheet, requirement_id).items()}
        if request.args.to_dict(flat=False) == place:
            return None
        return request.full_path.rstrip("?")

    @property
    def documents(self) -> list[SelectChoice]:
        """Every document a citation may name, sent once a page (a cited row offers its own only)."""
        return document_choices(self.sops)

    @property
    def summary(self) -> Summary:
        """The summary of the shown section, or of the whole assessment."""
        if self.section is not None:
            return next(r.summary for r in self.sheet.result.sections if r.section.id == self.section.id)
        return self.sheet.result.overall

    @property
    def facets(self) -> dict[str, list[tuple[str, str]]]:
        """The choices of the search's filters for this assessment."""
        return facets_of(self.sheet.checklist, self.sheet.assessment.modules)

    def next_section(self) -> Section | None:
        """The section after the shown one, to carry on."""
        sections = list(self.sheet.sections)
        if self.section is None or self.section not in sections:
            return None
        index = sections.index(self.section)
        return sections[index + 1] if index + 1 < len(sections) else None


def progress_json(sheet: ScoreSheet, requirement_id: str) -> dict:
    """The updated progress and scores, for autosave answers."""
    req = sheet.checklist.requirement(requirement_id)
    section = next(r.summary for r in sheet.result.sections if r.section.id == req.section_id)
    return {"section": _summary_json(section), "overall": _summary_json(sheet.result.overall, overall=True)}


def saved_json(sheet: ScoreSheet, requirement_id: str, row: Response | Review) -> dict:
    """What autosave gets back: the new version, the checklist's advice for the level, progress."""
    req = sheet.checklist.requirement(requirement_id)
    answer = sheet.answers[requirement_id]
    recommendation = None
    if sheet.result.states[requirement_id] is State.SCORED and answer.value < sheet.checklist.max_value:
        text = req.recommendation_for(answer.value)
        recommendation = str(text) if text else None
    return {
        "ok": True,
        "id": requirement_id,
        "version": row.version,
        "saved_at": datetime(row.updated_at),
        "recommendation": recommendation,
        "ticks": row.ticks,
        **progress_json(sheet, requirement_id),
    }


def _summary_json(summary: Summary, *, overall: bool = False) -> dict:
    """A summary's figures as the page shows them; ``score`` is "–" while too little is scored from evidence."""
    figures = {
        "answered": summary.answered,
        "total": summary.total,
        "score": percent(summary.shown_score),
        "completeness": percent(summary.completeness),
        "major_gaps": summary.major_gaps,
        "coverage": percent(summary.coverage),
        "decided": summary.assessed,
        "applicable": summary.applicable,
    }
    if overall:  # the sentence the header shows in place of a withheld overall; None when it is shown
        figures["withheld"] = withheld_reason(summary)
    return figures
