"""The first administrator's first pages, and refusals that say what is missing and whom to ask."""

from __future__ import annotations

import pytest

from tests.conftest import text_of


def test_the_first_administrator_is_walked_from_an_empty_installation_to_a_first_assessment(
    client, make_user, make_unit, make_assessment, login
):
    admin = login(make_user("admin", email="root@x.example"))
    page = text_of(client.get("/"))
    assert "Getting started" in page and "Ask an administrator" not in page
    assert "New assessment" not in page and "Start the first one" not in page  # not before a unit exists
    assert "Create the CSI unit" in page and "done" not in page.split("Getting started")[1].split("My units")[0]

    unit = make_unit("BIH")
    page = text_of(client.get("/"))
    assert "✓ done Create the CSI unit" in page and "✓ done Add its people" not in page
    assert "New assessment" in page

    make_user("unit_head", units=[unit])
    make_assessment(unit)
    page = text_of(client.get("/"))
    assert "Getting started" not in page
    assert admin.role == "admin"


def test_new_assessment_before_any_unit_sends_the_administrator_to_create_one(client, make_user, login):
    login(make_user("admin"))
    response = client.get("/assessments/new", follow_redirects=True)
    assert response.request.path == "/units/"
    assert "create the unit first" in text_of(response)


def test_someone_in_no_unit_is_told_to_ask_for_one(client, make_user, login):
    login(make_user("unit_head"))
    response = client.get("/assessments/new")
    assert response.status_code == 403
    assert "not a member of any CSI unit yet. Ask an administrator to add you to your unit." in text_of(response)
    assert "Ask an administrator to add you to one." in text_of(client.get("/"))


@pytest.mark.parametrize(
    ("url", "what"),
    [("/assessments/new", "start assessments"), ("/assessments/import", "import packages")],
)
def test_a_viewer_is_told_which_roles_may_and_whom_to_ask(client, make_user, make_unit, login, url, what):
    login(make_user("viewer", units=[make_unit("U1")]))
    response = client.get(url)
    page = text_of(response)
    assert response.status_code == 403
    assert f"Your role (Viewer) may not {what}." in page and "Unit head" in page and "Ask an administrator" in page


def test_an_administration_page_says_it_is_for_administrators(client, make_user, make_unit, login):
    login(make_user("unit_head", units=[make_unit("U1")]))
    response = client.get("/admin/users")
    assert response.status_code == 403 and "This page is for administrators." in text_of(response)
