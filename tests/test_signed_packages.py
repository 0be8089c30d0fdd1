"""Packages are signed by the installation that exports them, and only a trusted signer's review
is kept, as reported by it: never as a review made here."""

from __future__ import annotations

import copy
import io
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assessment, Consultation, Event, ReportedReview, Review, TrustedInstallation
from app.services.assessment.assessments import score_sheet
from app.services.exchange.imports import PackageRefused, import_package
from app.services.exchange.packages import build_package, package_bytes, record_hash
from app.services.exchange.signing import fingerprint, own_public_key, sign_package, verified_signer
from app.services.exchange.trust import TrustError, trust_installation
from tests.conftest import text_of
from tests.other_installation import OtherInstallation, with_review


@pytest.fixture
def package(make_unit, make_assessment, make_user, login, save_response):
    """A self-assessment of unit UA with every requirement answered, as a package; the original is gone."""
    unit = make_unit("UA", name="Unit A")
    a = make_assessment(unit, title="Field laptop work")
    login(make_user("unit_head", units=[unit]))
    for code in ("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02"):
        save_response(a.id, code, score=3)
    data = build_package(db.session.get(Assessment, a.id), exported_by="Ana")
    db.session.delete(db.session.get(Assessment, a.id))
    db.session.commit()
    return data


@pytest.fixture
def laptop(app):
    """The SEESAC expert's field laptop, an installation trusted here."""
    other = OtherInstallation()
    trust_installation(other.installation_id, "SEESAC field laptop", other.public_key, None)
    db.session.commit()
    return other


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(raw: bytes, match: str) -> None:
    before = count(Assessment)
    with pytest.raises(PackageRefused, match=match):
        import_package(raw)
    db.session.rollback()
    assert count(Assessment) == before


# --- signing --------------------------------------------------------------------------------


def test_an_exported_package_is_signed_by_this_installation_with_a_key_kept_in_the_instance_folder(
    app, client, make_unit, make_assessment, make_user, login
):
    unit = make_unit("UA")
    a = make_assessment(unit)
    login(make_user("unit_head", units=[unit]))
    package = json.loads(client.get(f"/assessments/{a.id}/export.json").data)
    assert package["signature"]["algorithm"] == "Ed25519"
    assert package["installation"]["public_key"] == own_public_key()
    signer = verified_signer(package)
    assert signer is not None and signer.installation_id == package["installation"]["id"]
    key_file = Path(app.instance_path) / "installation_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # Signing adds nothing to the record: a signed package has the record hash of the same one unsigned.
    assert record_hash(package) == record_hash(build_package(db.session.get(Assessment, a.id)))


def test_the_export_command_signs_too(runner, make_unit, make_assessment, tmp_path):
    a = make_assessment(make_unit("UA"))
    out = tmp_path / "a.json"
    result = runner.invoke(args=["assessments", "export", str(a.id), "-o", str(out)])
    assert result.exit_code == 0 and "signed by this installation" in result.output
    assert verified_signer(json.loads(out.read_bytes())) is not None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: p["responses"][0].update(value=0),
        lambda p: p["assessment"].update(stage="finalised"),
        lambda p: p.update(exported_by="Someone else"),
        lambda p: p["installation"].update(name="The regional server"),
        lambda p: p.update(with_review(p)),
        lambda p: p["signature"].update(value="A" * 86 + "=="),
        lambda p: p["signature"].update(algorithm="RSA"),
        lambda p: p["installation"].update(public_key=OtherInstallation().public_key),
        lambda p: p["installation"].pop("public_key"),
    ],
    ids=["score", "stage", "exporter", "name", "review-added", "signature", "algorithm", "key", "no-key"],
)
def test_a_package_changed_after_it_was_signed_is_refused_outright(app, package, laptop, tamper):
    signed = laptop.sign(package)
    tamper(signed)
    refused(package_bytes(signed), "signature|damaged")
    assert count(Assessment) == 0


def test_a_signature_refusal_says_what_to_do(app, package, laptop):
    signed = laptop.sign(package)
    signed["responses"][0]["value"] = 0
    with pytest.raises(PackageRefused) as caught:
        import_package(package_bytes(signed))
    assert "does not verify" in str(caught.value) and "Ask for the package again" in str(caught.value)


# --- what a package's review becomes ----------------------------------------------------------


def test_an_unsigned_packages_review_is_left_out_and_the_import_says_so(app, package):
    outcome = import_package(package_bytes(with_review(package)))
    copy_ = outcome.assessment
    assert count(Review) == 0 and count(ReportedReview) == 0 and count(Consultation) == 0
    assert all(r.reply == "" and r.dissent == "" for r in copy_.responses)
    assert copy_.stage == "submitted" and copy_.reviewed is False  # the answers, waiting for an expert here
    assert copy_.origin["signature"]["status"] == "unsigned" and copy_.origin["review"]["kept"] is False
    note = " ".join(outcome.notes)
    assert "not signed, so its review was left out" in note
    assert "the expert's scores on 7 requirements; 7 agreed scores; 7 findings" in note
    assert "the consultation record" in note and "only the unit's own answers were imported" in note


def test_a_package_signed_by_an_installation_not_trusted_here_brings_only_the_units_answers(app, package):
    stranger = OtherInstallation("feedc0de12345678", "Unknown laptop")
    outcome = import_package(package_bytes(stranger.sign(with_review(package))))
    assert count(ReportedReview) == 0 and count(Review) == 0
    signature = outcome.assessment.origin["signature"]
    assert signature == {
        "status": "untrusted",
        "installation": "feedc0de12345678",
        "name": "Unknown laptop",
        "fingerprint": fingerprint(stranger.public_key),
    }
    note = " ".join(outcome.notes)
    assert "signed by Unknown laptop, which is not trusted here, so its review was left out" in note
    assert fingerprint(stranger.public_key) in note and "Trusted installations" in note


def test_a_trusted_id_signing_with_another_key_is_not_trusted(app, package, laptop):
    impostor = OtherInstallation(laptop.installation_id, "SEESAC field laptop")
    outcome = import_package(package_bytes(impostor.sign(with_review(package))))
    assert outcome.assessment.origin["signature"]["status"] == "untrusted" and count(ReportedReview) == 0
    assert "trusted here with another key" in " ".join(outcome.notes)


def test_a_trusted_key_naming_another_installation_is_not_trusted(app, package, laptop):
    outcome = import_package(package_bytes(laptop.sign(with_review(package), installation_id="1111222233334444")))
    assert outcome.assessment.origin["signature"]["status"] == "untrusted" and count(ReportedReview) == 0
    assert "key trusted here for SEESAC field laptop, but names itself 1111222233334444" in " ".join(outcome.notes)


def test_this_installations_own_signature_does_not_make_a_copy_reviewed(app, client, package):
    outcome = import_package(package_bytes(sign_package(with_review(package))))
    assert outcome.assessment.origin["signature"]["status"] == "untrusted" and count(ReportedReview) == 0


def test_a_trusted_installations_review_is_kept_as_reported_never_as_a_review_made_here(app, package, laptop):
    outcome = import_package(package_bytes(laptop.sign(with_review(package))))
    copy_ = outcome.assessment
    sheet = score_sheet(copy_)
    assert count(Review) == 0 and count(Consultation) == 0 and count(ReportedReview) == 7
    assert copy_.stage == "submitted" and copy_.reviewed is False
    assert not sheet.has_review and sheet.calibration.count == 0
    reported = sheet.responses["AAA-01"].reported
    assert (reported.value, reported.agreed_value, reported.finding) == (3, 3, "good_practice")
    assert (reported.agreed_by, reported.reply) == ("Dr Invented Expert (SEESAC)", "Thank you.")
    assert copy_.origin["consultation"]["participants"][0]["organisation"] == "SEESAC"
    assert copy_.origin["signature"]["status"] == "trusted" and copy_.origin["installation"]["name"] == laptop.name
    assert "Signed by SEESAC field laptop, a trusted installation" in " ".join(outcome.notes)


def test_a_trusted_reported_agreed_score_counts_until_an_expert_here_starts_a_review(app, package, laptop):
    for entry in package["responses"]:
        entry["value"] = 1  # the unit's own: partly addressed
    copy_ = import_package(package_bytes(laptop.sign(with_review(package)))).assessment
    sheet = score_sheet(copy_)
    assert sheet.answers["AAA-01"].value == 3 and sheet.self_result.overall.score < sheet.result.overall.score
    # Once a review starts here, only what is agreed here counts (nothing yet: the unit's own).
    sheet.responses["AAA-01"].review = Review()
    db.session.commit()
    assert score_sheet(copy_).answers["AAA-01"].value == 1


def test_a_package_claiming_finalised_and_reviewed_without_review_data_is_the_units_answers(app, package):
    package["assessment"].update(stage="finalised", reviewed=True, finalised_at="2026-11-21T10:00:00")
    outcome = import_package(package_bytes(package))
    copy_ = outcome.assessment
    assert copy_.stage == "submitted" and copy_.reviewed is False and copy_.finalised_at is None
    assert "says the assessment was reviewed by an expert, but it carries no review" in " ".join(outcome.notes)


def test_a_copy_whose_answers_are_not_whole_starts_as_a_self_assessment_and_says_why(app, package, laptop):
    incomplete = copy.deepcopy(package)
    incomplete["responses"] = incomplete["responses"][:2]
    outcome = import_package(package_bytes(laptop.sign(with_review(incomplete))))
    assert outcome.assessment.stage == "self_assessment"
    assert "starts as a self-assessment here, not as submitted" in " ".join(outcome.notes)
    assert "5 requirements in scope are unanswered" in " ".join(outcome.notes)


def test_no_stage_beyond_submitted_is_ever_taken_from_a_package(app, package, laptop):
    for stage in ("in_review", "consultation_held", "agreed", "finalised"):
        forged = with_review(package)
        forged["assessment"].update(stage=stage, title=f"Claims {stage}")
        copy_ = import_package(package_bytes(laptop.sign(forged))).assessment
        assert copy_.stage == "submitted" and copy_.reviewed is False, stage


def test_the_import_page_says_what_became_of_the_review(client, package, make_user, login, post):
    login(make_user("admin"))
    response = post(
        "/assessments/import",
        {"package": (io.BytesIO(package_bytes(with_review(package))), "p.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = text_of(response)
    assert response.status_code == 200 and "Imported: Field laptop work" in page
    assert "not signed, so its review was left out" in page


def test_the_import_command_says_what_became_of_the_review(runner, package, tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(package_bytes(with_review(package)))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0 and "not signed, so its review was left out" in result.output
    event = db.session.scalar(select(Event).where(Event.name == "assessment.imported"))
    assert event.after["signature"]["status"] == "unsigned" and event.after["review_kept"] is False


# --- the trusted list -------------------------------------------------------------------------


def test_an_installation_is_trusted_only_with_a_real_key_and_once(app, laptop):
    with pytest.raises(TrustError, match="not an installation's public key"):
        trust_installation("abcdef0123456789", "Laptop", "not-a-key", None)
    with pytest.raises(TrustError, match="trusted already"):
        trust_installation(laptop.installation_id, "Again", OtherInstallation().public_key, None)
    with pytest.raises(TrustError, match="trusted already"):
        trust_installation("abcdef0123456789", "Same key", laptop.public_key, None)
    with pytest.raises(TrustError, match="this installation's own key"):
        trust_installation("abcdef0123456789", "Myself", own_public_key(), None)
    with pytest.raises(TrustError, match="name"):
        trust_installation("abcdef0123456789", "Two\nlines", OtherInstallation().public_key, None)
    assert count(TrustedInstallation) == 1


def test_a_copy_exported_again_carries_its_reported_review_as_reported_never_as_a_review(app, package, laptop):
    copy_ = import_package(package_bytes(laptop.sign(with_review(package)))).assessment
    again = build_package(copy_)
    assert all(entry["review"] is None and entry["reply"] == "" for entry in again["responses"])
    assert again["assessment"]["reviewed"] is False
    imported = again["imported_from"]
    assert (imported["installation"], imported["signature"]) == ("SEESAC field laptop", "trusted")
    assert imported["reported_review"][0]["agreed_value"] == 3 and imported["reported_consultation"]["held_on"]
    # Passed on to a third installation (even one trusting this one), it brings no review at all.
    db.session.delete(copy_)
    db.session.commit()
    third = OtherInstallation("3333444455556666", "Regional server")
    trust_installation(third.installation_id, "Regional server", third.public_key, None)
    passed_on = import_package(package_bytes(third.sign(again)))
    assert count(ReportedReview) == 0 and not passed_on.notes
