"""Importing SOP documents on the unit's register page: who may, what is shown, what is refused."""

from __future__ import annotations

import hashlib
import io

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import Sop, SopDocument
from tests.conftest import csrf_token, text_of
from tests.sop_files import docx_bytes, pdf_bytes, scanned_pdf_bytes
from tests.test_sop_import import SCENE_SOP_V2


def _upload(post, unit_code, data, filename, **fields):
    form = {"code": "SOP-01", "version": "1", "issued_on": "", **fields, "file": (io.BytesIO(data), filename)}
    return post(f"/units/{unit_code}/sops/import", form, content_type="multipart/form-data")


def _documents() -> int:
    return db.session.scalar(select(func.count(SopDocument.id)))


def test_the_register_page_offers_the_import_form_to_the_unit_head_only(client, post, make_unit, make_user, login):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    assert 'action="/units/U1/sops/import"' in client.get("/units/U1").get_data(as_text=True)
    post("/logout")
    login(make_user("assessor", units=[unit]))
    assert "/sops/import" not in client.get("/units/U1").get_data(as_text=True)


def test_unit_head_imports_a_pdf_and_sees_its_sections_then_a_new_version_with_the_diff(
    client, post, make_unit, make_user, login
):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    response = _upload(post, "U1", pdf_bytes(), "scene.pdf", issued_on="2025-03-01")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    text = text_of(page)
    assert "SOP-01 version 1 imported: 6 sections." in text
    assert "2.1 Photography 61" in text and "scene.pdf · 1 page" in text
    second = _upload(post, "U1", docx_bytes(SCENE_SOP_V2), "scene-v2.docx", version="2")
    text = text_of(client.get(second.headers["Location"]))
    assert "Changes since version 1" in text
    assert "added 4 Transport" in text and "removed 2.2 Sketches" in text and "changed 2.1 Photography" in text
    sop = db.session.scalar(select(Sop))
    original = client.get(f"/units/U1/sops/{sop.id}/original?version=1")
    first = db.session.scalar(select(SopDocument).where(SopDocument.version == "1"))
    assert original.status_code == 200 and hashlib.sha256(original.data).hexdigest() == first.sha256
    assert original.mimetype == "application/pdf" and 'filename="scene.pdf"' in original.headers["Content-Disposition"]


def test_a_refused_file_shows_why_keeps_the_form_and_stores_nothing(client, post, make_unit, make_user, login):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    response = _upload(post, "U1", scanned_pdf_bytes(), "scan.pdf", code="SOP-77", version="4")
    assert response.status_code == 400
    text = text_of(response)
    assert "scan.pdf was not imported: This PDF has no text layer (it looks scanned)" in text
    html = response.get_data(as_text=True)
    assert 'value="SOP-77"' in html and 'value="4"' in html
    assert _documents() == 0 and db.session.scalar(select(func.count(Sop.id))) == 0


def test_an_upload_without_csrf_is_refused(client, make_unit, make_user, login):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    response = client.post(
        "/units/U1/sops/import",
        data={"code": "SOP-01", "file": (io.BytesIO(pdf_bytes()), "scene.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and _documents() == 0


def test_another_units_register_is_refused(client, post, make_unit, make_user, login):
    own, _other = make_unit("U1"), make_unit("U2")
    login(make_user("unit_head", units=[own]))
    response = _upload(post, "U2", pdf_bytes(), "scene.pdf")
    assert response.status_code == 404 and _documents() == 0


def test_an_assessor_may_read_and_download_but_not_import(client, post, make_unit, make_user, login):
    unit = make_unit("U1")
    head = make_user("unit_head", units=[unit])
    login(head)
    _upload(post, "U1", docx_bytes(), "scene.docx")
    post("/logout")
    login(make_user("assessor", units=[unit]))
    assert _upload(post, "U1", pdf_bytes(), "scene.pdf", version="2").status_code == 403
    sop = db.session.scalar(select(Sop))
    assert client.get(f"/units/U1/sops/{sop.id}").status_code == 200
    original = client.get(f"/units/U1/sops/{sop.id}/original")
    assert hashlib.sha256(original.data).hexdigest() == db.session.scalar(select(SopDocument.sha256))
    assert _documents() == 1


def test_another_units_original_is_not_served(client, post, make_unit, make_user, login):
    own, other = make_unit("U1"), make_unit("U2")
    login(make_user("unit_head", units=[other]))
    _upload(post, "U2", docx_bytes(), "scene.docx")
    sop_id = db.session.scalar(select(Sop.id))
    post("/logout")
    login(make_user("unit_head", units=[own]))
    assert client.get(f"/units/U2/sops/{sop_id}/original").status_code == 404
    assert client.get(f"/units/U1/sops/{sop_id}/original").status_code == 404


def test_an_entry_with_imported_versions_stays_in_the_register(client, post, make_unit, make_user, login):
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    _upload(post, "U1", docx_bytes(), "scene.docx")
    sop_id = db.session.scalar(select(Sop.id))
    response = post(f"/units/U1/sops/{sop_id}/delete", follow_redirects=True)
    assert "SOP-01 has 1 imported version, kept as the record of what was assessed" in text_of(response)
    assert db.session.scalar(select(func.count(Sop.id))) == 1 and _documents() == 1


def test_a_file_above_a_forms_limit_reaches_the_import_and_its_own_limit_is_said(
    app, client, post, make_unit, make_user, login
):
    """Forms stop at MAX_CONTENT_LENGTH (8 MB); an SOP upload takes up to its own limit (20 MB)."""
    unit = make_unit("U1")
    login(make_user("unit_head", units=[unit]))
    big = b"## 1 Scope\n\n" + b"The unit examines scenes. " * 400_000  # 10.4 MB of text: over 8 MB
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    form = {
        "code": "SOP-01",
        "version": "1",
        "csrf_token": csrf_token(client, app),
        "file": FileStorage(io.BytesIO(big), filename="long.md"),
    }
    boundary, body = encode_multipart(form)  # in memory: the test client would spool this to a file
    response = client.post("/units/U1/sops/import", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code != 413  # read, then refused for its text, not for the upload's size
    assert "long.md was not imported" in text_of(response) and _documents() == 0
    app.config["SOP_MAX_BYTES"] = 50 * 1024
    refused = _upload(post, "U1", b"## 1 Scope\n\n" + b"x" * 200_000, "scene.md")
    assert refused.status_code == 413
    assert "The file is too large: at most 50 KB. Nothing was stored" in text_of(refused)
    assert _documents() == 0
