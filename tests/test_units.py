"""Units, the SOP register and administration pages."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Sop, Unit, User
from tests.conftest import text_of


def test_unit_page_shows_the_sop_register_and_assessments(
    client, make_unit, make_user, make_sop, make_assessment, login
):
    unit = make_unit("MKD", name="Skopje CSI")
    make_sop(unit, code="SOP-07", title="Biological traces")
    make_assessment(unit, title="Consultation 2026")
    login(make_user("viewer", units=[unit]))
    page = text_of(client.get("/units/MKD"))
    assert "Skopje CSI" in page and "SOP-07" in page and "Biological traces" in page and "Consultation 2026" in page
    assert "Add an SOP" not in page  # viewers read only


def test_unit_head_adds_edits_and_removes_sops(client, make_unit, make_user, login, post):
    unit = make_unit("MNE")
    login(make_user("unit_head", units=[unit]))
    added = post(
        "/units/MNE/sops", {"code": "SOP-01", "title": "Scene attendance", "version": "1.2", "issued_on": "2025-01-15"}
    )
    assert added.status_code == 302
    sop = db.session.scalar(select(Sop))
    assert (sop.code, sop.version, str(sop.issued_on)) == ("SOP-01", "1.2", "2025-01-15")
    duplicate = post("/units/MNE/sops", {"code": "sop-01", "title": "Again", "version": "1"})
    assert duplicate.status_code == 400 and "already has an SOP with code sop-01" in text_of(duplicate)
    edited = post(f"/units/MNE/sops/{sop.id}/edit", {"code": "SOP-01", "title": "Scene attendance", "version": "2.0"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Sop, sop.id).version == "2.0"
    assert post(f"/units/MNE/sops/{sop.id}/delete").status_code == 302
    assert db.session.scalar(select(Sop)) is None


def test_an_sop_cited_by_responses_cannot_be_removed(
    client, make_unit, make_user, make_sop, make_assessment, login, post, save_response
):
    unit = make_unit("ALB")
    sop = make_sop(unit)
    a = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    save_response(a.id, "AAA-01", score=2, sop_id=sop.id)
    page = text_of(post(f"/units/ALB/sops/{sop.id}/delete", follow_redirects=True))
    assert "is cited by 1 response;" in page
    assert db.session.get(Sop, sop.id) is not None


def test_sop_of_another_unit_cannot_be_edited_through_this_unit(client, make_unit, make_user, make_sop, login, post):
    mine, theirs = make_unit("A"), make_unit("B")
    foreign = make_sop(theirs)
    login(make_user("unit_head", units=[mine]))
    assert post(f"/units/A/sops/{foreign.id}/edit", {"code": "X", "title": "X", "version": "9"}).status_code == 404
    assert post(f"/units/A/sops/{foreign.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Sop, foreign.id).code == "SOP-01"


def test_sop_form_reports_missing_fields(client, make_unit, make_user, login, post):
    make_unit("KOS")
    login(make_user("admin"))
    response = post("/units/KOS/sops", {"code": "", "title": "", "version": ""})
    assert response.status_code == 400 and "This field is required." in text_of(response)


def test_admin_creates_units_and_users(client, make_user, login, post):
    login(make_user("admin"))
    assert (
        post("/units/", {"code": "bih", "name": "Sarajevo CSI", "jurisdiction": "Bosnia and Herzegovina"}).status_code
        == 302
    )
    unit = db.session.scalar(select(Unit).where(Unit.code == "BIH"))
    assert unit is not None
    bad = post("/units/", {"code": "BIH", "name": "Again", "jurisdiction": "BiH"})
    assert bad.status_code == 400 and "exists already" in text_of(bad)
    created = post(
        "/admin/users",
        {"email": "expert@seesac.example", "name": "Marko", "role": "expert", "units": [str(unit.id)]},
    )
    assert created.status_code == 200 and "temporary password" in text_of(created)
    expert = db.session.scalar(select(User).where(User.email == "expert@seesac.example"))
    assert expert.role == "expert" and [u.code for u in expert.units] == ["BIH"] and expert.must_change_password
    no_role = post("/admin/users", {"email": "x@y.org", "name": "X", "role": ""})
    assert no_role.status_code == 400 and "Choose a role." in text_of(no_role)
    assert "Marko" in text_of(client.get("/admin/users"))


def test_admin_sees_loaded_checklist_versions(client, make_user, mini_version, login):
    login(make_user("admin"))
    page = text_of(client.get("/admin/checklists"))
    assert "Mini checklist" in page and mini_version.content_hash[:12] in page
