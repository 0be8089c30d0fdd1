"""What people type is shown as text everywhere: on pages, in the history, in reports, never run as markup."""

from __future__ import annotations

import io

from tests.conftest import text_of

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_typed_markup_is_shown_as_text_on_every_page_that_shows_it(
    client, make_unit, make_user, make_assessment, make_sop, login, save_response
):
    unit = make_unit("U1")
    make_sop(unit, title=HOSTILE)
    login(make_user("unit_head", units=[unit]))
    assessment = make_assessment(unit, title=HOSTILE)
    assert save_response(assessment.id, "AAA-01", score=1, evidence_note=HOSTILE).status_code == 302
    for url in (
        "/",
        "/units/U1",
        f"/assessments/{assessment.id}/score?section=AAA",
        f"/assessments/{assessment.id}/history/AAA-01",
        f"/assessments/{assessment.id}/report",
    ):
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, url
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url


def test_an_upload_over_the_size_limit_is_refused_with_a_message(app, client, make_unit, make_user, login, post):
    login(make_user("unit_head", units=[make_unit("U1")]))
    app.config["MAX_CONTENT_LENGTH"] = 10_000  # small, so the test body stays in memory
    too_big = io.BytesIO(b" " * 10_001)
    response = post("/assessments/import", {"package": (too_big, "p.json")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "The file is too large: at most 9 KB. Nothing was stored" in text_of(response)
