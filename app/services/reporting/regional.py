"""The regional findings report of a round: what it says (from :func:`round_results` and
:mod:`app.domain.regional`) and how it is drawn, as a page or as a PDF/A-3a like the gap report.

Two forms. The named one, for the programme's staff, names each unit and its jurisdiction
(as the region's publications print it: :mod:`app.domain.jurisdiction_names`). The anonymised
one, for a public meeting, labels the units by :func:`round_labels` and prints no unit name,
code, jurisdiction, person, document or assessment title: the template never reads them, the
PDF attaches nothing, and before a byte is written the page is checked for every unit's name,
code and jurisdiction and every email of the programme's people (:func:`identifying_terms`), so
that a programme or round named after a unit refuses the report instead of leaking it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.domain import regional as figures
from app.domain.jurisdiction_names import footnotes, printed_jurisdiction
from app.domain.regional import HeatMap, Position, RegionalCalibration, Row, Rules, SharedGap, UnitEntry
from app.domain.regional_actions import Recommendation, Themes, parse_themes, recommendations
from app.domain.workflow import Stage
from app.models import Round, User
from app.models.base import utcnow
from app.services.accounts.audit import record
from app.services.formatting import in_report_language
from app.services.programme.anonymity import SMALLEST_GROUP, round_labels
from app.services.programme.round_results import UnitInRound, round_results
from app.services.reporting import pdf_writing
from app.services.reporting.reports import (
    FONTS_DIR,
    PDF_VARIANT,
    _parsed_stylesheet,
    compact_blocks,
    css_counter_text,
    static_only_fetcher,
)

#: How the report names each kind of regional action.
THEME_KIND = {
    "training": _l("Shared training"),
    "template": _l("Common template"),
    "database": _l("Shared database"),
    "record": _l("Harmonised record"),
    "exercise": _l("Joint exercise"),
    "service": _l("Shared service"),
}
#: How many shared gaps and recommendations the report lists in full.
LISTED_GAPS = 20
FIRST_PAGE = 3


class RegionalError(Exception):
    """The regional report cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Column:
    """A unit of the round as the report heads it: by name (named form) or by letter only."""

    key: int
    label: str  # the unit's name, or "A"
    code: str | None  # named form only
    jurisdiction: str | None  # named form only, as printed (Kosovo*)
    title: str | None  # the assessment's title, named form only
    stage: str | None  # None: no assessment in the round
    checklist: str | None

    @property
    def assessed(self) -> bool:
        return self.stage is not None

    @property
    def finalised(self) -> bool:
        return self.stage == Stage.FINALISED


@dataclass
class RegionalReport:
    """Everything the regional findings report of a round shows, in one form."""

    round: Round
    anonymised: bool
    rules: Rules
    columns: list[Column]
    heat: HeatMap
    strengths: list[Row]
    weaknesses: list[Row]
    ranked: list[Row]
    shared: list[SharedGap]
    recommendations: list[Recommendation]
    themes: Themes | None
    positions: list[Position]
    calibration: RegionalCalibration
    checklists: list[tuple[str, int]]
    footnotes: list[str]
    generated_at: dt.datetime = field(default_factory=utcnow)
    #: What must never appear in the anonymised form, and the units' codes (empty for the named one).
    identifying: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def label(self, key: int) -> str:
        return next(c.label for c in self.columns if c.key == key)

    def column(self, key: int) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def assessed(self) -> list[Column]:
        return [c for c in self.columns if c.assessed]

    @property
    def drafts(self) -> list[Column]:
        return [c for c in self.columns if c.assessed and not c.finalised]

    @property
    def missing(self) -> list[Column]:
        return [c for c in self.columns if not c.assessed]

    @property
    def section_titles(self) -> dict[str, str]:
        return {row.key: str(row.section.title) for row in self.heat.rows}

    @property
    def shared_major(self) -> list[SharedGap]:
        """Shared gaps that are major gaps in as many units as a group figure needs."""
        return [g for g in self.shared if len(g.major) >= self.rules.min_group]

    @property
    def top_sections(self) -> list[Row]:
        """The sections with the highest regional medians (for the first page)."""
        return self.ranked[:FIRST_PAGE]

    @property
    def bottom_sections(self) -> list[Row]:
        """The sections with the lowest regional medians, lowest first, none of them among the top."""
        return list(reversed(self.ranked[FIRST_PAGE:]))[:FIRST_PAGE]

    @property
    def high(self) -> float:
        """From this score a unit scores a section high."""
        return figures.HIGH

    @property
    def low(self) -> float:
        """Under this score a unit scores a section low."""
        return figures.LOW

    @property
    def listed_gaps(self) -> int:
        return LISTED_GAPS

    def kind_label(self, kind: str) -> str:
        return str(THEME_KIND.get(kind, kind))


def actions_file() -> Path:
    """The regional actions file: ``REGIONAL_ACTIONS_FILE`` if set, else the one shipped beside the checklists."""
    configured = current_app.config.get("REGIONAL_ACTIONS_FILE")
    return (
        Path(configured)
        if configured
        else Path(current_app.config["CHECKLISTS_DIR"]) / "data" / "regional-actions.yaml"
    )


def load_themes(path: Path | None = None) -> Themes:
    """The regional action themes, checked for shape."""
    import yaml  # PyYAML loads when a file is read, not with the app

    path = path or actions_file()
    return parse_themes(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def _entry(item: UnitInRound) -> UnitEntry:
    if item.assessment is None:
        return UnitEntry(item.unit.id, None)
    sheet = item.sheet
    return UnitEntry(item.unit.id, sheet.result, sheet.calibration, item.finalised)


def _column(item: UnitInRound, label: str, anonymised: bool) -> Column:
    a = item.assessment
    stage = a.stage if a is not None else None
    checklist = a.checklist_version.ref if a is not None else None
    if anonymised:
        return Column(item.unit.id, label, None, None, None, stage, checklist)
    return Column(
        item.unit.id,
        item.unit.name,
        item.unit.code,
        printed_jurisdiction(item.unit.jurisdiction),
        a.title if a is not None else None,
        stage,
        checklist,
    )


def identifying_terms(found: Round) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What the anonymised form must not show: each unit's name and jurisdiction and each email of the
    programme's people and the units' users (any case), and each unit's code (as written)."""
    programme = found.programme
    terms = {t for u in programme.units for t in (u.name, u.jurisdiction)}
    terms |= {p.email for p in programme.members} | {p.email for u in programme.units for p in u.members}
    codes = {u.code for u in programme.units}
    return tuple(sorted(t.strip() for t in terms if t and t.strip())), tuple(sorted(c for c in codes if c))


def build_regional(found: Round, *, anonymised: bool = False) -> RegionalReport:
    """The regional findings of ``found`` in the named or the anonymised form."""
    rules = figures.anonymised_rules(SMALLEST_GROUP) if anonymised else figures.NAMED
    items = round_results(found)
    labels = round_labels(found) if anonymised else {}
    if anonymised:
        items.sort(key=lambda i: (len(labels[i.unit.id]), labels[i.unit.id]))
    entries = [_entry(i) for i in items]
    columns = [_column(i, labels.get(i.unit.id, ""), anonymised) for i in items]
    # Sections in the order of the newest checklist version any unit is assessed on.
    assessed = sorted((i for i in items if i.assessment is not None), key=lambda i: -i.assessment.checklist_version_id)
    sections = figures.section_order(i.sheet.result for i in assessed)
    heat = figures.heat_map(entries, sections, rules)
    shared = figures.shared_gaps(entries, rules)
    themes = load_themes()
    checklist_ids = {i.assessment.checklist_version.checklist_id for i in assessed}
    applies = themes if themes.checklist in checklist_ids else None
    versions: dict[str, int] = {}
    for column in columns:
        if column.checklist:
            versions[column.checklist] = versions.get(column.checklist, 0) + 1
    identifying, codes = identifying_terms(found) if anonymised else ((), ())
    return RegionalReport(
        round=found,
        anonymised=anonymised,
        rules=rules,
        columns=columns,
        heat=heat,
        strengths=figures.strengths(heat, rules),
        weaknesses=figures.weaknesses(heat, rules),
        ranked=figures.ranked_by_median(heat),
        shared=shared,
        recommendations=recommendations(applies.themes, entries, shared, rules) if applies else [],
        themes=applies,
        positions=figures.positions(heat),
        calibration=figures.calibration_across(entries, sections, rules, hidden=heat.hidden),
        checklists=sorted(versions.items()),
        footnotes=[] if anonymised else footnotes(i.unit.jurisdiction for i in items),
        identifying=identifying,
        codes=codes,
    )


def regional_stylesheet(fonts_url: str) -> str:
    """The regional report's print CSS, with fonts from ``fonts_url``."""
    return render_template(
        "reports/regional/regional.css",
        fonts_url=fonts_url,
        page_counter=css_counter_text(_("Page {page} of {pages}")),
    )


def render_regional_html(report: RegionalReport, *, stylesheet_url: str | None = None, web: dict | None = None) -> str:
    """The report as HTML: the page (``web``: its links) or what WeasyPrint draws."""
    return render_template("reports/regional/regional.html", r=report, stylesheet_url=stylesheet_url, web=web)


#: The attributes whose values a reader or the PDF can see: metadata, tooltips, alt texts and links.
_SEEN_ATTRIBUTES = frozenset({"content", "title", "alt", "href", "src", "aria-label"})


class _SeenText(HTMLParser):
    """The text of a page and the values of its attributes a reader sees (not tag or class names)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.parts += [value for name, value in attrs if name in _SEEN_ATTRIBUTES and value]

    def handle_data(self, data) -> None:
        self.parts.append(data)


def seen_text(html: str) -> str:
    """What a reader of the page, or of the PDF drawn from it, can see or extract."""
    parser = _SeenText()
    parser.feed(html)
    parser.close()
    return " ".join(parser.parts)


def _pattern(term: str, code: bool) -> re.Pattern:
    # A whole word or phrase, wherever the text breaks its lines; a code as written (upper case),
    # so that a code that is also an English word refuses no report for that word.
    words = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![\w-]){words}(?![\w-])", 0 if code else re.IGNORECASE)


def check_anonymous(html: str, terms: tuple[str, ...], codes: tuple[str, ...] = ()) -> None:
    """Refuse the anonymised form if what the page shows holds any of ``terms`` (any case) or ``codes``."""
    text = seen_text(html)
    found = [t for t in terms if _pattern(t, False).search(text)] + [c for c in codes if _pattern(c, True).search(text)]
    if found:
        raise RegionalError(
            _(
                "The anonymised report would show '%(term)s', which names a unit, its jurisdiction or a person "
                "(in the programme's or the round's name?). Nothing was written.",
                term=found[0],
            )
        )


def render_regional_pdf(report: RegionalReport) -> bytes:
    """The report as PDF/A-3a bytes (tagged, archival); nothing attached."""
    from weasyprint import HTML

    html = render_regional_html(report)
    if report.anonymised:
        check_anonymous(html, report.identifying, report.codes)
    pdf_writing.install()  # pydyf without its repeated work (see the module)
    fonts, stylesheet = _parsed_stylesheet(regional_stylesheet(FONTS_DIR.as_uri()))
    document = HTML(string=compact_blocks(html), base_url=str(FONTS_DIR), url_fetcher=static_only_fetcher()).render(
        stylesheets=[stylesheet], font_config=fonts
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def regional_filename(found: Round, *, anonymised: bool) -> str:
    """``regional-findings-round-3-2026.pdf``: no programme or unit name in it."""
    label = re.sub(r"[^A-Za-z0-9_-]+", "-", found.label).strip("-") or "round"
    return f"regional-findings-round-{found.id}-{label}{'-anonymised' if anonymised else ''}.pdf"


def regional_pdf(
    found: Round, *, anonymised: bool, locale: str, user: User | None = None, bilingual: bool = False
) -> tuple[RegionalReport, bytes]:
    """Build and render the report, and record who took it (the caller commits).

    ``locale``: a language code of the interface to write it in.
    ``bilingual``: the checklist's texts and the headings with their English beside them.
    """
    with in_report_language(locale, bilingual=bilingual):
        report = build_regional(found, anonymised=anonymised)
        pdf = render_regional_pdf(report)
    form = "anonymised" if anonymised else "named"
    record(
        "report.regional_downloaded",
        user=user,
        object_type="round",
        object_id=found.id,
        summary=f"{found.name}: regional findings, {form}, {len(pdf)} bytes",
    )
    return report, pdf
