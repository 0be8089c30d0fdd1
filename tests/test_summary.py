"""Where an assessment stands: one set of facts for ``flask assessments summary``, the pages and the report."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.domain.scoring import enough_evidence, shown_score
from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, Consultation
from app.services.assessment.assessments import create_assessment, score_sheet
from app.services.assessment.plans import suggest_actions
from app.services.assessment.responses import ResponseInput, ReviewInput, Score, save_response, save_review
from app.services.assessment.summary import summary_of
from app.services.content.checklists import checklist_of
from app.services.reporting.reports import render_report_pdf
from tests.conftest import move_to, text_of

NAMES = [
    "stage",
    "scope",
    "completeness",
    "evidence coverage",
    "overall",
    "self-assessed overall",
    "agreed",
    "unanswered in scope",
    "re-check left",
    "gaps without action",
    "major",
    "minor",
    "observations",
    "good practices",
    "focus",  # added with first assessments: lines are only ever appended
    "scene types left out",
]


@pytest.fixture
def people(make_unit, make_user):
    unit = make_unit("U1")
    return {
        "unit": unit,
        "head": make_user("unit_head", units=[unit], name="Ana Head"),
        "expert": make_user("expert", units=[unit], name="Dr Marko Expert"),
    }


def fresh(assessment: Assessment) -> Assessment:
    db.session.expire_all()
    return db.session.get(Assessment, assessment.id)


def score(assessment: Assessment, user, **values) -> None:
    """The unit's own scores, from SOP text: ``AAA_01=3``."""
    sheet = score_sheet(fresh(assessment))
    for key, value in values.items():
        rid = key.replace("_", "-")
        data = ResponseInput(value=value, basis="sop_text")
        save_response(sheet, rid, data, expected_version=sheet.responses[rid].version, user=user)
    db.session.commit()


def review(assessment: Assessment, user, rid: str, value: int, finding=None, agreed=None) -> None:
    """The expert's score of one requirement, a finding, and (after the consultation) the agreed score."""
    sheet = score_sheet(fresh(assessment))
    review = sheet.responses[rid].review
    stance = "agree" if value == sheet.responses[rid].value else "disagree"
    data = ReviewInput(
        value=value,
        stance=stance,
        comment="" if stance == "agree" else "The records do not show it.",
        finding=finding,
        agreed=Score(value=agreed) if agreed is not None else None,
    )
    save_review(sheet, rid, data, expected_version=review.version if review else None, user=user)
    db.session.commit()


def plan_every_gap(assessment: Assessment, user) -> None:
    suggest_actions(score_sheet(fresh(assessment)), user)
    db.session.commit()


def text_of_html(html: str) -> str:
    """The visible text of a piece of HTML, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def header_of(response) -> str:
    """The visible text of the headline an assessment page opens with (its overall score)."""
    html = response.get_data(as_text=True)
    return text_of_html(html.split('<div class="headline">', 1)[1].split('<nav class="tabs"', 1)[0])


def lines_of(output: str) -> dict[str, str]:
    pairs = [line.split(": ", 1) for line in output.splitlines()]
    assert [name for name, _value in pairs] == NAMES  # every line, in this order, and nothing else
    return dict(pairs)


@pytest.fixture
def partly_scored(people, make_assessment):
    """3 of 7 requirements scored (AAA-01 at 1, AAA-02 at 0, BBB-01 at 3), one not evidenced and carried over."""
    assessment = make_assessment(people["unit"])
    score(assessment, people["head"], AAA_01=1, AAA_02=0, BBB_01=3)
    response = score_sheet(fresh(assessment)).responses["FFF-01"]
    response.not_evidenced, response.recheck, response.carried_from = True, True, "0.9 FFF-01"
    db.session.commit()
    return fresh(assessment)


@pytest.fixture
def agreed(people, make_assessment):
    """Every requirement answered and reviewed, two scores agreed lower, four findings, every gap in an action."""
    head, expert = people["head"], people["expert"]
    assessment = make_assessment(people["unit"])
    score(assessment, head, AAA_01=3, AAA_02=2, AAA_03=3, BBB_01=3, BBB_02=3, FFF_01=2, FFF_02=3)
    plan_every_gap(assessment, head)
    move_to(assessment, Move.SUBMIT, head)
    move_to(assessment, Move.START_REVIEW, expert)
    findings = {"AAA-01": "major_nc", "AAA-02": "minor_nc", "AAA-03": "good_practice", "BBB-01": "observation"}
    expert_scores = {"AAA-01": 1, "AAA-02": 2, "AAA-03": 3, "BBB-01": 2, "BBB-02": 3, "FFF-01": 2, "FFF-02": 3}
    for rid, value in expert_scores.items():
        review(assessment, expert, rid, value, finding=findings.get(rid))
    db.session.add(Consultation(assessment=assessment, held_on=dt.date(2026, 3, 2), participants=[{"name": "Ana"}]))
    db.session.commit()
    move_to(assessment, Move.HOLD_CONSULTATION, expert)
    review(assessment, expert, "AAA-01", 1, finding="major_nc", agreed=1)
    review(assessment, expert, "BBB-01", 2, finding="observation", agreed=2)
    plan_every_gap(assessment, head)  # the lower agreed scores opened gaps
    move_to(fresh(assessment), Move.CONFIRM_AGREEMENT, head)
    return fresh(assessment)


# --- the command -------------------------------------------------------------------------


def test_summary_of_a_fresh_assessment_withholds_both_overalls(runner, people, make_assessment):
    assessment = make_assessment(people["unit"])
    result = runner.invoke(args=["assessments", "summary", str(assessment.id)])
    assert result.exit_code == 0, result.output
    assert lines_of(result.output) == {
        "stage": "self_assessment",
        "scope": "onsite",
        "completeness": "0%",
        "evidence coverage": "0%",
        "overall": "withheld",
        "self-assessed overall": "withheld",
        "agreed": "0",
        "unanswered in scope": "7",
        "re-check left": "0",
        "gaps without action": "0",
        "major": "0",
        "minor": "0",
        "observations": "0",
        "good practices": "0",
        "focus": "full",
        "scene types left out": "none",
    }


def test_summary_of_a_partly_scored_assessment_withholds_the_overall_below_half_decided(runner, partly_scored):
    result = runner.invoke(args=["assessments", "summary", str(partly_scored.id)])
    assert result.exit_code == 0, result.output
    assert lines_of(result.output) == {
        "stage": "self_assessment",
        "scope": "onsite",
        "completeness": "57%",  # 4 of 7 gone through: not evidenced is an answer ...
        "evidence coverage": "43%",  # ... but not evidence: 3 of 7 scored, under half
        "overall": "withheld",
        "self-assessed overall": "withheld",
        "agreed": "0",
        "unanswered in scope": "3",
        "re-check left": "1",
        "gaps without action": "2",  # AAA-01 and AAA-02
        "major": "0",
        "minor": "0",
        "observations": "0",
        "good practices": "0",
        "focus": "full",
        "scene types left out": "none",
    }


def test_summary_of_an_agreed_assessment_counts_agreed_scores_and_findings(runner, agreed):
    result = runner.invoke(args=["assessments", "summary", str(agreed.id)])
    assert result.exit_code == 0, result.output
    # Weights 3 essential, 2 important, 1 desirable over 16. The unit's own: 14.33 / 16;
    # with AAA-01 agreed at 1 and BBB-01 at 2 instead of 3: 11.33 / 16.
    assert lines_of(result.output) == {
        "stage": "agreed",
        "scope": "onsite",
        "completeness": "100%",
        "evidence coverage": "100%",
        "overall": "71%",
        "self-assessed overall": "90%",
        "agreed": "2",
        "unanswered in scope": "0",
        "re-check left": "0",
        "gaps without action": "0",
        "major": "1",
        "minor": "1",
        "observations": "1",
        "good practices": "1",
        "focus": "full",
        "scene types left out": "none",
    }


def test_summary_of_a_missing_assessment_exits_1_with_a_message(runner, app):
    result = runner.invoke(args=["assessments", "summary", "999"])
    assert result.exit_code == 1
    assert "no assessment 999; 'flask assessments list' shows them" in result.output


def test_summary_of_an_id_that_is_not_a_number_is_refused(runner, app):
    result = runner.invoke(args=["assessments", "summary", "first"])
    assert result.exit_code == 2 and "'first' is not a valid integer" in result.output


# --- the facts the pages and the report share ------------------------------------------------


def test_the_overall_says_how_many_agreed_and_own_scores_it_counts(agreed):
    summary = summary_of(score_sheet(agreed))
    assert (summary.counted_agreed, summary.counted_own) == (2, 5)
    assert summary.mixes_agreed_scores and summary.reviewed and not summary.internal_check
    assert (summary.calibration.count, round(summary.calibration.exact, 2)) == (7, round(5 / 7, 2))


def test_withheld_overall_says_how_many_requirements_were_decided(partly_scored):
    summary = summary_of(score_sheet(partly_scored))
    assert summary.withheld and summary.overall_score is None
    assert summary.withheld_reason == "Not enough evidence for an overall score (3 of 7 requirements decided)"
    assert summary.overall.score is not None  # computed, never shown


@pytest.mark.parametrize(("coverage", "shown"), [(None, False), (0.0, False), (0.499, False), (0.5, True), (1.0, True)])
def test_a_score_is_shown_from_half_its_applicable_requirements_scored_from_evidence(coverage, shown):
    assert enough_evidence(coverage) is shown
    assert shown_score(0.59, coverage) == (0.59 if shown else None)


def test_an_overall_of_half_the_requirements_decided_is_shown(people, make_assessment):
    assessment = make_assessment(people["unit"], modules=())  # 5 requirements, 3 of them essential or important
    score(assessment, people["head"], AAA_01=3, AAA_02=3)
    assert summary_of(score_sheet(fresh(assessment))).withheld  # 2 of 5
    score(assessment, people["head"], BBB_01=0)
    summary = summary_of(score_sheet(fresh(assessment)))
    assert not summary.withheld and summary.withheld_reason is None  # 3 of 5
    assert summary.overall_score == pytest.approx((3 + 2) / (3 + 2 + 3))


def test_a_partial_internal_check_is_known_as_such(people, partly_scored):
    score_sheet(partly_scored).responses["FFF-01"].recheck = False  # re-checked: only the unanswered stay open
    db.session.commit()
    move_to(fresh(partly_scored), Move.FINALISE, people["head"])
    summary = summary_of(score_sheet(fresh(partly_scored)))
    assert summary.internal_check and summary.partial and summary.unanswered == 3
    assert not summary.reviewed and not summary.mixes_agreed_scores


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def as_head(people, login):
    return login(people["head"])


def test_header_withholds_the_overall_and_says_how_much_was_decided(client, as_head, partly_scored):
    # 3 of 7 scored: the computed overall (AAA-01 at 1, AAA-02 at 0, BBB-01 at 3: 4 of 8, 50%) is never printed.
    for tab in ("", "/score", "/calibration", "/terms", "/plan"):
        head = header_of(client.get(f"/assessments/{partly_scored.id}{tab}"))
        assert "Overall score withheld Not enough evidence for an overall score (3 of 7 requirements decided)" in head
        assert "50%" not in head


def test_header_shows_the_overall_with_its_evidence_coverage_beside_it(client, as_head, agreed):
    page = client.get(f"/assessments/{agreed.id}/score")
    assert "71% overall score evidence coverage 100%" in header_of(page)
    assert "data-overall-withheld-box hidden" in page.get_data(as_text=True)  # kept for scoring.js, not shown


def test_results_headline_of_little_evidence_leads_with_the_coverage_not_a_score(client, as_head, partly_scored):
    page = client.get(f"/assessments/{partly_scored.id}").get_data(as_text=True)
    figures = text_of_html(page.split('<section class="figures"', 1)[1].split(">", 1)[1].split("</section>", 1)[0])
    assert figures.startswith("43% evidence coverage: 3 of 7 applicable requirements scored.")
    assert "Not enough evidence for an overall score (3 of 7 requirements decided)" in figures
    assert "Partial internal check" not in page  # not finalised: a draft, not a check


def test_results_headline_says_what_the_overall_counts_beside_the_self_assessed_one_and_calibration(
    client, as_head, agreed
):
    page = text_of(client.get(f"/assessments/{agreed.id}"))
    assert "71% overall score, weighted, counting agreed scores for 2 requirements, the unit's own for 5" in page
    assert "90% the unit's self-assessed overall: its own scores alone, before the review" in page
    assert "exact agreement 71%, weighted kappa" in page and "over 7 requirements both scored." in page


def test_results_of_a_partial_internal_check_say_so_first(client, people, as_head, partly_scored):
    score_sheet(partly_scored).responses["FFF-01"].recheck = False
    db.session.commit()
    move_to(fresh(partly_scored), Move.FINALISE, people["head"])
    page = text_of(client.get(f"/assessments/{partly_scored.id}"))
    assert "Partial internal check: 3 of 7 in-scope requirements were not answered." in page
    assert page.index("Partial internal check") < page.index("evidence coverage: 3 of 7")


@pytest.mark.parametrize("where", ["/", "/units/U1"])
def test_lists_withhold_a_score_resting_on_too_little_evidence_and_show_the_evidence(
    client, as_head, partly_scored, agreed, where
):
    page = text_of(client.get(where))
    assert "withheld evidence 43%" in page  # the partly scored assessment
    assert "71% evidence 100%" in page  # the agreed one


def test_autosave_answer_carries_the_coverage_and_why_the_overall_is_withheld(
    as_head, people, make_assessment, save_response
):
    assessment = make_assessment(people["unit"])
    body = save_response(assessment.id, "AAA-01", json=True, score=3).get_json()
    assert body["overall"]["score"] == "–" and body["overall"]["coverage"] == "14%"
    assert body["overall"]["withheld"] == "Not enough evidence for an overall score (1 of 7 requirements decided)"
    assert (body["overall"]["decided"], body["overall"]["applicable"]) == (1, 7)
    assert "withheld" not in body["section"]  # a section reads "not assessed", never "overall"
    for rid in ("AAA-02", "AAA-03", "BBB-01"):
        body = save_response(assessment.id, rid, json=True, score=3).get_json()
    assert body["overall"]["score"] == "100%" and body["overall"]["withheld"] is None


# --- the report ----------------------------------------------------------------------------


def summary_of_report(client, assessment: Assessment) -> str:
    """The executive summary of the report's HTML preview, as text."""
    html = client.get(f"/assessments/{assessment.id}/report").get_data(as_text=True)
    return text_of_html(html.split('id="h-summary"', 1)[1].split("</section>", 1)[0])


def test_report_summary_of_little_evidence_never_leads_with_a_withheld_overall(client, as_head, partly_scored):
    summary = summary_of_report(client, partly_scored)
    figures = summary.split("the unit's own internal check.", 1)[-1]
    assert (
        "43% Evidence coverage: 3 of 7 applicable requirements scored from evidence. Overall score withheld." in figures
    )
    assert "Not enough evidence for an overall score (3 of 7 requirements decided)" in summary
    assert "meets" not in summary and "50%" not in summary


def test_report_summary_says_what_the_overall_counts_beside_the_self_assessed_one_and_calibration(
    client, as_head, agreed
):
    summary = summary_of_report(client, agreed)
    assert "71% Overall score, at evidence coverage 100% (7 of 7 applicable scored)" in summary
    assert "90% The unit's self-assessed overall: its own scores alone, before the review" in summary
    assert "The overall counts agreed scores for 2 requirements, the unit's own for 5." in summary
    assert "The unit's own scores alone give 90%." in summary
    assert "Self-assessment against the expert: exact agreement 71%, weighted kappa" in summary
    assert "1 · 1 Major · minor nonconformities; 1 observation, 1 good practice" in summary


def test_report_of_a_partial_internal_check_says_so_on_the_cover_and_the_summary(app, people, partly_scored):
    score_sheet(partly_scored).responses["FFF-01"].recheck = False
    db.session.commit()
    move_to(fresh(partly_scored), Move.FINALISE, people["head"])
    pages = [
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(render_report_pdf(fresh(partly_scored)))).pages
    ]
    note = "Partial internal check: 3 of 7 in-scope requirements were not answered."
    assert note in pages[0] and "internal check: no external expert reviewed it".upper() in pages[0].upper()
    assert pages[1].startswith("Executive summary " + note)
    results = next(p for p in pages if "2. Results by area" in p)
    assert "All areas withheld 3/7" in results


def test_spreadsheet_sections_say_not_assessed_where_too_little_was_scored(client, as_head, partly_scored):
    book = load_workbook(io.BytesIO(client.get(f"/assessments/{partly_scored.id}/export.xlsx").data))
    rows = {row[0].value: (row[5].value, row[6].value) for row in book["Sections"].iter_rows(min_row=2)}
    # Alpha: 2 of 3 scored (AAA-01 at 1, AAA-02 at 0); Beta: 1 of 2; Firearms: nothing scored.
    assert rows == {"AAA": (pytest.approx(1 / 5), pytest.approx(2 / 3)), "BBB": (1, 0.5), "FFF": ("not assessed", 0)}


def test_summary_of_a_first_assessment_says_essentials_and_the_scene_types_left_out(runner, people, mini_version):
    assessment = create_assessment(
        unit=people["unit"], version=mini_version, title="First", modules=(), scope="onsite", focus="essentials"
    )
    db.session.commit()
    result = runner.invoke(args=["assessments", "summary", str(assessment.id)])
    lines = lines_of(result.output)
    essentials = sum(1 for r in checklist_of(mini_version).requirements(()) if r.criticality == "essential")
    assert lines["focus"] == f"essentials {essentials} of 5"
    assert lines["scene types left out"] == "firearms"
