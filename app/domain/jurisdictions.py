"""Jurisdiction profiles: the facts about a unit's jurisdiction that pages, reports and
applicability rules read (checklists/jurisdictions/<code>.yaml, checklists/jurisdiction.schema.json).

A profile names the jurisdiction in English and its official languages, its time zone and
currency, whether EU rules bind it, its access to INTERPOL, and the national laws a report
refers to, each with a reference only where a source confirmed it. A profile may be
``part_of`` another (an entity or district of Bosnia and Herzegovina): it takes every field
it does not set from its parent, law by law.

Reading a file reports every problem as one line ``FILE:LINE: CODE: field: what is wrong``,
with the checklist loader's own YAML and schema machinery.
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.jurisdiction_names import footnotes, printed_jurisdiction
from app.domain.loader import ChecklistInvalid, Problem, _jsonable, _read_yaml, _schema_message

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "checklists" / "jurisdiction.schema.json"
#: The laws every profile names, in the order pages print them.
LAW_KEYS = ("criminal_procedure", "weapons", "data_protection")
EU_STATUSES = ("member", "candidate", "potential_candidate", "neither")
#: Profile fields a requirement's ``applies_when`` may test (kept in step with checklist.schema.json).
APPLICABILITY_FIELDS = ("code", "currency", "eu_status", "interpol_member", "interpol_direct_access")
MAX_PROFILE_BYTES = 256 * 1024

#: The profile whose zone and currency text is printed in: set for a unit's pages and reports.
active_jurisdiction: ContextVar[Profile | None] = ContextVar("active_jurisdiction", default=None)


class ProfileInvalid(ChecklistInvalid):
    """A jurisdiction profile cannot be used; ``problems`` says why, one line each."""


@dataclass(frozen=True)
class Law:
    """A national law a report refers to, by its title in the official language and in English."""

    key: str
    title: str
    language: str
    title_en: str
    #: How the law is cited (its gazette and number, or its own number); None: not confirmed.
    reference: str | None
    #: True only when a listed source confirmed the title and the reference.
    confirmed: bool
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class EuRelation:
    """Whether EU rules bind the jurisdiction, as of a date, to be checked before relying on it."""

    status: str
    note: str
    as_of: str
    checked: bool
    source: str | None = None


@dataclass(frozen=True)
class InterpolAccess:
    """Membership of INTERPOL, the National Central Bureau, and whether the police reach its databases."""

    member: bool
    ncb: str | None
    #: None: the profile does not say (then no requirement is set aside for it).
    direct_access: bool | None
    note: str
    confirmed: bool


@dataclass(frozen=True)
class Profile:
    """One jurisdiction's profile, its parent's fields filled in."""

    code: str
    name: dict[str, str]
    short_name: str
    part_of: str | None
    languages: tuple[str, ...]
    scripts: tuple[str, ...]
    time_zone: str
    date_locale: str
    currency: str
    eu: EuRelation
    interpol: InterpolAccess
    laws: tuple[Law, ...]
    sources: tuple[dict, ...]
    time_zone_note: str | None = None
    note: str | None = None

    @property
    def printed_name(self) -> str:
        """The name as the region's publications print it (``Kosovo*``)."""
        return printed_jurisdiction(self.short_name)

    @property
    def footnotes(self) -> list[str]:
        """The designation footnotes owed wherever the name is printed."""
        return footnotes([self.short_name])

    def law(self, key: str) -> Law | None:
        return next((law for law in self.laws if law.key == key), None)

    @property
    def unconfirmed_laws(self) -> tuple[Law, ...]:
        return tuple(law for law in self.laws if not law.confirmed)

    def field(self, name: str) -> Any:
        """The value of an applicability field (see :data:`APPLICABILITY_FIELDS`)."""
        return {
            "code": self.code,
            "currency": self.currency,
            "eu_status": self.eu.status,
            "interpol_member": self.interpol.member,
            "interpol_direct_access": self.interpol.direct_access,
        }[name]

    def fact(self, name: str) -> str:
        """What the profile says about a field, in a sentence: its note where it has one."""
        if name.startswith("interpol_"):
            return self.interpol.note
        if name == "eu_status":
            return self.eu.note
        return f"{name} is {self.field(name)}"


@contextmanager
def in_jurisdiction(profile: Profile | None):
    """Print times in ``profile``'s zone and costs in its currency while the block runs."""
    token = active_jurisdiction.set(profile)
    try:
        yield profile
    finally:
        active_jurisdiction.reset(token)


# --- reading files ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema  # loaded when a file is first checked, not with the app

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@dataclass(frozen=True)
class _Document:
    path: Path
    data: dict
    lines: dict[tuple, int]

    def problem(self, path: Iterable, message: str) -> Problem:
        key = tuple(path)
        while key and key not in self.lines:
            key = key[:-1]
        code = self.data.get("code") if isinstance(self.data, dict) else None
        return Problem(str(self.path), self.lines.get(key, 1), str(code or "-"), message)


def _read(path: Path) -> _Document:
    """Parse and check one file on its own: YAML, schema, then the rules the schema cannot say."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProfileInvalid([Problem(str(path), 0, "-", f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > MAX_PROFILE_BYTES:
        raise ProfileInvalid([Problem(str(path), 0, "-", f"file is {len(raw):,} bytes; profiles are limited")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProfileInvalid([Problem(str(path), 1, "-", f"not UTF-8 text ({exc.reason})")]) from None
    try:
        data, lines = _read_yaml(text, str(path))
    except ChecklistInvalid as exc:
        raise ProfileInvalid(exc.problems) from None
    document = _Document(path, _jsonable(data), lines)
    problems = [
        document.problem(err.absolute_path, _schema_message(err)) for err in _validator().iter_errors(document.data)
    ]
    if not problems:
        problems = list(_rules(document))
    if problems:
        raise ProfileInvalid(sorted(problems, key=lambda p: (p.line, p.message)))
    return document


def _rules(document: _Document) -> Iterable[Problem]:
    data = document.data
    if data["code"] != document.path.stem:
        yield document.problem(["code"], f"code: '{data['code']}' must match the file name ({document.path.stem})")
    zone = data.get("time_zone")
    if zone is not None and zone not in zoneinfo.available_timezones():
        yield document.problem(["time_zone"], f"time_zone: '{zone}' is not a zone of the tz database")
    languages = set(data.get("languages") or ())
    for key, law in (data.get("laws") or {}).items():
        if languages and law["language"] not in languages:
            yield document.problem(
                ["laws", key, "language"],
                f"laws.{key}.language: '{law['language']}' is not among the profile's languages",
            )
    if data.get("part_of") == data["code"]:
        yield document.problem(["part_of"], "part_of: a profile cannot be part of itself")


def validate_profile_file(path: str | Path) -> Profile:
    """Check one profile file (and its parent, beside it); the profile, or :class:`ProfileInvalid`."""
    path = Path(path)
    document = _read(path)
    parent = None
    code = document.data.get("part_of")
    if code:
        parent_path = path.with_name(f"{code}.yaml")
        if not parent_path.is_file():
            raise ProfileInvalid([document.problem(["part_of"], f"part_of: no profile {code} beside this file")])
        parent = _read(parent_path)
    return _build(document.data, parent.data if parent else None)


def load_profiles(folder: str | Path) -> dict[str, Profile]:
    """Every profile in a folder, by code; every problem of every file at once."""
    documents: dict[str, _Document] = {}
    problems: list[Problem] = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            document = _read(path)
        except ProfileInvalid as exc:
            problems += exc.problems
        else:
            documents[document.data["code"]] = document
    for document in documents.values():
        parent = document.data.get("part_of")
        if parent and parent not in documents:
            problems.append(document.problem(["part_of"], f"part_of: no valid profile {parent} in {folder}"))
        elif parent and documents[parent].data.get("part_of"):
            problems.append(document.problem(["part_of"], f"part_of: {parent} is itself part of another profile"))
    if problems:
        raise ProfileInvalid(problems)
    return {
        code: _build(d.data, documents[d.data["part_of"]].data if d.data.get("part_of") else None)
        for code, d in sorted(documents.items())
    }


def _build(data: dict, parent: dict | None) -> Profile:
    merged = {**(parent or {}), **data}
    merged["laws"] = {**((parent or {}).get("laws") or {}), **(data.get("laws") or {})}
    eu, interpol = merged["eu"], merged["interpol"]
    return Profile(
        code=merged["code"],
        name=dict(data["name"]),
        short_name=data["short_name"],
        part_of=data.get("part_of"),
        languages=tuple(merged["languages"]),
        scripts=tuple(merged["scripts"]),
        time_zone=merged["time_zone"],
        time_zone_note=merged.get("time_zone_note"),
        date_locale=merged["date_locale"],
        currency=merged["currency"],
        eu=EuRelation(eu["status"], eu["note"], str(eu["as_of"]), eu["checked"], eu.get("source")),
        interpol=InterpolAccess(
            interpol["member"],
            interpol.get("ncb"),
            interpol.get("direct_access"),
            interpol["note"],
            interpol["confirmed"],
        ),
        laws=tuple(
            Law(
                key=key,
                title=law["title"],
                language=law["language"],
                title_en=law["title_en"],
                reference=law.get("reference"),
                confirmed=law["confirmed"],
                source=law.get("source"),
                note=law.get("note"),
            )
            for key in sorted(merged["laws"], key=lambda k: LAW_KEYS.index(k) if k in LAW_KEYS else len(LAW_KEYS))
            for law in (merged["laws"][key],)
        ),
        sources=tuple(data.get("sources") or ()) + (tuple(parent.get("sources") or ()) if parent else ()),
        note=data.get("note"),
    )
