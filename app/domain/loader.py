"""Read a checklist from YAML: safe parsing, schema and semantic checks, then the model.

Every problem is reported as one line ``FILE:LINE: ID: what is wrong`` so an author can
act on it without a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.checklist import (
    DEFAULT_SCALE,
    DEFAULT_WEIGHTS,
    AppliesWhen,
    Checklist,
    Element,
    GlossaryEntry,
    Module,
    Reference,
    Remedy,
    Requirement,
    ScaleLevel,
    Section,
    Source,
)
from app.domain.limits import forbidden_in
from app.domain.text import Text

if TYPE_CHECKING:  # PyYAML and jsonschema load when a file is read or checked, not with the app
    import jsonschema
    import yaml

#: Larger files are refused before parsing; the full shipped checklist is well under 1 MB.
MAX_CHECKLIST_BYTES = 2 * 1024 * 1024

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "checklists" / "checklist.schema.json"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a checklist file, located by line and id."""

    file: str
    line: int
    id: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.id}: {self.message}"


class ChecklistInvalid(Exception):
    """The checklist cannot be used; ``problems`` says why, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@lru_cache(maxsize=1)
def _schema_validator() -> jsonschema.protocols.Validator:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def load_checklist_file(path: str | Path) -> tuple[Checklist, str]:
    """Read and check a checklist file; return the model and the source text."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_CHECKLIST_BYTES:
            raise ChecklistInvalid([_too_large(str(path), size)])
        raw = path.read_bytes()
    except OSError as exc:
        raise ChecklistInvalid([Problem(str(path), 0, "-", f"cannot read file: {exc.strerror}")]) from None
    checklist = parse_checklist(raw, str(path))
    return checklist, raw.decode("utf-8")


def shipped_file(folder: str | Path, ref: str) -> Path:
    """The file in ``folder`` that holds checklist ``id@version``: the frozen earlier version
    (``id-version.yaml``) when there is one, else the current file (``id.yaml``)."""
    checklist_id, version = ref.split("@")
    frozen = Path(folder) / f"{checklist_id}-{version}.yaml"
    return frozen if frozen.is_file() else Path(folder) / f"{checklist_id}.yaml"


def parse_checklist(source: str | bytes, filename: str = "<checklist>", *, trusted: bool = False) -> Checklist:
    """Parse checklist YAML into a :class:`Checklist`, or raise :class:`ChecklistInvalid`.

    ``trusted`` skips the schema and semantic checks, for text that passed them when it
    was stored; the caller compares the content hash instead.
    """
    raw = source.encode("utf-8") if isinstance(source, str) else source
    if len(raw) > MAX_CHECKLIST_BYTES:
        raise ChecklistInvalid([_too_large(filename, len(raw))])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChecklistInvalid(
            [Problem(filename, 1, "-", f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None

    data, lines = _read_yaml(text, filename)
    document = _jsonable(data)
    located = _Locator(filename, lines, document)

    # The one character rule for all input: a YAML escape such as "\e" or "\u202e" would pass it.
    found = None if trusted else forbidden_in(document)
    if found:
        message = f"a control character ({found[1]}) is not allowed in checklist text"
        raise ChecklistInvalid([located.problem(list(found[0]), message)])
    problems = (
        []
        if trusted
        else [located.problem(list(err.absolute_path), _schema_message(err)) for err in _schema_errors(document)]
    )
    if not problems and not trusted:
        problems = list(_semantic_problems(document, located))
    if problems:
        raise ChecklistInvalid(sorted(problems, key=lambda p: (p.line, p.message)))
    return _build(document, content_hash(document))


def checklist_from_document(document: dict) -> Checklist:
    """Build the model from checklist data already checked (as stored after loading)."""
    return _build(document, content_hash(document))


def content_hash(document: Any) -> str:
    """SHA-256 of the checklist's content: comments and layout do not change it."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _too_large(filename: str, size: int) -> Problem:
    return Problem(filename, 0, "-", f"file is {size:,} bytes; checklists are limited to {MAX_CHECKLIST_BYTES:,} bytes")


# --- YAML ------------------------------------------------------------------------------


def _read_yaml(text: str, filename: str) -> tuple[Any, dict[tuple, int]]:
    """Parse one YAML document, refusing anchors, aliases and duplicate keys.

    Returns the data and a map from each node's path to its line number.
    """
    import yaml

    loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Aliases are how a "billion laughs" document multiplies itself: refuse them
        # before anything is built.
        for event in yaml.parse(text, Loader=loader_class):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise ChecklistInvalid(
                    [Problem(filename, line, "-", "YAML anchors and aliases are not allowed in checklists")]
                )
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise ChecklistInvalid([Problem(filename, 1, "-", "the file is empty")])
            problems: list[Problem] = []
            lines: dict[tuple, int] = {}
            _map_lines(node, (), lines, problems, filename)
            if problems:
                raise ChecklistInvalid(problems)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        raise ChecklistInvalid([Problem(filename, line, "-", f"YAML syntax: {what}")]) from None
    except yaml.YAMLError as exc:
        raise ChecklistInvalid([Problem(filename, 0, "-", f"YAML syntax: {exc}")]) from None
    return data, lines


def _map_lines(node: yaml.Node, path: tuple, lines: dict, problems: list, filename: str) -> None:
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(Problem(filename, key_node.start_mark.line + 1, "-", f"duplicate key '{key}'"))
            seen.add(key)
            _map_lines(value_node, (*path, key), lines, problems, filename)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_lines(item, (*path, index), lines, problems, filename)


def _jsonable(value: Any) -> Any:
    """The parsed YAML as JSON data: string keys; dates as ISO strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


class _Locator:
    """Turns a path into the data into a line number and the nearest enclosing id."""

    def __init__(self, filename: str, lines: dict[tuple, int], document: Any) -> None:
        self.filename = filename
        self.lines = lines
        self.document = document

    def problem(self, path: list, message: str) -> Problem:
        return Problem(self.filename, self._line(tuple(path)), self._id(path), message)

    def _line(self, path: tuple) -> int:
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)

    def _id(self, path: list) -> str:
        found = None
        node = self.document
        if isinstance(node, dict) and isinstance(node.get("checklist"), dict):
            found = node["checklist"].get("id")
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                break
            if isinstance(node, dict) and isinstance(node.get("id"), str) and step != "checklist":
                found = node["id"]
        return str(found) if found else "-"


# --- schema ----------------------------------------------------------------------------


def _schema_errors(document: Any) -> Iterable[jsonschema.ValidationError]:
    return _schema_validator().iter_errors(document)


def _field_path(path: Iterable) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _schema_message(error: jsonschema.ValidationError) -> str:
    """A short, human message for a schema error."""
    where = _field_path(error.absolute_path) or "document"
    validator = error.validator
    if validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{where}: missing required field '{missing}'"
    if validator == "additionalProperties":
        return f"{where}: {error.message.replace('Additional properties are not allowed', 'unknown field')}"
    if validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{where}: {error.instance!r} is not one of: {allowed}"
    if validator == "type":
        hint = " (quote it)" if error.validator_value == "string" and isinstance(error.instance, (int, float)) else ""
        return (
            f"{where}: expected {error.validator_value}, got {type(error.instance).__name__} {error.instance!r}{hint}"
        )
    if validator == "oneOf" and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        return f"{where}: {best.message}"
    if validator == "pattern":
        return f"{where}: {error.instance!r} does not match the required form {error.validator_value}"
    return f"{where}: {error.message}"


# --- semantic rules --------------------------------------------------------------------


def _semantic_problems(doc: dict, at: _Locator) -> Iterable[Problem]:
    header = doc["checklist"]
    scale = header.get("scale") or [{"value": v, "key": k, "label": lbl} for v, k, lbl in DEFAULT_SCALE]
    scale_values = {lvl["value"] for lvl in scale}

    yield from _duplicates(
        [("checklist", "scale", i, "value") for i in range(len(scale))],
        [lvl["value"] for lvl in scale],
        "scale value",
        at,
    )
    yield from _duplicates(
        [("checklist", "scale", i, "key") for i in range(len(scale))], [lvl["key"] for lvl in scale], "scale key", at
    )
    if scale_values and max(scale_values) == 0:
        yield at.problem(["checklist", "scale"], "the scale needs a value above 0")

    modules = header.get("modules") or []
    module_ids = {m["id"] for m in modules}
    yield from _duplicates(
        [("checklist", "modules", i, "id") for i in range(len(modules))], [m["id"] for m in modules], "module id", at
    )

    sources = doc["sources"]
    yield from _duplicates(
        [("sources", i, "id") for i in range(len(sources))], [s["id"] for s in sources], "source id", at
    )
    clauses_of = {s["id"]: s.get("clauses") or {} for s in sources}
    used_sources: set[str] = set()

    sections = doc["sections"]
    yield from _duplicates(
        [("sections", i, "id") for i in range(len(sections))], [s["id"] for s in sections], "section id", at
    )
    remedies = doc.get("remedies") or []
    yield from _duplicates(
        [("remedies", i, "id") for i in range(len(remedies))], [r["id"] for r in remedies], "remedy id", at
    )
    remedy_ids = {r["id"] for r in remedies}
    used_remedies: set[str] = set()

    req_paths, req_ids = [], []
    for si, section in enumerate(sections):
        module = section.get("module")
        if module is not None and module not in module_ids:
            yield at.problem(["sections", si, "module"], f"module '{module}' is not declared under checklist.modules")
        for ri, req in enumerate(section["requirements"]):
            path = ["sections", si, "requirements", ri]
            req_paths.append(tuple([*path, "id"]))
            req_ids.append(req["id"])
            remedy = req.get("remedy")
            if remedy is not None:
                if remedy in remedy_ids:
                    used_remedies.add(remedy)
                else:
                    yield at.problem([*path, "remedy"], f"remedy '{remedy}' is not declared under remedies")
            for fi, ref in enumerate(req["references"]):
                ref_path = [*path, "references", fi]
                source = ref["source"]
                if source not in clauses_of:
                    yield at.problem([*ref_path, "source"], f"source '{source}' is not declared under sources")
                    continue
                used_sources.add(source)
                clauses = clauses_of[source]
                clause = ref.get("clause")
                if clauses and clause is None:
                    yield at.problem(ref_path, f"a reference to {source} must name a clause ({', '.join(clauses)})")
                elif clauses and not any(clause == k or clause.startswith(k + ".") for k in clauses):
                    yield at.problem([*ref_path, "clause"], f"clause '{clause}' is not declared for {source}")
            elements = req.get("elements") or ()
            if elements and not doc["checklist"].get("level_rule"):
                yield at.problem(
                    [*path, "elements"], "elements need checklist.level_rule, which says how they set the level"
                )
            elif elements and scale_values != {0, 1, 2, 3}:
                yield at.problem(
                    [*path, "elements"], "elements set the level on the scale 0 to 3; this checklist's differs"
                )
            elif elements and not any(e["essential"] for e in elements):
                yield at.problem([*path, "elements"], "mark at least one element essential")
            for field_name, what in (("recommendations", "recommendation"), ("anchors", "anchor")):
                for key in req.get(field_name) or {}:
                    if int(key) not in scale_values:
                        yield at.problem(
                            [*path, field_name, key], f"{what} for {key}, which is not a value on the scale"
                        )
    all_ids = [s["id"] for s in sections] + req_ids
    all_paths = [("sections", i, "id") for i in range(len(sections))] + req_paths
    yield from _duplicates(all_paths, all_ids, "id", at, skip_first=len(sections))
    yield from _lineage_problems(doc, set(req_ids), at)

    for i, source in enumerate(sources):
        if source["id"] not in used_sources:
            yield at.problem(["sources", i], f"source '{source['id']}' is declared but no requirement cites it")
    for i, remedy in enumerate(remedies):
        if remedy["id"] not in used_remedies:
            yield at.problem(["remedies", i], f"remedy '{remedy['id']}' is declared but no requirement names it")


def _lineage_problems(doc: dict, current_ids: set[str], at: _Locator) -> Iterable[Problem]:
    """An earlier requirement is either carried on (``replaces``) or retired, never both.

    A requirement ``carried_as: same`` takes its own id's answer, never another's.
    """
    retired = doc.get("retired") or []
    yield from _duplicates(
        [("retired", i, "id") for i in range(len(retired))], [r["id"] for r in retired], "retired id", at
    )
    replaced = {
        old: ["sections", si, "requirements", ri, "replaces"]
        for si, section in enumerate(doc["sections"])
        for ri, req in enumerate(section["requirements"])
        for old in req.get("replaces") or ()
    }
    for si, section in enumerate(doc["sections"]):
        for ri, req in enumerate(section["requirements"]):
            if req.get("carried_as") and any(old != req["id"] for old in req.get("replaces") or ()):
                yield at.problem(
                    ["sections", si, "requirements", ri, "carried_as"],
                    f"'{req['id']}' is carried_as the same duty, which is its predecessor's with its own id; "
                    "a requirement that replaces others is re-checked",
                )
    for i, entry in enumerate(retired):
        if entry["id"] in current_ids:
            yield at.problem(["retired", i, "id"], f"'{entry['id']}' is retired but is a requirement of this version")
        elif entry["id"] in replaced:
            line = at.problem(replaced[entry["id"]], "").line
            yield at.problem(
                ["retired", i, "id"], f"'{entry['id']}' is retired but a requirement replaces it (line {line})"
            )


def _duplicates(paths: list, values: list, what: str, at: _Locator, skip_first: int = 0) -> Iterable[Problem]:
    """Problems for every repeated value; ``skip_first`` leading values are checked elsewhere."""
    first: dict[Any, int] = {}
    for index, (path, value) in enumerate(zip(paths, values, strict=False)):
        if value in first:
            if index >= skip_first:
                earlier = at.problem(list(paths[first[value]]), "").line
                yield at.problem(list(path), f"duplicate {what} '{value}' (first used on line {earlier})")
        else:
            first[value] = index


# --- building the model ----------------------------------------------------------------


def _applies_when(data: dict | None, text) -> AppliesWhen | None:
    if not data:
        return None
    conditions = {
        name: tuple(value) if isinstance(value, list) else (value,) for name, value in data.items() if name != "reason"
    }
    return AppliesWhen(conditions=conditions, reason=text(data["reason"]))


def _build(doc: dict, digest: str) -> Checklist:
    header = doc["checklist"]
    lang = header.get("language", "en")

    def text(value: Any) -> Text | None:
        return Text.of(value, lang)

    scale_data = header.get("scale") or [{"value": v, "key": k, "label": lbl} for v, k, lbl in DEFAULT_SCALE]
    scale = tuple(
        ScaleLevel(value=lvl["value"], key=lvl["key"], label=text(lvl["label"]))
        for lvl in sorted(scale_data, key=lambda lvl: lvl["value"])
    )
    sections = []
    position = 0
    for si, sec in enumerate(doc["sections"]):
        requirements = []
        for req in sec["requirements"]:
            position += 1
            requirements.append(
                Requirement(
                    id=req["id"],
                    section_id=sec["id"],
                    module=sec.get("module"),
                    title=text(req["title"]),
                    statement=text(req["statement"]),
                    guidance=text(req.get("guidance")),
                    evidence=tuple(text(e) for e in req.get("evidence") or ()),
                    criticality=req["criticality"],
                    consequence=req["consequence"],
                    references=tuple(
                        Reference(source=r["source"], clause=r.get("clause"), note=r.get("note"))
                        for r in req["references"]
                    ),
                    recommendations={int(k): text(v) for k, v in (req.get("recommendations") or {}).items()},
                    position=position,
                    decided_from=req.get("decided_from", "document"),
                    remedy=req.get("remedy"),
                    replaces=tuple(req.get("replaces") or ()),
                    anchors={int(k): text(v) for k, v in (req.get("anchors") or {}).items()},
                    applicability=text(req.get("applicability")),
                    criticality_reason=text(req.get("criticality_reason")),
                    elements=tuple(
                        Element(text=text(e["text"]), essential=e["essential"]) for e in req.get("elements") or ()
                    ),
                    carried_as=req.get("carried_as"),
                    applies_when=_applies_when(req.get("applies_when"), text),
                )
            )
        sections.append(
            Section(
                id=sec["id"],
                title=text(sec["title"]),
                module=sec.get("module"),
                intro=text(sec.get("intro")),
                requirements=tuple(requirements),
                position=si + 1,
            )
        )
    return Checklist(
        id=header["id"],
        version=header["version"],
        title=text(header["title"]),
        language=lang,
        description=text(header.get("description")),
        scale=scale,
        weights={**DEFAULT_WEIGHTS, **(header.get("weights") or {})},
        modules=tuple(
            Module(id=m["id"], title=text(m["title"]), description=text(m.get("description")))
            for m in header.get("modules") or ()
        ),
        sources=tuple(
            Source(
                id=s["id"],
                title=text(s["title"]),
                edition=s.get("edition"),
                year=s.get("year"),
                publisher=s.get("publisher"),
                url=s.get("url"),
                note=text(s.get("note")),
                clauses={k: v if isinstance(v, str) else v["title"] for k, v in (s.get("clauses") or {}).items()},
                numbers={
                    k: dict(v["numbers"])
                    for k, v in (s.get("clauses") or {}).items()
                    if isinstance(v, dict) and v.get("numbers")
                },
                core=frozenset(k for k, v in (s.get("clauses") or {}).items() if isinstance(v, dict) and v.get("core")),
                confirmed_by={
                    k: v["confirmed_by"]
                    for k, v in (s.get("clauses") or {}).items()
                    if isinstance(v, dict) and v.get("confirmed_by")
                },
            )
            for s in doc["sources"]
        ),
        sections=tuple(sections),
        remedies=tuple(
            Remedy(
                id=r["id"],
                title=text(r["title"]),
                description=text(r.get("description")),
                effort=r.get("effort"),
                cost=r.get("cost"),
            )
            for r in doc.get("remedies") or ()
        ),
        retired={r["id"]: text(r["reason"]) for r in doc.get("retired") or ()},
        criticality_rule=text(header.get("criticality_rule")),
        level_rule=text(header.get("level_rule")),
        carries_from=header.get("carries_from"),
        glossary=tuple(
            GlossaryEntry(
                term=text(g["term"]),
                meaning=text(g["meaning"]),
                equivalents=dict(g.get("equivalents") or {}),
                note=text(g.get("note")),
            )
            for g in doc.get("glossary") or ()
        ),
        content_hash=digest,
        document=doc,
    )
