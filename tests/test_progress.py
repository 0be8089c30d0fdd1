"""The progress report of a unit between two rounds, on a hand-computed example (tests/data/mini.yaml).

The mini checklist: section AAA (AAA-01 essential, weight 3; AAA-02 important, 2; AAA-03
desirable, 1), BBB (BBB-01 essential, 3; BBB-02 important, 2) and the firearms module FFF
(FFF-01 essential, 3, safety; FFF-02 important, 2). Scale 0-3; a score is value / 3.

Round 2025 (assessment A)             Round 2026 (assessment B, predecessor A)
  AAA-01  1  major gap                  3  -> closed
  AAA-02  not evidenced                 1  -> new gap (not one before: not evidenced)
  AAA-03  not answered                  3  -> not comparable (not scored in 2025)
  BBB-01  0  major gap                  1  -> still open (major)
  BBB-02  2  gap                        3  -> closed
  FFF-01  3                             1  -> new major gap
  FFF-02  1  gap                        N/A (justified) -> not comparable: left the scope, not closed

Figures by hand (weighted mean of value/3 over the scored requirements; coverage = scored / applicable):
  2025 AAA: 1 of 3 scored, coverage 33 %: withheld (no point drawn).
  2025 BBB: (3*0 + 2*2/3) / 5 = 4/15 = 26.7 % -> 27 %, coverage 100 %.
  2025 FFF: (3*1 + 2*1/3) / 5 = 11/15 = 73.3 % -> 73 %, coverage 100 %.
  2025 overall: (3*1/3 + 0 + 2*2/3 + 3*1 + 2*1/3) / 13 = 6/13 = 46.2 % -> 46 %, coverage 5/7 = 71 %.
  2026 AAA: (3*1 + 2*1/3 + 1*1) / 6 = 14/18 = 77.8 % -> 78 %, coverage 100 %.
  2026 BBB: (3*1/3 + 2*1) / 5 = 3/5 = 60 %, coverage 100 %.
  2026 FFF: FFF-02 not applicable: (3*1/3) / 3 = 33 %, coverage 1/1 = 100 %.
  2026 overall: (3 + 2/3 + 1 + 1 + 2 + 1) / 14 = 13/21 = 61.9 % -> 62 %, coverage 6/6 = 100 %.
  Change overall: 13/21 - 6/13 = 0.1575 -> +16 points; BBB +33; FFF -40; AAA none (2025 withheld).
  Major gaps: 2 (AAA-01, BBB-01), then 2 (BBB-01, FFF-01).

The 2025 plan, and what became of it in the 2026 plan (the report is made on 1 June 2026 here):
  X1 "Write the essential procedure" (AAA-01), due 30 Jun 2025, carried, marked done  -> done
  X2 "Introduce signed and dated seals" (BBB-01), due 31 Jan 2020, carried, in progress -> overdue
  X3 "Add a serial number field" (FFF-02), due 31 Dec 2099, carried, agreed           -> still open
  X4 "Lock the store" (BBB-02), due 31 Jan 2020, proposed, not carried                -> dropped
What to do next: X2 (overdue, closes BBB-01, so BBB-01 is not listed again), then FFF-01 (new
major gap, priority 3 x 2/3 x 1.3 = 2.6). AAA-02 is new but not major: not listed.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from app.domain.checklist import Checklist
from app.domain.loader import load_checklist_file
from app.domain.progress import (
    NEW_IN_VERSION,
    ActionState,
    PlannedStep,
    action_state,
    compare,
    progress,
    round_result,
)
from app.domain.results import score_assessment
from app.domain.scoring import Answer
from app.extensions import db
from app.models import Assessment, PlannedAction
from app.services.reporting.progress import NothingToCompare, baseline_of, build_progress, render_progress_pdf
from tests.conftest import MINI, text_of

ROUND_2025 = {
    "AAA-01": 1,
    "AAA-02": "not evidenced",
    "AAA-03": None,
    "BBB-01": 0,
    "BBB-02": 2,
    "FFF-01": 3,
    "FFF-02": 1,
}
ROUND_2026 = {
    "AAA-01": 3,
    "AAA-02": 1,
    "AAA-03": 3,
    "BBB-01": 1,
    "BBB-02": 3,
    "FFF-01": 1,
    "FFF-02": "not applicable",
}
#: (title, gaps, due, status in the 2025 plan, status of its copy in 2026 or None when not carried)
PLAN_2025 = (
    ("Write the essential procedure", ("AAA-01",), dt.date(2025, 6, 30), "in_progress", "done"),
    ("Introduce signed and dated seals", ("BBB-01",), dt.date(2020, 1, 31), "agreed", "in_progress"),
    ("Add a serial number field", ("FFF-02",), dt.date(2099, 12, 31), "agreed", "agreed"),
    ("Lock the store", ("BBB-02",), dt.date(2020, 1, 31), "proposed", None),
)
ON = dt.date(2026, 6, 1)

EXPECTED_CLOSED = ["AAA-01", "BBB-02"]
EXPECTED_STILL_OPEN = ["BBB-01"]
EXPECTED_NEW = ["AAA-02", "FFF-01"]
EXPECTED_NOT_COMPARABLE = ["AAA-03", "FFF-02"]
EXPECTED_ACTIONS = {
    "Write the essential procedure": ActionState.DONE,
    "Introduce signed and dated seals": ActionState.OVERDUE,
    "Add a serial number field": ActionState.STILL_OPEN,
    "Lock the store": ActionState.DROPPED,
}


def answer(value) -> Answer:
    if value == "not evidenced":
        return Answer(not_evidenced=True)
    if value == "not applicable":
        return Answer(not_applicable=True)
    return Answer(value=value, basis="sop_text") if value is not None else Answer()


def checked_figures(p) -> None:
    """The hand-computed figures of the module's docstring."""
    overall = p.overall.figures
    assert round(overall[0].shown, 4) == round(6 / 13, 4) and round(overall[0].coverage, 4) == round(5 / 7, 4)
    assert round(overall[1].shown, 4) == round(13 / 21, 4) and overall[1].coverage == 1
    assert round(p.overall.change * 100) == 16
    by_id = {t.key: t for t in p.sections}
    assert list(by_id) == ["AAA", "BBB", "FFF"]
    aaa, bbb, fff = by_id["AAA"], by_id["BBB"], by_id["FFF"]
    assert aaa.figures[0].withheld and aaa.figures[0].shown is None and round(aaa.figures[0].coverage, 4) == 0.3333
    assert aaa.withheld_rounds == (0,) and aaa.change is None
    assert round(aaa.figures[1].shown, 4) == round(14 / 18, 4)
    assert round(bbb.figures[0].shown, 4) == round(4 / 15, 4) and round(bbb.figures[1].shown, 4) == 0.6
    assert round(bbb.change * 100) == 33
    assert round(fff.figures[0].shown, 4) == round(11 / 15, 4) and round(fff.figures[1].shown, 4) == round(1 / 3, 4)
    assert fff.figures[1].applicable == 1 and round(fff.change * 100) == -40
    assert p.before.overall.major_gaps == 2 and p.now.overall.major_gaps == 2

    c = p.changes
    assert [x.requirement_id for x in c.closed] == EXPECTED_CLOSED
    assert [x.requirement_id for x in c.still_open] == EXPECTED_STILL_OPEN
    assert [x.requirement_id for x in c.new] == EXPECTED_NEW
    assert [x.requirement_id for x in c.new_major] == ["FFF-01"]
    assert [x.requirement_id for x in c.not_comparable] == EXPECTED_NOT_COMPARABLE
    assert [(x.before, x.after) for x in c.closed] == [(1, 3), (2, 3)]
    assert (c.still_open[0].before, c.still_open[0].after) == (0, 1)
    assert [(x.before, x.after) for x in c.new] == [("not_evidenced", 1), (3, 1)]
    assert [(x.before, x.after) for x in c.not_comparable] == [("open", 3), (1, "not_applicable")]

    assert {o.step.title: o.state for o in p.actions} == EXPECTED_ACTIONS
    assert [o.state for o in p.actions] == [  # overdue first, then still open, dropped, done
        ActionState.OVERDUE,
        ActionState.STILL_OPEN,
        ActionState.DROPPED,
        ActionState.DONE,
    ]
    first, second = p.next
    assert first.action.step.title == "Introduce signed and dated seals" and first.action.gaps_open == ("BBB-01",)
    assert second.gap.requirement.id == "FFF-01" and second.new and round(second.gap.priority, 4) == 2.6
    assert len(p.next) == 2 and p.next.more_gaps == p.next.more_overdue == 0
    assert p.changes.still_open_moves == (1, 0, 0)  # BBB-01 from 0 to 1


# --- the domain, on plain data -----------------------------------------------------------------


@pytest.fixture(scope="module")
def mini() -> Checklist:
    return load_checklist_file(MINI)[0]


def result_of(mini: Checklist, label: str, values: dict):
    answers = {rid: answer(v) for rid, v in values.items()}
    return score_assessment(mini, ["firearms"], answers, "onsite")


def test_progress_figures_gaps_and_actions_match_the_hand_computed_example(mini):
    before = round_result("2025", mini, result_of(mini, "2025", ROUND_2025))
    later = result_of(mini, "2026", ROUND_2026)
    now = round_result("2026", mini, later)
    steps = [
        PlannedStep(key=i, title=t, owner="", due_on=due, status=copy or own, carried=copy is not None, gap_ids=gaps)
        for i, (t, gaps, due, own, copy) in enumerate(PLAN_2025)
    ]
    checked_figures(progress([before, now], steps, later.gaps, ON))


def test_an_action_due_today_is_not_overdue_and_a_done_one_never_is():
    step = PlannedStep(key=1, title="t", owner="", due_on=ON, status="agreed", carried=True)
    assert action_state(step, ON) is ActionState.STILL_OPEN
    assert action_state(step, ON + dt.timedelta(days=1)) is ActionState.OVERDUE
    done = PlannedStep(key=2, title="t", owner="", due_on=dt.date(2020, 1, 1), status="done", carried=False)
    assert action_state(done, ON) is ActionState.DONE  # done and not carried: done, not dropped


def test_a_requirement_new_in_the_later_version_is_a_new_gap_and_one_unanswered_now_not_comparable(mini):
    first = mini.sections[0]
    earlier = replace(mini, sections=(replace(first, requirements=first.requirements[:2]), *mini.sections[1:]))
    before = round_result("2025", earlier, score_assessment(earlier, [], {"AAA-01": answer(3), "AAA-02": answer(1)}))
    later_values = {"AAA-01": answer(3), "AAA-03": answer(0)}
    now = round_result("2026", mini, score_assessment(mini, [], later_values))
    changes = compare(before, now)
    assert [(c.requirement_id, c.before) for c in changes.new] == [("AAA-03", NEW_IN_VERSION)]
    assert ("AAA-02", 1, "open") in [(c.requirement_id, c.before, c.after) for c in changes.not_comparable]


# --- the service, the pages, the PDF and the command ----------------------------------------


def set_answers(assessment: Assessment, values: dict) -> dict:
    responses = {r.requirement.code: r for r in assessment.responses}
    for rid, value in values.items():
        r = responses[rid]
        if value == "not evidenced":
            r.not_evidenced = True
        elif value == "not applicable":
            r.not_applicable, r.na_justification = True, "The unit never handles firearm parts."
        elif value is not None:
            r.value, r.basis = value, "sop_text"
    return responses


@pytest.fixture
def rounds(make_unit, make_programme, make_assessment):
    """Units U1 (the example) and U2; assessments A (2025) and B (2026, predecessor A), with A's plan carried."""
    unit = make_unit("U1")
    make_unit("U2")
    programme = make_programme("Western Balkans", units=[unit], rounds=("2025", "2026"))
    first, second = programme.rounds
    a = make_assessment(unit, title="SOP review 2025")
    a.round, a.assessed_on = first, dt.date(2025, 3, 10)
    earlier = set_answers(a, ROUND_2025)
    b = make_assessment(unit, title="SOP review 2026")
    b.round, b.predecessor, b.assessed_on = second, a, dt.date(2026, 3, 12)
    later = set_answers(b, ROUND_2026)
    for title, gaps, due, own, copy in PLAN_2025:
        action = PlannedAction(
            assessment=a, title=title, owner="Head of unit", due_on=due, status=own, gaps=[earlier[g] for g in gaps]
        )
        db.session.add(action)
        db.session.flush()
        if copy is not None:
            carried = action.carry(b, [later[g] for g in gaps])
            carried.status = copy
            db.session.add(carried)
    db.session.commit()
    return a, b


def test_build_progress_follows_the_chain_and_gives_the_hand_computed_figures(rounds):
    a, b = rounds
    data = build_progress(b, ON)
    assert [s.assessment.id for s in data.steps] == [a.id, b.id]
    assert [s.name for s in data.steps] == ["round 2025", "round 2026"]
    checked_figures(data.progress)
    assert data.change_points == 16
    assert data.counts["closed"] == 2 and data.counts["new_major"] == 1 and data.counts["actions_dropped"] == 1


def test_a_withheld_figure_has_no_point_on_the_trend_and_the_page_says_withheld(rounds, make_user, login, client):
    _a, b = rounds
    rows = {row.title: row for row in build_progress(b, ON).chart.rows}
    assert [p.round_index for p in rows["Alpha section"].points] == [1]  # 2025 withheld: no dot
    assert [p.round_index for p in rows["Beta section"].points] == [0, 1]
    login(make_user("viewer", units=[b.unit]))
    response = client.get(f"/assessments/{b.id}/progress")
    html = response.get_data(as_text=True)
    alpha = html.split(">Alpha section</text>")[1].split("</g>")[0]
    assert alpha.count('class="point"') == 1 and "withheld 33%" in alpha
    page = text_of(response)
    assert "Alpha section (round 2025)" in page  # the list of withheld figures


def test_an_upgrade_in_the_same_round_is_walked_through_to_the_earlier_round(
    make_unit, make_programme, make_assessment
):
    unit = make_unit("U3")
    first, second = make_programme("Another", units=[unit], rounds=("2025", "2026")).rounds
    c = make_assessment(unit, title="2025")
    c.round = first
    upgraded = make_assessment(unit, title="2025 upgraded")  # an upgrade: same round, predecessor c
    upgraded.round, upgraded.predecessor = first, c
    d = make_assessment(unit, title="2026")  # the follow-up of the upgraded one
    d.round, d.predecessor = second, upgraded
    d_upgraded = make_assessment(unit, title="2026 upgraded")
    d_upgraded.round, d_upgraded.predecessor = second, d
    db.session.commit()
    assert baseline_of(d).id == upgraded.id  # the last one reached in 2025 stands for it
    assert baseline_of(d_upgraded).id == upgraded.id
    assert [s.assessment.id for s in build_progress(d_upgraded).steps] == [upgraded.id, d_upgraded.id]
    with pytest.raises(NothingToCompare):  # an upgrade in the same round is no step of progress
        build_progress(upgraded)


def test_the_unit_viewer_sees_the_page_and_the_results_page_links_it(rounds, make_user, login, client):
    a, b = rounds
    login(make_user("viewer", units=[b.unit]))
    page = text_of(client.get(f"/assessments/{b.id}/progress"))
    assert "From round 2025 to round 2026" in page
    assert "2 gaps were closed, 1 is still open and 2 are new (1 of them major)" in page
    assert "Of the 4 actions planned in round 2025: done 1, overdue 1, dropped 1, still open 1." in page
    assert "Progress since round 2025" in text_of(client.get(f"/assessments/{b.id}"))
    assert "Progress since" not in text_of(client.get(f"/assessments/{a.id}"))


def test_another_units_head_gets_404_for_the_page_and_the_pdf(rounds, make_user, login, client):
    _a, b = rounds
    other = db.session.query(type(b.unit)).filter_by(code="U2").one()
    login(make_user("unit_head", units=[other]))
    assert client.get(f"/assessments/{b.id}/progress").status_code == 404
    assert client.get(f"/assessments/{b.id}/progress.pdf").status_code == 404


def test_an_assessment_without_an_earlier_round_says_there_is_nothing_to_compare(rounds, make_user, login, client):
    a, _b = rounds
    login(make_user("viewer", units=[a.unit]))
    response = client.get(f"/assessments/{a.id}/progress")
    assert response.status_code == 200
    assert f"There is nothing to compare yet: assessment {a.id} has no predecessor in an earlier round." in text_of(
        response
    )


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_a_progress_report_in_a_language_not_offered_is_refused_naming_the_languages(rounds, make_user, login, client):
    _a, b = rounds
    login(make_user("viewer", units=[b.unit]))
    refused = client.get(f"/assessments/{b.id}/progress.pdf?lang=xx")
    assert refused.status_code == 400 and refused.mimetype == "text/html"
    assert "There is no report in the language 'xx' here. Languages offered: en," in text_of(refused)


def test_the_pdf_holds_the_summary_figures_and_its_title(rounds, make_user, login, client):
    _a, b = rounds
    login(make_user("viewer", units=[b.unit]))
    response = client.get(f"/assessments/{b.id}/progress.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    data = response.get_data()
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title.startswith("Progress report: Unit U1")
    first = " ".join(reader.pages[0].extract_text().split())
    assert "62%" in first and "46%" in first and "+16" in first
    assert "2 · 1 · 2" in first and "Gaps closed · still open · new" in first
    assert "1 · 1 · 1" in first and "Actions done · overdue · dropped" in first
    assert "Introduce signed and dated seals" in first and "FFF-01" in first
    text = pdf_text(data)
    assert "Closed (2)" in text and "Still open (1)" in text and "New (2)" in text and "Not comparable (2)" in text


def test_the_command_writes_the_pdf_and_says_what_it_compared(rounds, runner, tmp_path):
    _a, b = rounds
    out = tmp_path / "progress.pdf"
    result = runner.invoke(args=["report", "progress", str(b.id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    size = out.stat().st_size
    assert result.output.strip() == f"Wrote {out} ({size:,} bytes): progress of Unit U1 from round 2025 to round 2026"
    assert out.read_bytes().startswith(b"%PDF")


def test_the_command_refuses_an_assessment_without_an_earlier_round(rounds, runner, tmp_path):
    a, _b = rounds
    out = tmp_path / "none.pdf"
    result = runner.invoke(args=["report", "progress", str(a.id), "-o", str(out)])
    assert result.exit_code == 1
    assert (
        f"There is nothing to compare yet: assessment {a.id} has no predecessor in an earlier round." in result.output
    )
    assert not out.exists()


def test_the_pdf_is_tagged_pdf_a_like_the_gap_report(rounds):
    _a, b = rounds
    root = PdfReader(io.BytesIO(render_progress_pdf(b))).trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]  # tagged
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    metadata = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in metadata and b'pdfaid:conformance="A"' in metadata


def test_a_predecessor_of_another_unit_is_never_followed(rounds, make_assessment):
    a, b = rounds
    other = db.session.query(type(a.unit)).filter_by(code="U2").one()
    stray = make_assessment(other, title="Another unit's")
    stray.predecessor = b  # b (round 2026) has no successor yet; stray has no round, so b would be a step
    db.session.commit()
    assert baseline_of(stray) is None
    with pytest.raises(NothingToCompare):
        build_progress(stray)


def test_the_command_writes_the_report_in_serbian_cyrillic_and_refuses_an_unknown_language(rounds, runner, tmp_path):
    _a, b = rounds
    out = tmp_path / "progress-sr.pdf"
    result = runner.invoke(args=["report", "progress", str(b.id), "-o", str(out), "--lang", "sr-Cyrl"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out.read_bytes())
    assert "извештај о напретку" in text.casefold()  # the interface's words, in Cyrillic
    assert "Progress report" not in text
    refused = runner.invoke(args=["report", "progress", str(b.id), "-o", str(out), "--lang", "de"])
    assert refused.exit_code == 2 and "choose one of" in refused.output


def test_the_command_writes_a_bilingual_report_with_english_beside_and_refuses_bilingual_english(
    rounds, runner, tmp_path
):
    _a, b = rounds
    out = tmp_path / "progress-bi.pdf"
    result = runner.invoke(args=["report", "progress", str(b.id), "-o", str(out), "--lang", "sr-Cyrl", "--bilingual"])
    assert result.exit_code == 0, result.output
    assert "/ What the unit should do next" in " ".join(pdf_text(out.read_bytes()).split())
    refused = runner.invoke(args=["report", "progress", str(b.id), "-o", str(out), "--bilingual"])
    assert refused.exit_code == 2 and "--bilingual puts English beside another language" in refused.output
