"""Scene types a unit serves, and a first assessment that takes the essential requirements only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.domain.checklist import Focus
from app.domain.loader import load_checklist_file
from app.domain.workflow import Stage
from app.extensions import db
from app.models import Assessment, ChecklistVersion, Event
from app.services.assessment.assessments import create_assessment, score_sheet
from app.services.content.checklists import checklist_of, store_checklist
from app.services.exchange.imports import import_package
from app.services.exchange.packages import build_package, package_bytes
from app.services.reporting.reports import build_report, render_report_html
from tests.conftest import DATA, text_of

# mini.yaml: AAA-01 essential, AAA-02 important, AAA-03 desirable, BBB-01 essential, BBB-02
# important; the firearms module FFF-01 essential, FFF-02 important.
ESSENTIAL_STATEMENT = "First assessment: essential requirements only (3 of 7)"


@pytest.fixture
def unit_and_head(make_unit, make_user):
    unit = make_unit("SRB", name="Belgrade CSI")
    return unit, make_user("unit_head", units=[unit], name="Ana Head")


@pytest.fixture
def head(unit_and_head, login):
    unit, user = unit_and_head
    return unit, login(user)


@pytest.fixture
def shipped(app) -> ChecklistVersion:
    path = DATA.parent.parent / "checklists" / "csi-sop-enfsi.yaml"
    checklist, text = load_checklist_file(path)
    store_checklist(checklist, text, path.name)
    return db.session.scalar(select(ChecklistVersion).where(ChecklistVersion.version == checklist.version))


def _start(post, unit, version, **fields):
    data = {"unit": unit.id, "checklist": version.id, "title": "Spring", "scope": "onsite", **fields}
    return post("/assessments/new", data)


# --- choosing scene types ------------------------------------------------------------------


def test_the_form_asks_which_scene_types_the_unit_serves_with_what_each_adds(client, head, shipped):
    unit, _user = head
    page = client.get(f"/assessments/new?unit={unit.code}")
    html, words = page.get_data(as_text=True), text_of(page)
    assert "Which scene types does your unit serve?" in words
    checklist = checklist_of(shipped)
    for module in checklist.modules:
        assert re.search(
            rf'<input[^>]*checked[^>]*value="{module.id}"|<input[^>]*value="{module.id}"[^>]*checked', html
        )
        assert f"{module.title} adds {checklist.module_size(module.id)} requirements" in words
    assert "Vehicles examined as scenes or as items" in words  # each type's description
    assert "First assessment: essential requirements only" in words and "Full checklist" in words


def test_a_unit_serving_some_scene_types_gets_no_cards_or_figures_for_the_others(client, head, shipped, post):
    unit, _user = head
    response = _start(post, unit, shipped, modules=["firearms", "vehicles"])
    assert response.status_code == 302
    assessment = db.session.scalar(select(Assessment))
    assert assessment.modules == ["firearms", "vehicles"]
    codes = {r.requirement.code for r in assessment.responses}
    assert any(c.startswith("VEH-") for c in codes) and any(c.startswith("FLT-") for c in codes)
    assert not any(c.split("-")[0] in {"DIG", "FIR", "DEC", "DVI", "CBR"} for c in codes)
    sheet = score_sheet(assessment)
    assert sheet.result.overall.total == len(codes)
    assert {r.section.id for r in sheet.result.sections}.isdisjoint({"DIG", "FIR", "DEC", "DVI", "CBR"})

    results = text_of(client.get(f"/assessments/{assessment.id}"))
    assert "Scene types in scope: Firearms, ammunition and explosives, Vehicles." in results
    assert "Left out, not served by the unit: Fire and explosion scenes, Deceased persons" in results
    cards = client.get(f"/assessments/{assessment.id}/score?section=DIG")
    assert cards.status_code == 404 or "DIG-01" not in text_of(cards)

    report = render_report_html(build_report(assessment))
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", report))
    assert "Left out, not served by the unit: Fire and explosion scenes, Deceased persons" in words
    assert "DIG-01" not in words and "CBR-01" not in words


def test_the_form_refuses_a_module_id_it_does_not_know(client, head, mini_version, post):
    unit, _user = head
    response = _start(post, unit, mini_version, modules=["firearms", "submarines"])
    assert response.status_code == 400
    assert "There is no scene type submarines to choose." in text_of(response)
    assert db.session.scalar(select(Assessment)) is None


def test_the_command_line_takes_the_scene_type_ids_and_a_first_assessment(runner, make_unit, make_user, shipped):
    unit = make_unit("BIH")
    make_user("unit_head", units=[unit], email="head@bih.example")
    result = runner.invoke(
        args=["assessments", "create", "BIH", "--title", "First", "--module", "digital", "--module", "dvi-graves",
              "--essentials-only", "--by", "head@bih.example"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assessment = db.session.scalar(select(Assessment))
    assert assessment.modules == ["digital", "dvi-graves"] and assessment.focus == Focus.ESSENTIALS
    checklist = checklist_of(shipped)
    everything = list(checklist.requirements(assessment.modules))
    essentials = [r.id for r in everything if r.criticality == "essential"]
    assert sorted(r.requirement.code for r in assessment.responses) == sorted(essentials)
    assert f"First assessment: essential requirements only ({len(essentials)} of {len(everything)})" in result.output
    unknown = runner.invoke(
        args=["assessments", "create", "BIH", "--title", "X", "--module", "ships", "--by", "head@bih.example"]
    )
    assert unknown.exit_code == 1 and "has no module ships" in unknown.output


# --- a first assessment: the essentials only -------------------------------------------------


@pytest.fixture
def first(unit_and_head, mini_version) -> Assessment:
    """A first assessment (essentials only) with the firearms module; nobody signed in yet."""
    unit, user = unit_and_head
    assessment = create_assessment(
        unit=unit,
        version=mini_version,
        title="First",
        modules=["firearms"],
        scope="onsite",
        focus="essentials",
        user=user,
    )
    db.session.commit()
    return assessment


@pytest.fixture
def first_as_head(first, unit_and_head, login) -> Assessment:
    login(unit_and_head[1])
    return first


def test_the_form_starts_a_first_assessment(client, head, mini_version, post):
    unit, _user = head
    assert _start(post, unit, mini_version, modules=["firearms"], focus="essentials").status_code == 302
    assessment = db.session.scalar(select(Assessment))
    assert assessment.focus == Focus.ESSENTIALS and len(assessment.responses) == 3


@pytest.mark.usefixtures("first_as_head")
def test_a_first_assessment_has_cards_and_figures_for_the_essentials_only(client, first, save_response):
    assert first.focus == "essentials"
    assert sorted(r.requirement.code for r in first.responses) == ["AAA-01", "BBB-01", "FFF-01"]
    for code in ("AAA-01", "BBB-01", "FFF-01"):
        assert save_response(first.id, code, score=3, basis="sop_text").status_code in (200, 302)
    sheet = score_sheet(db.session.get(Assessment, first.id))
    assert (sheet.result.overall.total, sheet.result.overall.score) == (3, 1.0)

    cards = text_of(client.get(f"/assessments/{first.id}/score?section=AAA"))
    assert "AAA-01" in cards and "AAA-02" not in cards and "AAA-03" not in cards
    assert ESSENTIAL_STATEMENT in cards
    assert ESSENTIAL_STATEMENT in text_of(client.get(f"/assessments/{first.id}"))
    # a non-essential requirement has no card to save
    assert save_response(first.id, "AAA-02", score=3, basis="sop_text", version=1).status_code in (400, 404)


@pytest.mark.usefixtures("first_as_head")
def test_the_report_of_a_first_assessment_says_so_and_counts_essentials_only(client, first):
    preview = text_of(client.get(f"/assessments/{first.id}/report"))
    assert ESSENTIAL_STATEMENT in preview
    assert "Of 3 applicable requirements" in preview and "AAA-02" not in preview


@pytest.mark.usefixtures("first_as_head")
def test_a_unit_head_widens_a_first_assessment_keeping_its_answers(client, first, post, save_response):
    save_response(first.id, "AAA-01", score=2, basis="sop_text", evidence_note="SOP 4.1")
    confirm = client.get(f"/assessments/{first.id}/widen")
    assert confirm.status_code == 200 and "Widening adds 4 requirements to score" in text_of(confirm)

    assert post(f"/assessments/{first.id}/widen").status_code == 302
    widened = db.session.get(Assessment, first.id)
    db.session.refresh(widened)
    assert widened.focus == Focus.FULL and len(widened.responses) == 7
    kept = next(r for r in widened.responses if r.requirement.code == "AAA-01")
    assert (kept.value, kept.evidence_note) == (2, "SOP 4.1")
    assert score_sheet(widened).result.overall.total == 7
    assert "First assessment" not in text_of(client.get(f"/assessments/{first.id}"))
    event = db.session.scalar(select(Event).where(Event.name == "assessment.widened"))
    assert event is not None and "4 requirements added" in event.summary
    again = post(f"/assessments/{first.id}/widen")
    assert again.status_code == 400 and "already takes the full checklist" in text_of(again)


@pytest.mark.usefixtures("first_as_head")
def test_widening_needs_confirmation_with_a_csrf_token(client, first):
    assert client.post(f"/assessments/{first.id}/widen").status_code in (400, 403)
    assert db.session.get(Assessment, first.id).focus == Focus.ESSENTIALS


@pytest.mark.parametrize("role", ["assessor", "viewer", "expert"])
def test_only_the_unit_head_widens(client, first, login, post, make_user, role):
    login(make_user(role, units=[first.unit]))
    assert post(f"/assessments/{first.id}/widen").status_code == 403
    assert "widen to the full checklist" not in text_of(client.get(f"/assessments/{first.id}"))
    assert db.session.get(Assessment, first.id).focus == Focus.ESSENTIALS


def test_another_units_head_cannot_widen(first, login, post, make_user, make_unit):
    login(make_user("unit_head", units=[make_unit("U2")]))
    assert post(f"/assessments/{first.id}/widen").status_code == 404


@pytest.mark.usefixtures("first_as_head")
def test_a_submitted_first_assessment_is_not_widened(first, post):
    first.stage = Stage.SUBMITTED
    db.session.commit()
    response = post(f"/assessments/{first.id}/widen")
    assert response.status_code in (403, 409)
    assert db.session.get(Assessment, first.id).focus == Focus.ESSENTIALS


# --- exchange ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("first_as_head")
def test_a_package_keeps_the_first_assessment_flag(first):
    package = build_package(db.session.get(Assessment, first.id))
    assert package["assessment"]["focus"] == "essentials" and len(package["responses"]) == 3
    package["assessment"]["title"] = "Carried"
    copy = import_package(package_bytes(package)).assessment
    assert copy.focus == Focus.ESSENTIALS and len(copy.responses) == 3


def test_an_older_package_without_the_flag_imports_as_the_full_checklist(unit_and_head, make_assessment):
    unit, _user = unit_and_head
    full = make_assessment(unit)
    package = build_package(full)
    assert "focus" not in package["assessment"]  # a full assessment's package is as before
    package["assessment"]["title"] = "Old field laptop"
    copy = import_package(package_bytes(package)).assessment
    assert copy.focus == Focus.FULL and len(copy.responses) == 7


def test_the_dashboard_says_a_first_assessments_figures_are_of_the_essentials(client, first_as_head):
    page = text_of(client.get("/"))
    assert "First" in page and "first assessment: essentials only" in page
