"""Issue 15, finding 1: a unit head forged the expert's review by editing an export and importing
it; the issued report read "self-assessment reviewed by an external expert", 100 %. Now an
imported review is never genuine: shown and printed as reported, and only from a trusted installation."""

from __future__ import annotations

import io
import json

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.domain.workflow import Move
from app.extensions import db
from app.models import Assessment, Consultation, Review
from app.services.exchange.imports import import_package
from app.services.exchange.packages import build_package, package_bytes
from app.services.exchange.trust import trust_installation
from app.services.reporting.issuing import issue_report, reports_dir
from tests.conftest import finalise, move_to, text_of
from tests.other_installation import OtherInstallation, with_review

EVERY = ("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02")


@pytest.fixture
def own(make_unit, make_assessment, make_user, login, save_response):
    """A unit head's own self-assessment, every requirement answered 'partly addressed'."""
    unit = make_unit("UA", name="Unit A")
    head = make_user("unit_head", units=[unit], name="Ana Head")
    a = make_assessment(unit, title="Our SOPs")
    login(head)
    for code in EVERY:
        save_response(a.id, code, score=1)
    return a, head


def upload(post, package: dict):
    return post(
        "/assessments/import",
        {"package": (io.BytesIO(package_bytes(package)), "package.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def issued_text(assessment: Assessment, by) -> str:
    report = issue_report(assessment, by)
    db.session.commit()
    pages = PdfReader(io.BytesIO((reports_dir() / report.filename).read_bytes())).pages
    # Lower case: the cover's kicker is set in capitals by the print stylesheet.
    return " ".join(" ".join(page.extract_text().split()) for page in pages).lower()


def copy_of(title: str) -> Assessment:
    return db.session.scalar(select(Assessment).where(Assessment.title == title, Assessment.origin.is_not(None)))


def test_the_forged_review_is_refused_while_the_signature_stays_and_dropped_once_it_is_stripped(client, own, post):
    a, head = own
    exported = json.loads(client.get(f"/assessments/{a.id}/export.json").data)
    forged = with_review(exported, expert="Dr Invented Expert (SEESAC)")
    forged["assessment"]["title"] = "Our SOPs, reviewed"
    # The edit breaks the installation's signature: refused outright, nothing stored.
    refused = upload(post, forged)
    assert refused.status_code == 400 and "does not verify" in text_of(refused)
    assert copy_of("Our SOPs, reviewed") is None
    # Without the signature, it is the unit's own answers: no review, no agreed score, no consultation here.
    del forged["signature"]
    page = text_of(upload(post, forged))
    assert "not signed, so its review was left out" in page
    # Its own answers leave gaps no action closes: not whole, so it starts as a self-assessment, saying why.
    assert "starts as a self-assessment here, not as submitted" in page and "gaps have no action" in page
    copy_ = copy_of("Our SOPs, reviewed")
    assert copy_.stage == "self_assessment" and copy_.reviewed is False
    assert db.session.scalar(select(func.count(Review.id))) == 0
    assert db.session.scalar(select(func.count(Consultation.id))) == 0
    results = text_of(client.get(f"/assessments/{copy_.id}"))
    assert "(unsigned)" in results and "The review it carried was left out" in results
    assert "Dr Invented Expert" not in results
    # Finalised and issued by the unit head, the report says what it is, and never "reviewed".
    finalise(copy_, head)
    text = issued_text(copy_, head)
    assert "reviewed by an external expert" not in text and "dr invented expert" not in text
    assert "imported copy · internal check: no external expert reviewed it" in text
    assert "imported copy of an assessment from" in text and "(unsigned)" in text
    assert "33%overall score" in text and "the overall counts the unit's own scores for 7 requirements" in text


@pytest.fixture
def laptop(app):
    other = OtherInstallation(name="SEESAC field laptop")
    trust_installation(other.installation_id, "SEESAC expert laptop", other.public_key, None)
    db.session.commit()
    return other


def test_a_trusted_installations_review_is_shown_and_printed_as_reported_never_as_reviewed(
    client, own, laptop, make_user, login
):
    a, head = own
    package = with_review(build_package(a), expert="Dr Marko Kovač")
    package["assessment"]["title"] = "Reviewed on the laptop"
    copy_ = import_package(package_bytes(laptop.sign(package))).assessment
    card = text_of(client.get(f"/assessments/{copy_.id}/score"))
    assert "Review reported by SEESAC expert laptop, not reviewed here" in card
    assert "Agreed score there" in card and "counted in the figures as reported by a trusted installation" in card
    assert "The expert has not reviewed this requirement yet" not in card  # no review layer of this installation
    results = text_of(client.get(f"/assessments/{copy_.id}"))
    assert "(signature verified, trusted)" in results
    assert "The figures count 7 of its agreed scores, as reported by a trusted installation" in results
    assert "agreed scores reported by a trusted installation, not reviewed here, for 7 requirements" in results
    consultation = text_of(client.get(f"/assessments/{copy_.id}/consultation"))
    assert "Consultation reported by SEESAC expert laptop, not held here" in consultation
    assert "Dr Marko Kovač" in consultation
    preview = text_of(client.get(f"/assessments/{copy_.id}/report"))
    assert "review reported by a trusted installation" in preview
    assert "reviewed by an external expert" not in preview
    assert "Imported copy of an assessment from SEESAC expert laptop (signature verified, trusted)" in preview
    assert "Its review is reported by SEESAC expert laptop, not reviewed here" in preview
    # Issued: the same words on the cover and in the scope sentence, and the review printed apart.
    move_to(copy_, Move.WITHDRAW, head)
    finalise(copy_, head)
    text = issued_text(copy_, head)
    assert "reviewed by an external expert" not in text
    assert "imported copy · self-assessment, not reviewed here; review reported by a trusted installation" in text
    assert "imported copy of an assessment from seesac expert laptop (signature verified, trusted)" in text
    assert "review reported by seesac expert laptop, not reviewed here" in text


def test_an_untrusted_signers_copy_says_so_on_the_cover(client, own):
    a, _head = own
    package = build_package(a)
    package["assessment"]["title"] = "From a stranger"
    copy_ = import_package(package_bytes(OtherInstallation(name="Stranger").sign(package))).assessment
    preview = text_of(client.get(f"/assessments/{copy_.id}/report"))
    assert "Imported copy of an assessment from Stranger (signature verified, not trusted)" in preview


def test_an_expert_here_reviewing_an_imported_copy_sets_the_reported_scores_aside(client, own, laptop, make_user):
    a, _head = own
    package = with_review(build_package(a))
    package["assessment"]["title"] = "To review here"
    copy_ = import_package(package_bytes(laptop.sign(package))).assessment
    expert = make_user("expert", units=[copy_.unit], name="Local Expert")
    move_to(copy_, Move.START_REVIEW, expert)
    results = text_of(client.get(f"/assessments/{copy_.id}"))
    assert "An expert here is reviewing it: only scores agreed here count" in results
    card = text_of(client.get(f"/assessments/{copy_.id}/score"))
    assert "not counted: an expert here is reviewing it" in card
