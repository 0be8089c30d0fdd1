"""Regional programmes and rounds: who sees what across them, and the commands that make them."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Assessment, ChecklistVersion, Event, Programme, Round
from app.services.assessment.access import Action, ProgrammeAction, may, may_programme, visible_programmes_clause
from tests.conftest import PASSWORD, text_of


def _visible_programmes(user) -> list[str]:
    query = select(Programme.name).where(visible_programmes_clause(user, Programme.id)).order_by(Programme.name)
    return list(db.session.scalars(query))


def test_programme_staff_see_the_units_of_their_programme_only(make_unit, make_user, make_programme):
    inside, outside = make_unit("WB1"), make_unit("XX1")
    staff = make_user("programme_staff")
    programme = make_programme(units=[inside], members=[staff])
    make_programme(name="Elsewhere", units=[outside])
    assert may(staff, Action.VIEW, inside.id)
    assert not may(staff, Action.VIEW, outside.id)
    assert not may(staff, Action.SCORE, inside.id)  # staff read; they neither score nor review
    assert not may(staff, Action.REVIEW, inside.id)
    assert may_programme(staff, ProgrammeAction.REGIONAL, programme)
    assert not may_programme(staff, ProgrammeAction.MANAGE, programme)
    assert _visible_programmes(staff) == ["Western Balkans"]


def test_an_expert_assigned_to_a_programme_reviews_all_its_units(make_unit, make_user, make_programme):
    first, second, other = make_unit("WB1"), make_unit("WB2"), make_unit("XX1")
    expert = make_user("expert")
    make_programme(units=[first, second], members=[expert])
    assert may(expert, Action.REVIEW, first.id) and may(expert, Action.REVIEW, second.id)
    assert not may(expert, Action.REVIEW, other.id)


def test_unit_users_never_see_a_programme_even_when_their_unit_is_in_it(make_unit, make_user, make_programme):
    unit, neighbour = make_unit("WB1"), make_unit("WB2")
    programme = make_programme(units=[unit, neighbour])
    for role in ("unit_head", "assessor", "viewer"):
        person = make_user(role, units=[unit])
        assert not may_programme(person, ProgrammeAction.VIEW, programme)
        assert _visible_programmes(person) == []
        assert not may(person, Action.VIEW, neighbour.id)


def test_a_unit_user_listed_as_a_member_gains_nothing(make_unit, make_user, make_programme):
    unit, neighbour = make_unit("WB1"), make_unit("WB2")
    head = make_user("unit_head", units=[unit])
    programme = make_programme(units=[unit, neighbour], members=[head])  # written past the service's check
    assert not may(head, Action.VIEW, neighbour.id)
    assert not may_programme(head, ProgrammeAction.REGIONAL, programme)


def test_staff_list_and_read_only_their_programmes_assessments(
    client, make_unit, make_user, make_programme, make_assessment, login
):
    inside, outside = make_unit("WB1"), make_unit("XX1")
    staff = make_user("programme_staff")
    make_programme(units=[inside], members=[staff])
    mine, theirs = make_assessment(inside, title="Inside the programme"), make_assessment(outside, title="Outside it")
    login(staff)
    listed = text_of(client.get("/"))
    assert "Inside the programme" in listed and "Outside it" not in listed
    assert client.get(f"/assessments/{mine.id}").status_code == 200
    assert client.get(f"/assessments/{theirs.id}").status_code == 404


def test_the_commands_make_a_programme_a_round_and_an_assessment_in_it(runner, make_unit, make_user, mini_version):
    make_unit("WB1")
    result = runner.invoke(args=["programmes", "create", "Western Balkans CSI SOP assessment"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Created programme ")
    result = runner.invoke(args=["programmes", "add-unit", "Western Balkans CSI SOP assessment", "wb1"])
    assert result.exit_code == 0 and "Added WB1" in result.output
    result = runner.invoke(args=["rounds", "create", "Western Balkans CSI SOP assessment", "2026"])
    assert result.exit_code == 0 and "round 2026" in result.output
    admin = make_user("admin")
    result = runner.invoke(
        args=["assessments", "create", "WB1", "--title", "Round one", "--round", "2026", "--by", admin.email]
    )
    assert result.exit_code == 0, result.output
    assert "Round: Western Balkans CSI SOP assessment, round 2026" in result.output
    created = db.session.scalar(select(Assessment).where(Assessment.title == "Round one"))
    assert created.round.label == "2026"
    names = set(db.session.scalars(select(Event.name)))
    assert {"programme.created", "programme.unit_added", "round.created"} <= names


def test_the_commands_refuse_clearly(runner, make_unit, make_user, make_programme, mini_version):
    unit, stray = make_unit("WB1"), make_unit("XX1")
    make_programme(units=[unit], rounds=("2026",))
    make_programme(name="Another", units=[unit], rounds=("2026",))
    admin, head = make_user("admin"), make_user("unit_head", units=[unit])
    result = runner.invoke(args=["programmes", "create", "Western Balkans"])
    assert result.exit_code == 1 and "exists already" in result.output
    result = runner.invoke(args=["programmes", "add-unit", "Nowhere", "WB1"])
    assert result.exit_code == 1 and "No programme named 'Nowhere'" in result.output
    result = runner.invoke(args=["rounds", "create", "Western Balkans", "2026"])
    assert result.exit_code == 1 and "has a round '2026' already" in result.output
    result = runner.invoke(args=["programmes", "add-member", "Western Balkans", head.email])
    assert result.exit_code == 1 and "only programme staff and experts" in result.output
    by = ["--by", admin.email]
    result = runner.invoke(args=["assessments", "create", "XX1", "--title", "T", "--round", "2026", *by])
    assert result.exit_code == 1 and "Unit XX1 is in no programme" in result.output
    result = runner.invoke(args=["assessments", "create", "WB1", "--title", "T", "--round", "2027", *by])
    assert result.exit_code == 1 and "No round '2027'" in result.output
    result = runner.invoke(args=["assessments", "create", "WB1", "--title", "T", "--round", "2026", *by])
    assert result.exit_code == 1 and "more than one programme" in result.output
    assert db.session.query(Assessment).count() == 0
    assert stray not in db.session.get(Programme, 1).units


def test_programme_staff_can_be_created_from_the_command_line(runner, app):
    result = runner.invoke(
        args=["users", "create", "staff@seesac.example", "--role", "programme_staff"], input=f"{PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "see nothing until assigned" in result.output


def test_a_round_belongs_to_one_programme(make_programme):
    programme = make_programme(rounds=("2026", "2027"))
    assert [r.label for r in programme.rounds] == ["2026", "2027"]
    assert db.session.scalar(select(Round).where(Round.label == "2027")).name == "Western Balkans, round 2027"


def test_the_round_page_lists_every_unit_with_what_stands_for_it(
    client, make_unit, make_user, make_programme, make_assessment, login
):
    first, second = make_unit("WB1", name="Sarajevo CSI"), make_unit("WB2", name="Skopje CSI")
    staff = make_user("programme_staff")
    programme = make_programme(units=[first, second], members=[staff])
    make_programme(name="Not mine")
    assessment = make_assessment(first, title="Round one of WB1")
    assessment.round = programme.rounds[0]
    db.session.commit()
    login(staff)
    listing = text_of(client.get("/programmes"))
    assert "Western Balkans" in listing and "Not mine" not in listing
    page = text_of(client.get(f"/rounds/{programme.rounds[0].id}"))
    assert "Round one of WB1" in page
    assert "Skopje CSI" in page and "No assessment in this round yet" in page
    other = db.session.scalar(select(Programme).where(Programme.name == "Not mine"))
    assert client.get(f"/programmes/{other.id}").status_code == 404
    assert client.get(f"/rounds/{other.rounds[0].id}").status_code == 404


def test_anonymous_labels_follow_neither_codes_nor_rounds(make_unit, make_programme):
    from app.services.programme.anonymity import anonymous_labels

    units = [make_unit(f"WB{i}") for i in range(1, 7)]
    programme = make_programme(units=units, rounds=("2026", "2027"))
    first, second = (anonymous_labels(r, units) for r in programme.rounds)
    assert sorted(first.values()) == list("ABCDEF")
    assert first == anonymous_labels(programme.rounds[0], list(reversed(units)))  # the same whatever the order
    assert first != second  # a letter does not carry over to the next round


def test_a_new_assessment_joins_a_round_from_the_web_form(
    client, make_unit, make_user, make_programme, mini_version, login, post
):
    unit, outside = make_unit("WB1"), make_unit("XX1")
    programme = make_programme(units=[unit])
    head = make_user("unit_head", units=[unit, outside])
    login(head)
    form = text_of(client.get("/assessments/new"))
    assert "Round of a regional programme" in form and "Western Balkans, round 2026" in form
    found = programme.rounds[0]
    version = db.session.scalar(select(ChecklistVersion.id))
    answer = {"checklist": version, "title": "Joined", "scope": "desk", "round": found.id}
    refused = post("/assessments/new", {**answer, "unit": outside.id})
    assert refused.status_code == 400 and "Unit XX1 is not in Western Balkans" in text_of(refused)
    assert db.session.query(Assessment).count() == 0
    assert post("/assessments/new", {**answer, "unit": unit.id}).status_code == 302
    assert db.session.scalar(select(Assessment)).round_id == found.id


def test_an_administrator_sets_a_programme_up_from_its_page(client, make_unit, make_user, login, post):
    unit = make_unit("WB1")
    staff, head = make_user("programme_staff", name="Ana Staff"), make_user("unit_head", units=[unit])
    login(make_user("admin"))
    created = post("/programmes/new", {"name": "Western Balkans"})
    assert created.status_code == 302
    programme = db.session.scalar(select(Programme))
    page = text_of(client.get(f"/programmes/{programme.id}"))
    assert "Ana Staff" in page and head.email not in page  # only staff and experts are offered
    assert post(f"/programmes/{programme.id}/units", {"unit-unit": unit.id}).status_code == 302
    assert post(f"/programmes/{programme.id}/members", {"member-person": staff.id}).status_code == 302
    assert post(f"/programmes/{programme.id}/rounds", {"round-label": "2026"}).status_code == 302
    programme = db.session.get(Programme, programme.id)
    assert [u.code for u in programme.units] == ["WB1"] and programme.members == [staff]
    refused = post(f"/programmes/{programme.id}/rounds", {"round-label": "2026"})
    assert refused.status_code == 400 and "has a round '2026' already" in text_of(refused)
    assert 'value="2026"' in refused.get_data(as_text=True)  # the input is kept
    wrong = post(f"/programmes/{programme.id}/members", {"member-person": head.id})
    assert wrong.status_code == 400
    assert post("/programmes/new", {"name": "Western Balkans"}).status_code == 400
    assert client.post(f"/programmes/{programme.id}/rounds", data={"round-label": "2027"}).status_code == 400  # no CSRF
    assert [r.label for r in db.session.get(Programme, programme.id).rounds] == ["2026"]


def test_programme_staff_cannot_set_a_programme_up(client, make_user, make_programme, login, post):
    staff = make_user("programme_staff")
    programme = make_programme(members=[staff])
    login(staff)
    assert "Open a round" not in text_of(client.get(f"/programmes/{programme.id}"))
    assert post(f"/programmes/{programme.id}/rounds", {"round-label": "2027"}).status_code == 403
    assert post("/programmes/new", {"name": "Mine"}).status_code == 403
