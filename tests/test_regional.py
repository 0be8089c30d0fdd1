"""The regional findings report of a round: its figures on a hand-worked region, both forms of its PDF,
who may have it, and the command.

The region: six units on the mini checklist (weights 3, 2, 1 for essential, important, desirable;
a level counts level/3). Own scores, and the expert's where one reviewed (reviewed, never agreed,
so the counted scores are the units' own):

    unit     AAA-01 AAA-02 AAA-03 BBB-01 BBB-02 FFF-01 FFF-02  stage       AAA   BBB    FFF   overall
    SJ-CSI     3      3      3      3      3      3      3     finalised   100%  100%   100%  100%
    PR-FOR     1/0    3/2    3      1      3      -      -     finalised    67%   60%   scope  64%  (7/11)
    BG-SCN     0/1    2      3      0/0    3      3      2     draft        39%   40%    87%   54%  (8.67/16)
    TR-KRM     1      1      1      -      -      -      -     draft        33%  withheld scope 33%  (3 of 5 scored)
    PG-CTM     2/1    3      3      1/1    2/0    -      -     finalised    83%   47%   scope  67%
    SK-UVD   no assessment

Medians: AAA 67% (5 units), BBB 53% (4: TR withheld), FFF 93% (2 units: named only), overall 64%.
Shared gaps: AAA-01 in 4 of 5 (3 major), BBB-01 in 3 of 4 (3 major), AAA-02 in 2 of 5 (named only).
Calibration (self minus expert): PR +1, +1; BG -1, 0; PG +1, 0, +2: pooled 4/7 = +0.57 over 3 units;
AAA +2/4 = +0.50 over 3 units; BBB 2/3 = +0.67 over 2 units (named only).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject, TextStringObject

from app.extensions import db
from app.models import Event, Review
from app.services.assessment.assessments import record_scores, score_sheet
from app.services.programme.anonymity import anonymous_labels
from app.services.reporting.regional import (
    RegionalError,
    build_regional,
    check_anonymous,
    render_regional_pdf,
)
from tests.conftest import DATA, finalise, text_of

UNITS = [
    ("SJ-CSI", "Sarajevo CSI", "Bosnia and Herzegovina"),
    ("PR-FOR", "Pristina Forensic Unit", "Kosovo"),
    ("BG-SCN", "Belgrade Scene Unit", "Serbia"),
    ("TR-KRM", "Tirana Crime Scene Section", "Albania"),
    ("PG-CTM", "Podgorica CSI Team", "Montenegro"),
    ("SK-UVD", "Skopje Scene Examination", "North Macedonia"),
]
FULL = dict.fromkeys(("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02"), 3)
#: Own scores, modules, finalised, and the expert's scores.
PROFILES = {
    "SJ-CSI": ({**FULL, "FFF-01": 3, "FFF-02": 3}, ("firearms",), True, {}),
    "PR-FOR": ({**FULL, "AAA-01": 1, "BBB-01": 1}, (), True, {"AAA-01": 0, "AAA-02": 2}),
    "BG-SCN": (
        {"AAA-01": 0, "AAA-02": 2, "AAA-03": 3, "BBB-01": 0, "BBB-02": 3, "FFF-01": 3, "FFF-02": 2},
        ("firearms",),
        False,
        {"AAA-01": 1, "BBB-01": 0},
    ),
    "TR-KRM": ({"AAA-01": 1, "AAA-02": 1, "AAA-03": 1}, (), False, {}),
    "PG-CTM": ({**FULL, "AAA-01": 2, "BBB-01": 1, "BBB-02": 2}, (), True, {"AAA-01": 1, "BBB-01": 1, "BBB-02": 0}),
}
EMAILS = {code: f"{code.lower()}.head@{code.lower()}.example" for code, _, _ in UNITS}
PEOPLE_NAMES = [
    "Dragana Petrović",
    "Arben Krasniqi",
    "Milica Jovanović",
    "Elira Dervishi",
    "Vuk Radonjić",
    "Ana Trajkovska",
]
SOP_TITLES = {code: f"{name} Zulu cordon protocol" for code, name, _ in UNITS}


@pytest.fixture
def themes(app):
    app.config["REGIONAL_ACTIONS_FILE"] = str(DATA / "regional-actions-mini.yaml")


def _assess(make_assessment, unit, head, answers, modules, finalised, expert):
    assessment = make_assessment(unit, modules=modules, title=f"{unit.name} self-assessment 2026")
    sheet = score_sheet(assessment)
    for code, value in answers.items():
        sheet.responses[code].value, sheet.responses[code].basis = value, "sop_text"
    sheet.refresh()
    record_scores(assessment, sheet.result)
    db.session.commit()
    if finalised:
        finalise(assessment, head)
    for code, value in expert.items():  # the expert's scores, reviewed and not agreed: the unit's own still count
        sheet.responses[code].review = Review(value=value)
    db.session.commit()
    return assessment


@pytest.fixture
def region(themes, make_unit, make_user, make_programme, make_assessment, make_sop):
    """The six units, their people and SOPs, the programme's staff and expert, round 2026 with five assessments."""
    units = {code: make_unit(code, name, jurisdiction) for code, name, jurisdiction in UNITS}
    heads = {}
    for (code, unit), person in zip(units.items(), PEOPLE_NAMES, strict=True):
        heads[code] = make_user("unit_head", units=[unit], name=person, email=EMAILS[code])
        make_sop(unit, code="SOP-07", title=SOP_TITLES[code])
    staff = make_user("programme_staff", name="Mirela Hoxhaj", email="mirela.hoxhaj@seesac.example")
    expert = make_user("expert", name="Goran Ilievski", email="goran.ilievski@seesac.example")
    programme = make_programme(
        name="Western Balkans CSI SOP assessment", units=list(units.values()), members=[staff, expert]
    )
    found = programme.rounds[0]
    for code, (answers, modules, finalised, reviewed) in PROFILES.items():
        assessment = _assess(make_assessment, units[code], heads[code], answers, modules, finalised, reviewed)
        assessment.round = found
    db.session.commit()
    return {"units": units, "heads": heads, "staff": staff, "expert": expert, "programme": programme, "round": found}


def _column(report, code):
    return next(i for i, c in enumerate(report.columns) if c.code == code)


def _cell(report, section_id, code):
    row = report.heat.overall if section_id is None else next(r for r in report.heat.rows if r.key == section_id)
    return row.cells[_column(report, code)]


# --- the figures, hand-worked -----------------------------------------------------------------


def test_the_heat_map_shows_each_sections_score_or_why_not(region):
    report = build_regional(region["round"])
    assert [c.code for c in report.columns] == sorted(code for code, _, _ in UNITS)
    assert [r.key for r in report.heat.rows] == ["AAA", "BBB", "FFF"]
    assert _cell(report, "AAA", "PR-FOR").score == pytest.approx(4 / 6)
    assert _cell(report, "AAA", "BG-SCN").score == pytest.approx((2 * 2 / 3 + 1) / 6)
    assert _cell(report, "BBB", "PG-CTM").score == pytest.approx((1 + 2 * 2 / 3) / 5)
    withheld = _cell(report, "BBB", "TR-KRM")
    assert (withheld.state, withheld.score, withheld.coverage) == ("withheld", None, 0.0)
    assert _cell(report, "FFF", "PR-FOR").state == "out_of_scope"
    assert _cell(report, "AAA", "SK-UVD").state == "no_assessment"
    assert _cell(report, "AAA", "BG-SCN").provisional and not _cell(report, "AAA", "PR-FOR").provisional
    assert _cell(report, None, "PR-FOR").score == pytest.approx(7 / 11)
    assert _cell(report, None, "TR-KRM").coverage == pytest.approx(3 / 5)
    assert [c.code for c in report.missing] == ["SK-UVD"]
    assert [c.code for c in report.drafts] == ["BG-SCN", "TR-KRM"]


def test_medians_are_over_the_units_with_a_shown_figure(region):
    named = build_regional(region["round"])
    medians = {r.key: r.median for r in named.heat.rows}
    assert medians["AAA"].value == pytest.approx(4 / 6) and medians["AAA"].count == 5
    assert medians["BBB"].value == pytest.approx(((1 + 4 / 3) / 5 + 3 / 5) / 2) and medians["BBB"].count == 4
    assert medians["FFF"].value == pytest.approx((1 + 13 / 15) / 2) and medians["FFF"].count == 2
    assert named.heat.overall.median.value == pytest.approx(7 / 11)
    positions = {named.columns[i].code: p for i, p in enumerate(named.positions)}
    assert positions["PR-FOR"].overall == pytest.approx(0)
    assert positions["TR-KRM"].overall == pytest.approx(1 / 3 - 7 / 11)
    assert positions["SJ-CSI"].sections == {
        "AAA": pytest.approx(1 / 3),
        "BBB": pytest.approx(1 - medians["BBB"].value),
        "FFF": pytest.approx(1 - medians["FFF"].value),
    }
    assert positions["TR-KRM"].sections["BBB"] is None  # withheld: no position
    anonymised = build_regional(region["round"], anonymised=True)
    fff = next(r for r in anonymised.heat.rows if r.key == "FFF")
    assert fff.median.value is None and fff.median.suppressed  # two units: not a group in public
    assert fff.suppressed and {c.state for c in fff.cells} == {"hidden"}  # nor which letters took the module
    assert next(r for r in anonymised.heat.rows if r.key == "AAA").median.value == pytest.approx(4 / 6)


def test_shared_gaps_count_the_units_by_regional_priority(region):
    named = build_regional(region["round"])
    shared = [(g.requirement.id, len(g.units), len(g.major), g.scored_in) for g in named.shared]
    assert shared == [("AAA-01", 4, 3, 5), ("BBB-01", 3, 3, 4), ("AAA-02", 2, 0, 5)]
    assert named.shared[0].priority == pytest.approx(3 * 1.25 * (2 / 3 + 1 + 2 / 3 + 1 / 3))
    anonymised = build_regional(region["round"], anonymised=True)
    assert [g.requirement.id for g in anonymised.shared] == ["AAA-01", "BBB-01"]  # AAA-02: two units only


def test_strengths_need_most_units_with_a_figure(region):
    assert [r.key for r in build_regional(region["round"]).strengths] == ["FFF"]  # 2 of 2 high
    assert build_regional(region["round"], anonymised=True).strengths == []  # 2 units are no group in public


def test_calibration_shows_where_self_assessments_ran_high_or_low(region):
    report = build_regional(region["round"])
    k = report.calibration
    assert (k.overall.mean, k.overall.pairs, k.overall.units) == (pytest.approx(4 / 7), 7, 3)
    assert k.overall.direction == "high"
    by_unit = {report.column(key).code: bias for key, bias in k.units.items()}
    assert by_unit["PR-FOR"].mean == pytest.approx(1.0) and by_unit["PR-FOR"].direction == "high"
    assert by_unit["BG-SCN"].mean == pytest.approx(-0.5) and by_unit["BG-SCN"].direction == "low"
    assert by_unit["SJ-CSI"].pairs == 0 and by_unit["SJ-CSI"].direction is None
    by_section = {s.id: b for s, b in k.sections}
    assert (by_section["AAA"].mean, by_section["AAA"].units) == (pytest.approx(0.5), 3)
    assert (by_section["BBB"].mean, by_section["BBB"].units) == (pytest.approx(2 / 3), 2)
    anonymised = {s.id: b for s, b in build_regional(region["round"], anonymised=True).calibration.sections}
    assert anonymised["BBB"].mean is None and anonymised["BBB"].suppressed
    assert anonymised["AAA"].mean == pytest.approx(0.5)


def test_a_recommendation_needs_gaps_in_two_units_or_three_in_public(region):
    named = build_regional(region["round"])
    found = {r.theme.id: (len(r.units), r.gaps, r.major) for r in named.recommendations}
    assert found == {"records-together": (4, 7, 6), "roles-training": (2, 2, 0)}
    public = build_regional(region["round"], anonymised=True)
    assert [r.theme.id for r in public.recommendations] == ["records-together"]


# --- the PDFs -----------------------------------------------------------------------------------


def everything_in(pdf: bytes) -> str:
    """All text a reader of the PDF could get at: pages, metadata, outline, annotations, alt texts,
    attachments, every string in any object and every metadata or embedded file stream."""
    reader = PdfReader(io.BytesIO(pdf))
    parts = [page.extract_text() or "" for page in reader.pages]
    parts += [f"{k} {v}" for k, v in (reader.metadata or {}).items()]
    parts += [f"{name} {b''.join(data).decode('utf-8', 'replace')}" for name, data in reader.attachments.items()]

    def titles(outline):
        for item in outline:
            yield from titles(item) if isinstance(item, list) else [item.title]

    parts += list(titles(reader.outline))
    seen = set()

    def walk(obj):
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, TextStringObject | str):
            parts.append(str(obj))
        elif isinstance(obj, DictionaryObject):
            if isinstance(obj, StreamObject) and (
                obj.get("/Type") in ("/Metadata", "/EmbeddedFile") or obj.get("/Subtype") == "/XML"
            ):
                parts.append(obj.get_data().decode("utf-8", "replace"))
            for key, value in obj.items():
                if key != "/Parent":
                    walk(value)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                walk(value)

    walk(reader.trailer)
    return " ".join(" ".join(parts).split())


def forbidden_terms(region) -> list[str]:
    terms = [t for code, name, jurisdiction in UNITS for t in (code, name, jurisdiction)]
    terms += PEOPLE_NAMES + list(EMAILS.values()) + list(SOP_TITLES.values())
    terms += [p.name for p in (region["staff"], region["expert"])] + [
        p.email for p in (region["staff"], region["expert"])
    ]
    terms += [f"{name} self-assessment 2026" for _, name, _ in UNITS]
    return terms


def test_the_anonymised_pdf_names_no_unit_jurisdiction_person_or_document(region):
    pdf = render_regional_pdf(build_regional(region["round"], anonymised=True))
    text = everything_in(pdf)
    folded = text.casefold()
    leaks = [t for t in forbidden_terms(region) if t.casefold() in folded]
    assert not leaks, leaks
    assert not re.search(r"/assessments/\d|/units/", text)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.attachments == {}
    assert all("/Annots" not in page for page in reader.pages)  # no links at all
    letters = sorted(anonymous_labels(region["round"], list(region["units"].values())).values())
    assert letters == list("ABCDEF")
    for letter in letters:
        assert f"Unit {letter}" in text
    assert "fewer than 3 units: not shown" in text  # FFF's median, BBB's calibration
    assert "Regional findings" in reader.metadata.title and "Sarajevo" not in (reader.metadata.author or "")


def test_the_named_pdf_prints_kosovo_with_its_asterisk_and_footnote(region):
    text = everything_in(render_regional_pdf(build_regional(region["round"])))
    assert "Kosovo*" in text
    assert (
        "*This designation is without prejudice to positions on status, and is in line with UNSCR 1244/1999 "
        "and the ICJ Opinion on the Kosovo declaration of independence." in text
    )
    assert "Sarajevo CSI" in text and "Bosnia and Herzegovina" in text
    assert "Gaps under it in 4 of 5 assessed units: 7 gaps, 6 major." in text
    for name in PEOPLE_NAMES + list(SOP_TITLES.values()):  # no person or SOP in the named form either
        assert name not in text


def test_a_round_of_two_units_shows_no_figure_of_a_group_in_public(
    themes, make_unit, make_user, make_programme, make_assessment
):
    first, second = make_unit("ZZ-ONE", "Zenica Unit"), make_unit("ZZ-TWO", "Mostar Unit")
    head = make_user("unit_head", units=[first, second])
    programme = make_programme(name="Two units", units=[first, second])
    for unit, answers in ((first, FULL), (second, {**FULL, "AAA-01": 1})):
        _assess(make_assessment, unit, head, answers, (), True, {}).round = programme.rounds[0]
    db.session.commit()
    report = build_regional(programme.rounds[0], anonymised=True)
    assert report.heat.hidden and report.heat.overall.median.value is None and report.shared == []
    text = everything_in(render_regional_pdf(report))
    assert "fewer than 3 units: not shown" in text
    assert "100%" not in text and "82%" not in text and "Zenica" not in text  # neither unit's overall
    named = build_regional(programme.rounds[0])
    assert named.heat.overall.median.value is not None  # the staff's own form shows it


def test_a_programme_named_after_a_unit_refuses_the_anonymised_report(region):
    region["programme"].name = "Sarajevo CSI pilot"
    db.session.commit()
    with pytest.raises(RegionalError, match="Sarajevo CSI"):
        render_regional_pdf(build_regional(region["round"], anonymised=True))
    with pytest.raises(RegionalError):  # wherever the line breaks it
        check_anonymous("<p>Bosnia and\n  Herzegovina</p>", ("Bosnia and Herzegovina",))
    check_anonymous("<p>SJ-CSIX and ASJ-CSI</p>", (), ("SJ-CSI",))  # not the code, only letters around it
    check_anonymous('<td class="SJ-CSI">x</td>', (), ("SJ-CSI",))  # nobody sees a class name
    with pytest.raises(RegionalError):
        check_anonymous('<a href="/units/SJ-CSI">x</a>', (), ("SJ-CSI",))


# --- who may have it, and the command ---------------------------------------------------------

PATHS = [
    "/rounds/{id}/regional",
    "/rounds/{id}/regional/anonymised",
    "/rounds/{id}/regional.pdf",
    "/rounds/{id}/regional/anonymised.pdf",
]


def test_a_unit_head_of_a_programme_unit_sees_no_regional_report(region, client, login):
    login(region["heads"]["SJ-CSI"])
    for path in PATHS:
        assert client.get(path.format(id=region["round"].id)).status_code == 404, path


def test_an_expert_of_another_programme_sees_no_regional_report(region, client, login, make_user, make_programme):
    outsider = make_user("expert", email="outsider@example.org")
    make_programme(name="Elsewhere", members=[outsider])
    login(outsider)
    for path in PATHS:
        assert client.get(path.format(id=region["round"].id)).status_code == 404, path


def test_staff_read_both_forms_and_each_download_is_audited(region, client, login):
    login(region["staff"])
    round_id = region["round"].id
    page = client.get(f"/rounds/{round_id}/regional")
    assert page.status_code == 200 and "Pristina Forensic Unit" in text_of(page) and "Kosovo*" in text_of(page)
    public = client.get(f"/rounds/{round_id}/regional?anonymised=1", follow_redirects=True)
    assert public.status_code == 200 and "Pristina" not in public.get_data(as_text=True)
    assert f"/rounds/{round_id}/regional/anonymised.pdf" in public.get_data(as_text=True)
    pdf = client.get(f"/rounds/{round_id}/regional/anonymised.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "anonymised" in pdf.headers["Content-Disposition"] and "Western" not in pdf.headers["Content-Disposition"]
    events = db.session.query(Event).filter_by(name="report.regional_downloaded").all()
    assert len(events) == 1 and events[0].user_id == region["staff"].id and "anonymised" in events[0].summary
    assert client.get("/reports/regional.css").status_code == 200
    buttons = text_of(client.get(f"/rounds/{round_id}"))
    assert "Regional findings (PDF)" in buttons and "Anonymised findings (PDF)" in buttons


def test_findings_in_a_language_not_offered_are_refused_naming_the_languages(region, client, login):
    login(region["staff"])
    refused = client.get(f"/rounds/{region['round'].id}/regional.pdf?lang=de")
    assert refused.status_code == 400 and "There is no report in the language 'de' here." in text_of(refused)
    assert not db.session.query(Event).filter_by(name="report.regional_downloaded").count()


def test_the_command_writes_both_forms(region, runner, tmp_path):
    named, public = tmp_path / "named.pdf", tmp_path / "public.pdf"
    result = runner.invoke(args=["report", "regional", "2026", "-o", str(named)])
    assert result.exit_code == 0, result.output
    size = named.stat().st_size
    assert result.output.strip() == (
        f"Wrote {named} ({size:,} bytes): regional findings, Western Balkans CSI SOP assessment, round 2026, 6 units (named)"
    )
    result = runner.invoke(args=["report", "regional", str(region["round"].id), "-o", str(public), "--anonymise"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("6 units (anonymised)")
    assert "Sarajevo" not in everything_in(public.read_bytes())
    assert db.session.query(Event).filter_by(name="report.regional_downloaded").count() == 2


def test_the_command_refuses_a_round_label_two_programmes_share(region, runner, make_programme, tmp_path):
    make_programme(name="Another programme", rounds=("2026",))
    out = tmp_path / "x.pdf"
    result = runner.invoke(args=["report", "regional", "2026", "-o", str(out)])
    assert result.exit_code != 0 and "more than one programme" in result.output
    assert not Path(out).exists()


def test_a_refused_anonymised_download_says_why_and_records_nothing(region, client, login):
    region["programme"].name = "Programme of the Belgrade Scene Unit"
    db.session.commit()
    login(region["staff"])
    response = client.get(f"/rounds/{region['round'].id}/regional/anonymised.pdf")
    assert response.status_code == 409 and "Nothing was written" in text_of(response)
    assert db.session.query(Event).filter_by(name="report.regional_downloaded").count() == 0


def test_the_first_pages_medians_rest_on_at_least_half_the_assessed_units():
    from app.domain.regional import GroupFigure, HeatMap, Row, ranked_by_median

    def row(value, count):
        return Row(None, (), GroupFigure(value, count), high=0, low=0)

    module_few_take, core = row(0.93, 2), row(0.64, 6)
    heat = HeatMap((), (module_few_take, core, row(0.40, 3)), row(0.6, 6), hidden=False, assessed=6)
    assert ranked_by_median(heat) == [core, heat.rows[2]]  # the 2-unit module stays in the heat map only


def test_the_command_writes_the_regional_findings_in_albanian(region, runner, tmp_path):
    out = tmp_path / "regional-sq.pdf"
    result = runner.invoke(args=["report", "regional", "2026", "-o", str(out), "--anonymise", "--lang", "sq"])
    assert result.exit_code == 0, result.output
    text = everything_in(out.read_bytes())
    assert "Sections by unit" not in text and "ë" in text  # the interface's words, in Albanian
    assert "Sarajevo" not in text  # still anonymised


def test_the_command_writes_bilingual_regional_findings_still_anonymised(region, runner, tmp_path):
    out = tmp_path / "regional-bi.pdf"
    result = runner.invoke(
        args=["report", "regional", "2026", "-o", str(out), "--anonymise", "--lang", "sq", "--bilingual"]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(everything_in(out.read_bytes()).split())
    assert "/ Sections by unit" in text and "ë" in text  # Albanian, with the English heading beside it
    assert "Sarajevo" not in text
