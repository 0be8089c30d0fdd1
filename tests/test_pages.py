"""What people meet on the way: register order, dates, issued reports on the dashboard, citations."""

from __future__ import annotations

import datetime as dt
import re

from app.extensions import db
from app.models import Sop
from app.services.reporting.issuing import issue_report
from tests.conftest import finalise, text_of


def test_sop_register_sorts_numbers_as_numbers(client, make_unit, make_user, login):
    unit = make_unit("NAT")
    for code in ("SOP 13", "SOP 3", "SOP 1", "SOP 14"):
        db.session.add(Sop(unit=unit, code=code, title=f"Procedure {code}", version="1"))
    db.session.commit()
    login(make_user("unit_head", units=[unit]))
    page = text_of(client.get("/units/NAT"))
    positions = [page.index(f"Procedure SOP {n}") for n in (1, 3, 13, 14)]
    assert positions == sorted(positions)


def test_dates_read_day_month_year(client, make_unit, make_user, make_assessment, login):
    unit = make_unit("DAT")
    a = make_assessment(unit)
    a.assessed_on = dt.date(2026, 3, 9)
    db.session.commit()
    login(make_user("viewer", units=[unit]))
    page = text_of(client.get("/"))
    assert "9 Mar 2026" in page and "Mar 9, 2026" not in page


def test_viewer_dashboard_links_the_issued_report(client, make_unit, make_user, make_assessment, login):
    unit = make_unit("ISS")
    a = make_assessment(unit, title="Issued one")
    head = make_user("unit_head", units=[unit])
    finalise(a, head)
    report = issue_report(a, head)
    login(make_user("viewer", units=[unit]))
    html = client.get("/").get_data(as_text=True)
    assert f'href="/reports/{report.id}.pdf"' in html and "Issued report, revision 1" in html


def test_a_citation_says_which_part_is_the_version_and_which_the_section(
    client, make_unit, make_user, make_assessment, make_sop, login, save_response
):
    unit = make_unit("CIT")
    sop = make_sop(unit, code="CSU SOP 1", version="2.1")
    a = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    save_response(a.id, "AAA-01", score=2, sop_id=sop.id, sop_section="2.1")
    finalise(a, make_user("unit_head", units=[unit]))
    page = text_of(client.get(f"/assessments/{a.id}/score?section=AAA"))
    assert re.search(r"CSU SOP 1 v2\.1 ?, § 2\.1", page)
