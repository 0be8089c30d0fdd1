"""Regional actions: what several units could do together, and which of them a round's gaps call for.

The themes are data (``checklists/data/regional-actions.yaml``): each names an action units
could take together (a shared training, a common SOP template, a shared elimination
database, the harmonised seizure record ...) and the requirements or sections of the
checklist whose gaps it closes. A theme is recommended for a round when at least
``min_group`` units have a gap under it (two in the named form, three in the anonymised one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.checklist import Checklist, Requirement
from app.domain.regional import Rules, SharedGap, UnitEntry

#: What kind of action a theme is: how the report names it.
THEME_KINDS = ("training", "template", "database", "record", "exercise", "service")
_THEME_ID = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class ThemeError(ValueError):
    """The themes file is not as it must be; the message says where."""


@dataclass(frozen=True)
class Theme:
    """An action several units could take together, and the requirements and sections it answers."""

    id: str
    title: str
    action: str
    kind: str
    requirements: frozenset[str] = frozenset()
    sections: frozenset[str] = frozenset()

    def covers(self, requirement: Requirement) -> bool:
        """True when a gap at ``requirement`` is one this action would close."""
        return requirement.id in self.requirements or requirement.section_id in self.sections


@dataclass(frozen=True)
class Themes:
    """The themes written for one checklist (by its id)."""

    checklist: str
    themes: tuple[Theme, ...]


def _ids(value, where: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ThemeError(f"{where}: a list of ids")
    return frozenset(v.strip() for v in value)


def _text(item: Mapping, name: str, where: str) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise ThemeError(f"{where}: '{name}' is missing or empty")
    return " ".join(value.split())


def parse_themes(document, filename: str = "<themes>") -> Themes:
    """The themes in a parsed YAML document, checked for shape (ids are checked by :func:`unknown_ids`)."""
    if not isinstance(document, Mapping) or not isinstance(document.get("themes"), list):
        raise ThemeError(f"{filename}: a mapping with 'checklist' and a list of 'themes'")
    checklist = document.get("checklist")
    if not isinstance(checklist, str) or not checklist.strip():
        raise ThemeError(f"{filename}: 'checklist' names the checklist id the themes are written for")
    themes, seen = [], set()
    for number, item in enumerate(document["themes"], start=1):
        where = f"{filename}: theme {number}"
        if not isinstance(item, Mapping):
            raise ThemeError(f"{where}: a mapping")
        theme_id = item.get("id")
        if not isinstance(theme_id, str) or not _THEME_ID.fullmatch(theme_id):
            raise ThemeError(f"{where}: 'id' in lower case words joined by hyphens")
        if theme_id in seen:
            raise ThemeError(f"{where}: id '{theme_id}' is used twice")
        seen.add(theme_id)
        where = f"{filename}: theme '{theme_id}'"
        kind = item.get("kind")
        if kind not in THEME_KINDS:
            raise ThemeError(f"{where}: 'kind' is one of {', '.join(THEME_KINDS)}")
        theme = Theme(
            id=theme_id,
            title=_text(item, "title", where),
            action=_text(item, "action", where),
            kind=kind,
            requirements=_ids(item.get("requirements"), f"{where}: 'requirements'"),
            sections=_ids(item.get("sections"), f"{where}: 'sections'"),
        )
        if not theme.requirements and not theme.sections:
            raise ThemeError(f"{where}: names no requirement and no section")
        themes.append(theme)
    return Themes(checklist.strip(), tuple(themes))


def unknown_ids(themes: Themes, checklist: Checklist) -> list[str]:
    """What the themes name that ``checklist`` does not have (empty when every id exists)."""
    requirements = {r.id for s in checklist.sections for r in s.requirements}
    sections = {s.id for s in checklist.sections}
    problems = []
    for theme in themes.themes:
        problems += [f"{theme.id}: no requirement {rid}" for rid in sorted(theme.requirements - requirements)]
        problems += [f"{theme.id}: no section {sid}" for sid in sorted(theme.sections - sections)]
    return problems


@dataclass(frozen=True)
class Recommendation:
    """A theme the round calls for: the units with gaps under it, and the shared gaps it would close."""

    theme: Theme
    units: tuple[int, ...]
    gaps: int  # gaps under it, across those units
    major: int  # of which major
    priority: float  # the sum of their priorities in each unit
    shared: tuple[SharedGap, ...]  # the shared gaps it covers, highest priority first


def recommendations(
    themes: Iterable[Theme], entries: Sequence[UnitEntry], shared: Sequence[SharedGap], rules: Rules
) -> list[Recommendation]:
    """The themes with gaps under them in at least ``rules.min_group`` units: most units first, then major gaps."""
    found = []
    for theme in themes:
        units, gaps, major, priority = [], 0, 0, 0.0
        for entry in entries:
            if entry.result is None:
                continue
            mine = [g for g in entry.result.gaps if theme.covers(g.requirement)]
            if mine:
                units.append(entry.key)
                gaps += len(mine)
                major += sum(1 for g in mine if g.major)
                priority += sum(g.own_priority for g in mine)
        if len(units) >= rules.min_group:
            covered = tuple(s for s in shared if theme.covers(s.requirement))
            found.append(Recommendation(theme, tuple(units), gaps, major, priority, covered))
    return sorted(found, key=lambda r: (-len(r.units), -r.major, -round(r.priority, 9), r.theme.id))
