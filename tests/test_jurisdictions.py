"""Jurisdiction profiles: the shipped files are valid and honest about what is unconfirmed; a unit
belongs to one; its pages and reports show its zone and currency; and requirements that declare
applicability conditions start N/A with the profile's reason where the profile contradicts them."""

from __future__ import annotations

import datetime as dt
import io
import json
import zoneinfo
from pathlib import Path

import pytest
from babel import Locale
from pypdf import PdfReader

from app.domain import jurisdiction_names
from app.domain.applicability import decide, set_from_profile
from app.domain.jurisdictions import (
    APPLICABILITY_FIELDS,
    ProfileInvalid,
    in_jurisdiction,
    load_profiles,
    validate_profile_file,
)
from app.domain.loader import load_checklist_file
from app.extensions import db
from app.models import Assessment, ChecklistVersion, PlannedAction, Response, Unit
from app.services.assessment.assessments import create_assessment, score_sheet
from app.services.assessment.plans import plan_of, suggest_actions
from app.services.content.checklists import store_checklist
from app.services.content.jurisdictions import profile
from app.services.labels import money
from app.services.reporting.reports import render_report_pdf
from tests.conftest import DATA, answer_the_rest, finalise, response_of, text_of

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "checklists" / "jurisdictions"
SIX = {"AL", "BA", "XK", "ME", "MK", "RS"}
APPLICABILITY = DATA / "mini-applicability.yaml"


# --- the shipped profiles ------------------------------------------------------------------


def test_every_shipped_profile_is_valid_and_the_six_jurisdictions_are_there():
    found = load_profiles(SHIPPED)
    assert set(found) >= SIX
    assert {"BA-BIH", "BA-SRP", "BA-BRC"} <= set(found)  # criminal procedure differs by entity and district
    for path in sorted(SHIPPED.glob("*.yaml")):
        assert validate_profile_file(path).code == path.stem


@pytest.mark.parametrize("code", sorted(SIX))
def test_each_profile_has_a_zone_python_knows_a_locale_babel_knows_and_the_three_laws(code):
    p = load_profiles(SHIPPED)[code]
    zoneinfo.ZoneInfo(p.time_zone)
    Locale.parse(p.date_locale)
    assert [law.key for law in p.laws] == ["criminal_procedure", "weapons", "data_protection"]
    for law in p.laws:
        assert law.title and law.title_en
        # Never an invented reference: an unconfirmed law says so, a confirmed one names its source.
        assert law.confirmed is bool(law.reference and law.source) or not law.confirmed
        if law.reference is None:
            assert not law.confirmed


def test_the_facts_that_must_not_be_overclaimed():
    found = load_profiles(SHIPPED)
    kosovo = found["XK"]
    assert kosovo.eu.status == "potential_candidate" and not kosovo.interpol.member
    assert kosovo.interpol.ncb is None and kosovo.interpol.direct_access is False
    assert kosovo.time_zone == "Europe/Belgrade" and kosovo.currency == "EUR"
    assert {p.currency for p in found.values()} == {"ALL", "BAM", "EUR", "MKD", "RSD"}
    for p in found.values():
        assert p.eu.status != "member" and not p.eu.checked  # as of a date, to be checked
    # The entities take the state's zone, currency and data protection law, and their own procedure code.
    assert found["BA-SRP"].currency == "BAM" and found["BA-SRP"].law("data_protection") == found["BA"].law(
        "data_protection"
    )
    assert found["BA-SRP"].law("criminal_procedure") != found["BA"].law("criminal_procedure")


def test_kosovo_is_printed_with_its_asterisk_and_footnote_from_the_one_rule():
    kosovo = load_profiles(SHIPPED)["XK"]
    assert kosovo.printed_name == "Kosovo*"
    assert kosovo.footnotes == jurisdiction_names.footnotes(["Kosovo"]) != []
    # The designation wording lives in app/domain/jurisdiction_names.py only.
    assert "UNSCR 1244" not in (SHIPPED / "XK.yaml").read_text(encoding="utf-8")
    assert load_profiles(SHIPPED)["RS"].footnotes == []


def test_applicability_fields_of_the_checklist_schema_are_the_profile_fields():
    schema = json.loads((ROOT / "checklists" / "checklist.schema.json").read_text(encoding="utf-8"))
    declared = set(schema["$defs"]["requirement"]["properties"]["applies_when"]["properties"]) - {"reason"}
    assert declared == set(APPLICABILITY_FIELDS)


# --- a malformed profile -------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path):
    """Write RS.yaml into a jurisdictions folder with one line replaced."""

    def write(old: str, new: str) -> Path:
        folder = tmp_path / "jurisdictions"
        folder.mkdir(exist_ok=True)
        text = (SHIPPED / "RS.yaml").read_text(encoding="utf-8")
        assert old in text
        path = folder / "RS.yaml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return write


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_malformed_profile_gives_one_line_naming_file_line_and_field(runner, broken):
    path = broken("currency: RSD", "currency: RSDX")
    result = runner.invoke(args=["checklists", "validate", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == [f"{path}:{_line_of(path, 'RSDX')}: RS: currency: 'RSDX' is not one of: ALL, BAM, EUR, MKD, RSD"]


def test_a_reference_marked_confirmed_without_a_reference_is_refused(runner, broken):
    path = broken("reference: Službeni glasnik RS, br. 20/2015", "reference: null")
    result = runner.invoke(args=["jurisdictions", "validate", str(path)])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"{path}:{_line_of(path, 'reference: null')}: RS: laws.weapons.reference: ")


def test_a_zone_the_tz_database_lacks_and_a_file_named_for_another_code_are_refused(broken):
    path = broken("time_zone: Europe/Belgrade", "time_zone: Europe/Pristina")
    with pytest.raises(ProfileInvalid) as refused:
        validate_profile_file(path)
    (problem,) = refused.value.problems
    assert (problem.line, problem.id) == (_line_of(path, "Europe/Pristina"), "RS")
    assert "time_zone: 'Europe/Pristina' is not a zone of the tz database" in str(problem)
    path.rename(path.with_name("SR.yaml"))
    with pytest.raises(ProfileInvalid, match="code: 'RS' must match the file name"):
        validate_profile_file(path.with_name("SR.yaml"))


def test_checklists_validate_checks_the_shipped_profiles_too(shipped_validation):
    result = shipped_validation
    assert result.exit_code == 0, result.output
    assert (
        "jurisdiction XK valid: Europe/Belgrade, EUR, EU potential_candidate, 3 laws (1 unconfirmed)" in result.output
    )


# --- a unit belongs to a jurisdiction ------------------------------------------------------


def test_an_administrator_creates_a_unit_of_a_profile_and_its_page_shows_the_profile(client, make_user, login, post):
    login(make_user("admin"))
    form = text_of(client.get("/units/"))
    assert "Jurisdiction profile" in form and "XK: Kosovo*" in form
    response = post("/units/", {"code": "KP1", "name": "Pristina CSI", "jurisdiction_code": "XK", "jurisdiction": ""})
    assert response.status_code == 302
    unit = db.session.scalar(db.select(Unit).where(Unit.code == "KP1"))
    assert (unit.jurisdiction_code, unit.jurisdiction) == ("XK", "Kosovo")
    page = text_of(client.get("/units/KP1"))
    assert "Jurisdiction profile: Kosovo* XK · Europe/Belgrade · EUR · Potential EU candidate" in page
    assert "Europe/Belgrade" in page and "EUR" in page
    assert "Potential EU candidate" in page and "Not a member" in page
    assert "No direct access to INTERPOL's databases." in page
    assert "Ligji Nr. 05/L-022" in page and "not confirmed" in page  # the criminal procedure code
    assert jurisdiction_names.footnotes(["Kosovo"])[0] in page


def test_a_unit_needs_a_profile_or_a_named_jurisdiction_and_free_text_still_works(client, make_user, login, post):
    login(make_user("admin"))
    refused = post("/units/", {"code": "NN1", "name": "Nameless", "jurisdiction_code": "", "jurisdiction": ""})
    assert refused.status_code == 400
    assert "Choose a jurisdiction profile or name the jurisdiction." in text_of(refused)
    assert (
        post(
            "/units/", {"code": "NN2", "name": "Free", "jurisdiction_code": "", "jurisdiction": "Testland"}
        ).status_code
        == 302
    )
    unit = db.session.scalar(db.select(Unit).where(Unit.code == "NN2"))
    assert (unit.jurisdiction, unit.jurisdiction_code) == ("Testland", None)
    assert "Jurisdiction profile:" not in text_of(client.get("/units/NN2"))
    unknown = post("/units/", {"code": "NN3", "name": "Odd", "jurisdiction_code": "ZZ", "jurisdiction": "x"})
    assert unknown.status_code == 400


def test_the_command_line_creates_a_unit_of_a_profile_and_keeps_the_free_text_option(runner):
    made = runner.invoke(args=["units", "create", "BG1", "Belgrade CSI", "--jurisdiction-code", "RS"])
    assert made.exit_code == 0, made.output
    assert made.output.strip() == "Created unit BG1: Belgrade CSI (Serbia, profile RS)"
    kept = runner.invoke(args=["units", "create", "T1", "Test unit", "--jurisdiction", "Testland"])
    assert kept.output.strip() == "Created unit T1: Test unit (Testland)"
    unknown = runner.invoke(args=["units", "create", "Z1", "Z", "--jurisdiction-code", "ZZ"])
    assert unknown.exit_code != 0 and "no jurisdiction profile ZZ" in unknown.output
    neither = runner.invoke(args=["units", "create", "Z2", "Z"])
    assert neither.exit_code != 0 and "--jurisdiction" in neither.output
    moved = runner.invoke(args=["units", "set-jurisdiction", "T1", "BA-SRP"])
    assert moved.output.strip() == "Unit T1: jurisdiction profile BA-SRP"
    assert db.session.scalar(db.select(Unit.jurisdiction_code).where(Unit.code == "T1")) == "BA-SRP"
    assert (
        runner.invoke(args=["units", "set-jurisdiction", "T1", "none"]).output.strip()
        == "Unit T1: jurisdiction profile none"
    )
    listed = runner.invoke(args=["jurisdictions", "list"])
    assert "XK\tKosovo*\tEurope/Belgrade\tEUR\tEU potential_candidate\tINTERPOL not direct" in listed.output


# --- times in the unit's zone, costs in its currency ----------------------------------------


@pytest.fixture
def utc_installation(app):
    """An installation whose own zone is UTC, so a unit's zone (CET) shows as a different hour."""
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    return app


def _saved_at(assessment: Assessment, code: str, when: dt.datetime, user) -> None:
    response = response_of(assessment, code)
    response.value, response.basis, response.updated_at, response.updated_by = 2, "sop_text", when, user
    db.session.commit()


def test_times_on_a_units_pages_show_in_its_zone_and_elsewhere_in_the_installations(
    utc_installation, client, make_unit, make_user, make_assessment, login
):
    serbia, other = make_unit("RS1"), make_unit("T1")
    serbia.jurisdiction_code = "RS"
    db.session.commit()
    user = make_user("unit_head", units=[serbia, other])
    login(user)
    winter = dt.datetime(2026, 1, 15, 10, 0)  # stored in UTC
    for unit in (serbia, other):
        a = make_assessment(unit)
        _saved_at(a, "AAA-01", winter, user)
        page = text_of(client.get(f"/assessments/{a.id}/score"))
        hour = "11:00" if unit is serbia else "10:00"  # Europe/Belgrade is UTC+1 in January
        assert f"Saved 15 Jan 2026, {hour}:00 by" in page, page[:400]


def test_the_gap_report_prints_its_times_in_the_units_zone(utc_installation, make_unit, make_user, make_assessment):
    unit = make_unit("RS1", name="Belgrade Crime Scene Unit")
    unit.jurisdiction_code = "RS"
    db.session.commit()
    assessment = answer_the_rest(make_assessment(unit))
    finalise(assessment, make_user("unit_head", units=[unit]))
    assessment.finalised_at = dt.datetime(2026, 7, 1, 8, 30)  # 10:30 in Belgrade (summer time)
    db.session.commit()
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render_report_pdf(assessment))).pages)
    assert "1 Jul 2026, 10:30:00" in " ".join(text.split())


@pytest.fixture
def planned(app, make_unit, make_user, make_assessment, login, save_response):
    """The same plan (one low-cost action) for units of the given profiles, by unit code."""

    def make(**profiles: str | None) -> dict[str, Assessment]:
        units = [make_unit(code) for code in profiles]
        for unit in units:
            unit.jurisdiction_code = profiles[unit.code]
        db.session.commit()
        login(make_user("unit_head", units=units))
        made = {}
        for unit in units:
            assessment = made[unit.code] = make_assessment(unit)
            save_response(assessment.id, "AAA-02", score=0)
            suggest_actions(score_sheet(assessment), None)
            action = db.session.scalars(
                db.select(PlannedAction).where(PlannedAction.assessment_id == assessment.id)
            ).one()
            action.cost, action.effort = "low", "weeks"
        db.session.commit()
        return made

    return make


RSD_BANDS = {"none": (0, 0), "low": (0, 600_000), "medium": (600_000, 6_000_000), "high": (6_000_000, None)}


def test_costs_show_in_the_units_currency_where_the_installation_set_bands_in_it(app, planned, client):
    app.config["COST_BAND_RANGES_BY_CURRENCY"] = {"RSD": RSD_BANDS}
    made = planned(RS1="RS", XK1="XK", T1=None)
    serbia, kosovo, free = made["RS1"], made["XK1"], made["T1"]
    assert "Total cost: under RSD 600,000" in text_of(client.get(f"/assessments/{serbia.id}/plan"))
    assert "under € 5,000" in text_of(client.get(f"/assessments/{kosovo.id}/plan"))
    assert "under € 5,000" in text_of(client.get(f"/assessments/{free.id}/plan"))
    assert "RSD" in text_of(client.get(f"/assessments/{serbia.id}/report"))


def test_a_currency_without_bands_keeps_the_installations_currency_never_converting(app, planned, client):
    serbia = planned(RS1="RS")["RS1"]
    assert "under € 5,000" in text_of(client.get(f"/assessments/{serbia.id}/plan"))
    page = text_of(client.get("/units/RS1"))
    assert "Costs of actions are shown in EUR: this installation sets no cost bands in RSD." in page
    with app.test_request_context(), in_jurisdiction(profile("RS")):
        assert money(1000) == "€\u00a01,000"
        app.config["COST_BAND_RANGES_BY_CURRENCY"] = {"RSD": RSD_BANDS}
        assert money(1000) == "RSD\u00a01,000"
        assert str(plan_of(score_sheet(serbia)).totals).startswith("Total cost: under RSD\u00a0600,000")
    with app.test_request_context():
        assert money(1000) == "€\u00a01,000"  # outside the unit's pages: the installation's


# --- applicability on two contrasting profiles ----------------------------------------------


@pytest.fixture
def applicability_version(app) -> ChecklistVersion:
    checklist, text = load_checklist_file(APPLICABILITY)
    store_checklist(checklist, text, APPLICABILITY.name)
    return db.session.scalar(db.select(ChecklistVersion).where(ChecklistVersion.checklist_id == "mini-applicability"))


def _assess(unit: Unit, version: ChecklistVersion) -> Assessment:
    assessment = create_assessment(unit=unit, version=version, title="Firearms", modules=["firearms"])
    db.session.commit()
    return assessment


def test_a_requirement_needing_interpol_access_is_na_with_the_reason_in_kosovo_and_open_in_serbia(
    make_unit, applicability_version
):
    kosovo, serbia, free = make_unit("XK1"), make_unit("RS1"), make_unit("T1")
    kosovo.jurisdiction_code, serbia.jurisdiction_code = "XK", "RS"
    db.session.commit()

    in_kosovo = response_of(_assess(kosovo, applicability_version), "FFF-02")
    assert in_kosovo.not_applicable and in_kosovo.value is None
    assert in_kosovo.na_justification.startswith("[jurisdiction profile XK] The SOP's check of serial numbers")
    assert "Not a member of INTERPOL" in in_kosovo.na_justification
    assert set_from_profile(in_kosovo.na_justification) == "XK"

    for unit in (serbia, free):
        open_ = response_of(_assess(unit, applicability_version), "FFF-02")
        assert not open_.not_applicable and open_.na_justification == ""
    # Only that requirement: the others are open everywhere.
    others = db.session.scalars(db.select(Response).where(Response.not_applicable.is_(True))).all()
    assert [r.requirement.code for r in others] == ["FFF-02"]


def test_the_profiles_na_counts_in_the_new_assessments_figures(make_unit, applicability_version):
    kosovo, serbia = make_unit("XK1"), make_unit("RS1")
    kosovo.jurisdiction_code, serbia.jurisdiction_code = "XK", "RS"
    db.session.commit()
    in_kosovo, in_serbia = _assess(kosovo, applicability_version), _assess(serbia, applicability_version)
    # Same requirements in scope; the N/A is an answer, and completeness counts the applicable ones only.
    assert in_kosovo.requirement_count == in_serbia.requirement_count
    assert in_kosovo.answered == in_serbia.answered + 1
    assert in_kosovo.completeness > in_serbia.completeness


def test_a_person_overrides_the_profiles_na_by_answering_with_a_note_saying_why(
    make_unit, make_user, login, save_response, applicability_version
):
    kosovo = make_unit("XK1")
    kosovo.jurisdiction_code = "XK"
    db.session.commit()
    login(make_user("unit_head", units=[kosovo]))
    assessment = _assess(kosovo, applicability_version)

    refused = save_response(assessment.id, "FFF-02", json=True, score=2, not_applicable="")
    assert refused.status_code in (400, 422)
    assert "say in the note why it applies to this unit" in refused.get_data(as_text=True)
    assert response_of(assessment, "FFF-02").not_applicable

    note = "Our unit queries iARMS through the liaison office weekly; the SOP covers it."
    saved = save_response(assessment.id, "FFF-02", json=True, score=2, not_applicable="", evidence_note=note)
    assert saved.status_code == 200, saved.get_data(as_text=True)
    answered = response_of(assessment, "FFF-02")
    assert (answered.value, answered.not_applicable, answered.na_justification) == (2, False, "")
    assert answered.evidence_note == note


def test_a_profile_that_does_not_say_never_sets_a_requirement_aside():
    checklist, _ = load_checklist_file(APPLICABILITY)
    requirement = checklist.requirement("FFF-02")
    kosovo = load_profiles(SHIPPED)["XK"]
    unknown = type(kosovo.interpol)(**{**kosovo.interpol.__dict__, "direct_access": None})
    assert decide(requirement, kosovo) is not None
    assert decide(requirement, kosovo.__class__(**{**kosovo.__dict__, "interpol": unknown})) is None
    assert decide(requirement, load_profiles(SHIPPED)["RS"]) is None
    assert decide(checklist.requirement("FFF-01"), kosovo) is None  # no conditions


def test_an_administrator_changes_a_units_profile_on_its_page_and_a_bad_choice_keeps_the_old_one(
    client, make_unit, make_user, login, post, app
):
    from app.models.audit import Event as AuditEvent

    unit = make_unit("T9")
    login(make_user("admin"))
    page = client.get("/units/T9").get_data(as_text=True)
    assert 'action="/units/T9/jurisdiction"' in page and '<option value="RS">RS: Serbia</option>' in page
    moved = post("/units/T9/jurisdiction", {"jurisdiction_code": "RS"}, follow_redirects=True)
    assert moved.status_code == 200 and "Unit T9 now follows the jurisdiction profile RS." in text_of(moved)
    assert db.session.get(Unit, unit.id).jurisdiction_code == "RS"
    assert db.session.scalar(db.select(AuditEvent.summary).where(AuditEvent.name == "unit.jurisdiction_set")) == (
        "T9: jurisdiction profile RS"
    )
    refused = post("/units/T9/jurisdiction", {"jurisdiction_code": "ZZ"})
    assert refused.status_code == 400
    assert "There is no jurisdiction profile 'ZZ': the unit keeps its profile." in text_of(refused)
    assert db.session.get(Unit, unit.id).jurisdiction_code == "RS"
    assert client.post("/units/T9/jurisdiction", data={"jurisdiction_code": "ME"}).status_code == 400  # no CSRF token
    cleared = post("/units/T9/jurisdiction", {"jurisdiction_code": ""}, follow_redirects=True)
    assert "Unit T9 has no jurisdiction profile now." in text_of(cleared)
    assert db.session.get(Unit, unit.id).jurisdiction_code is None


def test_a_unit_head_cannot_change_the_units_profile(client, make_unit, make_user, login, post):
    unit = make_unit("T8")
    login(make_user("unit_head", units=[unit]))
    assert "unit-jurisdiction" not in client.get("/units/T8").get_data(as_text=True)
    assert post("/units/T8/jurisdiction", {"jurisdiction_code": "RS"}).status_code == 403
    assert db.session.get(Unit, unit.id).jurisdiction_code is None
