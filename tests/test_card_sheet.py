"""A save reads one card whole and the others as columns: its figures are the whole sheet's figures."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import ReportedReview, Review
from app.services.assessment.assessments import card_sheet, score_sheet
from app.services.exchange.imports import import_package
from app.services.exchange.packages import build_package, package_bytes
from app.services.exchange.trust import trust_installation
from tests.other_installation import OtherInstallation, with_review

EVERY = ("AAA-01", "AAA-02", "AAA-03", "BBB-01", "BBB-02", "FFF-01", "FFF-02")


def _same_figures(assessment) -> None:
    whole = score_sheet(assessment)
    for code in EVERY:
        card = card_sheet(assessment, code)
        assert list(card.responses) == [code]
        assert card.answers == whole.answers, code
        assert card.result.overall == whole.result.overall, code
        assert card.result.sections == whole.result.sections, code


@pytest.fixture
def mixed(make_unit, make_assessment):
    """Own scores, N/A and not evidenced; an expert's review with and without an agreed score."""
    a = make_assessment(make_unit("UA"), title="Mixed")
    rows = {r.requirement.code: r for r in a.responses}
    rows["AAA-01"].value, rows["AAA-01"].basis = 1, "sop_text"
    rows["AAA-02"].value, rows["AAA-02"].basis = 2, "records"
    rows["AAA-03"].not_applicable, rows["AAA-03"].na_justification = True, "No such work."
    rows["BBB-01"].not_evidenced = True
    rows["BBB-02"].value, rows["BBB-02"].basis = 0, "sop_text"
    rows["AAA-01"].review = Review(value=3, agreed_value=3)  # agreed: counts 3
    rows["AAA-02"].review = Review(value=0)  # reviewed, not agreed: the unit's own counts
    rows["BBB-01"].review = Review(agreed_not_applicable=True)
    db.session.commit()
    return a


def test_a_card_sheet_counts_what_the_whole_sheet_counts(mixed):
    _same_figures(mixed)
    assert card_sheet(mixed, "AAA-02").answers["AAA-01"].value == 3
    assert card_sheet(mixed, "AAA-01").answers["AAA-02"].value == 2


def test_a_card_sheet_counts_an_imported_copys_reported_agreement(app, make_unit, make_assessment):
    own = make_assessment(make_unit("UB"), title="Ours")
    for response in own.responses:
        response.value, response.basis = 1, "sop_text"
    db.session.commit()
    laptop = OtherInstallation(name="Field laptop")
    trust_installation(laptop.installation_id, "Field laptop", laptop.public_key, None)
    db.session.commit()
    package = with_review(build_package(own))
    package["assessment"]["title"] = "Reported"
    copy_ = import_package(package_bytes(laptop.sign(package))).assessment
    db.session.commit()
    assert db.session.query(ReportedReview).count() == len(EVERY)
    _same_figures(copy_)
    assert card_sheet(copy_, "AAA-01").answers["AAA-02"].value == 3  # the reported agreed score


def test_a_card_sheet_of_a_requirement_not_in_the_assessment_holds_no_card(mixed):
    assert card_sheet(mixed, "ZZZ-99").responses == {}
