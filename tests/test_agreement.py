"""Agreement of two independent scorings (make bench-agreement), and the scorings kept for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.domain.agreement import Mark, compare
from app.domain.checklist import Element, Requirement, level_from_elements
from app.domain.loader import load_checklist_file, shipped_file
from app.domain.text import Text

ROOT = Path(__file__).resolve().parent.parent
SCORINGS = sorted((ROOT / "tests" / "data" / "scorings").glob("*.yaml"))


E, N = Element(Text.of("e", "en"), True), Element(Text.of("n", "en"), False)


def requirement(rid: str, elements=(E, N, N)) -> Requirement:
    return Requirement(
        id=rid,
        section_id="S",
        module=None,
        title=Text.of(rid, "en"),
        statement=Text.of("The SOP requires it.", "en"),
        guidance=None,
        evidence=(),
        criticality="important",
        consequence="quality",
        references=(),
        recommendations={},
        elements=tuple(elements),
    )


def test_exact_kappa_and_element_agreement_over_what_both_scored():
    reqs = [requirement(f"R-0{i}") for i in range(1, 6)]
    first = {
        "R-01": Mark(3, frozenset({0, 1, 2})),
        "R-02": Mark(2, frozenset({0, 1})),
        "R-03": Mark(0, frozenset()),
        "R-04": Mark(state="to_verify"),
        "R-05": Mark(1, frozenset({1})),
    }
    second = {
        "R-01": Mark(3, frozenset({0, 1, 2})),
        "R-02": Mark(1, frozenset({1, 2})),
        "R-03": Mark(0, frozenset()),
        "R-04": Mark(state="to_verify"),
        "R-05": Mark(state="not_applicable"),
    }
    result = compare(reqs, first, second)
    assert result.count == 3 and result.exact == pytest.approx(2 / 3)
    assert result.scored_by_one == ("R-05",)
    assert (result.element_same, result.element_total) == (7, 9)  # R-02 differs on elements 0 and 2
    assert result.largest() == [("R-02", 2, 1)]
    assert 0 < result.kappa < 1
    perfect = compare(reqs, first, first)
    assert perfect.exact == 1 and perfect.kappa == pytest.approx(1.0)
    pooled = result + perfect
    assert pooled.count == 3 + 4 and pooled.scored_by_one == ("R-05",)


@pytest.mark.parametrize("path", SCORINGS, ids=[p.stem for p in SCORINGS])
def test_each_kept_scoring_covers_its_checklist_and_follows_the_level_rule(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    checklist, _ = load_checklist_file(shipped_file(ROOT / "checklists", data["checklist"]))
    assert data["checklist"] == f"{checklist.id}@{checklist.version}"
    assert (ROOT / "tests" / "data" / "sops" / f"{data['sop']}.md").is_file()
    requirements = {r.id: r for r in checklist.requirements([m.id for m in checklist.modules])}
    assert set(data["scores"]) == set(requirements)
    for rid, entry in data["scores"].items():
        if entry.get("state"):
            assert entry["state"] in ("to_verify", "not_applicable"), rid
            continue
        ticks = entry["ticks"]
        assert all(0 <= t < len(requirements[rid].elements) for t in ticks), rid
        if entry["level"] != level_from_elements(requirements[rid].elements, ticks):
            assert entry.get("reason"), f"{rid}: a level other than the rule gives needs a reason"


def test_the_shipped_checklist_keeps_the_elements_the_kept_scorings_ticked():
    """The agreement printed holds for the shipped version only while its elements are the ones scored:
    a change of elements needs new scorings."""
    scored = {yaml.safe_load(p.read_text(encoding="utf-8"))["checklist"] for p in SCORINGS}
    shipped, _ = load_checklist_file(ROOT / "checklists" / "csi-sop-enfsi.yaml")
    for ref in scored:
        earlier, _ = load_checklist_file(shipped_file(ROOT / "checklists", ref))
        modules = [m.id for m in earlier.modules]
        elements = {r.id: r.elements for r in earlier.requirements(modules)}
        now = {r.id: r.elements for r in shipped.requirements([m.id for m in shipped.modules])}
        assert now == elements, f"elements changed since {ref} was scored: score the SOPs again"
