"""The coverage matrix: clauses and the requirements citing them."""

from app.domain.coverage import coverage_matrix, uncited_clauses
from app.domain.loader import parse_checklist
from tests.conftest import MINI

CHECKLIST = parse_checklist(MINI.read_text(encoding="utf-8"))


def test_sub_clause_citations_count_for_their_tracked_clause():
    rows = {(r.source, r.clause): [q.id for q in r.requirements] for r in coverage_matrix(CHECKLIST)}
    assert rows[("ISO17020", "7.3")] == ["AAA-01"]
    assert rows[("ISO17020", "7.2")] == ["BBB-01", "BBB-02"]
    assert rows[("GUIDE", None)] == ["AAA-02", "FFF-01", "FFF-02"]


def test_module_choice_limits_the_citing_requirements():
    rows = {(r.source, r.clause): [q.id for q in r.requirements] for r in coverage_matrix(CHECKLIST, modules=[])}
    assert rows[("GUIDE", None)] == ["AAA-02"]


def test_tracked_clauses_nothing_cites_are_listed():
    text = MINI.read_text(encoding="utf-8").replace('clause: "7.1"}', 'clause: "7.2"}')
    checklist = parse_checklist(text)
    assert [(r.source, r.clause) for r in uncited_clauses(checklist)] == [("ISO17020", "7.1")]
    assert uncited_clauses(CHECKLIST) == []


def test_a_citation_counts_for_the_most_specific_tracked_clause():
    text = MINI.read_text(encoding="utf-8").replace(
        '      "7.3": Records\n', '      "7.3": Records\n      "7.3.1": Timely records\n'
    )
    rows = {(r.source, r.clause): [q.id for q in r.requirements] for r in coverage_matrix(parse_checklist(text))}
    assert rows[("ISO17020", "7.3.1")] == ["AAA-01"] and rows[("ISO17020", "7.3")] == []
