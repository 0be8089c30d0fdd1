"""The regional actions file: every id it names exists in the shipped checklist, and a bad file says where."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from app.domain.loader import load_checklist_file
from app.domain.regional_actions import THEME_KINDS, ThemeError, parse_themes, unknown_ids

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "checklists" / "csi-sop-enfsi.yaml"
ACTIONS = ROOT / "checklists" / "data" / "regional-actions.yaml"


def test_every_id_the_regional_actions_name_exists_in_the_shipped_checklist():
    checklist, _ = load_checklist_file(SHIPPED)
    themes = parse_themes(yaml.safe_load(ACTIONS.read_text(encoding="utf-8")), ACTIONS.name)
    assert themes.checklist == checklist.id
    assert unknown_ids(themes, checklist) == []
    assert len(themes.themes) >= 10
    assert {t.kind for t in themes.themes} <= set(THEME_KINDS)
    named = {t.id for t in themes.themes}
    assert {
        "elimination-database",
        "harmonised-seizure-record",
        "quality-manual-template",
        "competence-scheme",
    } <= named


def test_an_unknown_id_is_named_with_its_theme():
    checklist, _ = load_checklist_file(SHIPPED)
    themes = parse_themes(
        {
            "checklist": "csi-sop-enfsi",
            "themes": [
                {
                    "id": "x",
                    "kind": "training",
                    "title": "T",
                    "action": "A",
                    "requirements": ["CON-02", "CON-99"],
                    "sections": ["ZZZ"],
                }
            ],
        }
    )
    assert unknown_ids(themes, checklist) == ["x: no requirement CON-99", "x: no section ZZZ"]


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        ({"id": "Bad Id", "kind": "training", "title": "T", "action": "A", "sections": ["CON"]}, "'id'"),
        ({"id": "a", "kind": "party", "title": "T", "action": "A", "sections": ["CON"]}, "'kind'"),
        ({"id": "a", "kind": "training", "action": "A", "sections": ["CON"]}, "'title'"),
        ({"id": "a", "kind": "training", "title": "T", "action": "A"}, "names no requirement"),
        ({"id": "a", "kind": "training", "title": "T", "action": "A", "requirements": "CON-01"}, "a list of ids"),
    ],
)
def test_a_bad_theme_is_refused_saying_where(theme, message):
    with pytest.raises(ThemeError, match=message):
        parse_themes({"checklist": "csi-sop-enfsi", "themes": [theme]}, "file.yaml")


def test_a_theme_id_used_twice_is_refused():
    theme = {"id": "a", "kind": "training", "title": "T", "action": "A", "sections": ["CON"]}
    with pytest.raises(ThemeError, match="used twice"):
        parse_themes({"checklist": "c", "themes": [theme, theme]})
