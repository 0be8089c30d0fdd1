"""axe-core finds no violation on any page, for each role that sees it, at desktop and phone width."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import axe_violations

DEMO = 1  # the demo assessment (consultation held)

PAGES = {
    "unit_head": [
        "/",
        "/units/",
        "/units/DEMO",
        "/assessments/new",
        f"/assessments/{DEMO}",
        f"/assessments/{DEMO}/score",
        f"/assessments/{DEMO}/score?filter=disagreements",
        f"/assessments/{DEMO}/consultation",
        f"/assessments/{DEMO}/plan",
        f"/assessments/{DEMO}/calibration",
        f"/assessments/{DEMO}/terms",
        f"/assessments/{DEMO}/report",
        "/assessments/import",
    ],
    "expert": [
        f"/assessments/{DEMO}/score?section=MGT",
        f"/assessments/{DEMO}/consultation",
        f"/assessments/{DEMO}/plan",
    ],
    "assessor": [f"/assessments/{DEMO}/score?section=REC"],
    "viewer": ["/", f"/assessments/{DEMO}", f"/assessments/{DEMO}/score", "/languages"],
    "admin": ["/admin/users", "/admin/checklists", "/admin/installations", "/admin/translations", "/units/"],
}


def _describe(violations) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:3])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {targets}")
    return "\n".join(lines)


@pytest.mark.parametrize("role", list(PAGES))
def test_no_accessibility_violation_on_any_page(signed_in, role):
    page = signed_in(role)
    for path in PAGES[role]:
        page.goto(path)
        violations = axe_violations(page)
        assert not violations, f"{role} {path}:\n{_describe(violations)}"


def test_sign_in_page_has_no_accessibility_violation(browser, server):
    context = browser.new_context(base_url=server["url"], bypass_csp=True)
    page = context.new_page()
    page.goto("/login")
    violations = axe_violations(page)
    page.goto("/languages")
    violations += axe_violations(page)
    context.close()
    assert not violations, _describe(violations)


def test_phone_width_keeps_score_stage_and_report_columns(signed_in):
    page = signed_in("viewer", width=390)
    page.goto("/")
    for heading in ("Stage", "Score", "Report"):
        assert page.get_by_role("columnheader", name=heading).is_visible(), heading
    assert not axe_violations(page)
