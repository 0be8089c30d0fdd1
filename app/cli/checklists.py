"""``flask checklists validate|load|matrix|translation-status|derive-cyrillic|derive-variants|merge-translation``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.cli.jurisdictions import profile_paths, validate_profiles
from app.cli.output import echo
from app.domain.checklist import Checklist
from app.domain.coverage import ACCREDITATION_SOURCES, coverage_matrix, uncited_clauses
from app.domain.loader import ChecklistInvalid, load_checklist_file
from app.domain.overlay_writer import (
    SectionFileInvalid,
    derived_overlay,
    merged_entries,
    overlay_document,
    overlay_yaml,
    section_file_texts,
)
from app.domain.overlays import (
    OVERLAY_LANGUAGES,
    REQUIRED_FIELDS,
    STALE,
    check_overlay,
    coverage,
    load_overlay_file,
    overlay_file_name,
    overlay_files,
)
from app.services.content.checklist_translations import translation_status
from app.services.content.checklists import load_checklist_files, shipped_checklist_paths, version_key

group = AppGroup("checklists", help="Validate, load and inspect checklists.")


def _paths(paths: tuple[str, ...]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    found = shipped_checklist_paths(current_app.config["CHECKLISTS_DIR"])
    if not found:
        raise click.ClickException(f"no checklist files in {current_app.config['CHECKLISTS_DIR']}")
    return found


@group.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--missing", "list_missing", is_flag=True, help="List each missing translation (else only counted).")
def validate(paths: tuple[str, ...], list_missing: bool) -> None:
    """Check checklist files (default: the shipped ones, then the jurisdiction profiles) and their
    translation overlays; one line per error, exit 1 on any.

    A file in a ``jurisdictions`` folder is checked as a profile. Overlays are found in
    ``translations/`` beside each checklist file: a stale entry (made for an older English text),
    an entry for nothing in the checklist, another version's content or a malformed file is an
    error; a missing translation is a warning, counted per overlay and listed with --missing.
    """
    failed = False
    checked: set[tuple[Path, str]] = set()
    named = [Path(p) for p in paths]
    profile_files = [p for p in named if p.parent.name == "jurisdictions"] if paths else profile_paths()
    checklist_paths = [p for p in named if p.parent.name != "jurisdictions"] if paths else _paths(())
    for path in checklist_paths:
        try:
            checklist, _ = load_checklist_file(path)
        except ChecklistInvalid as exc:
            failed = True
            for problem in exc.problems:
                echo(str(problem), err=True)
        else:
            count = sum(1 for _ in checklist.requirements([m.id for m in checklist.modules]))
            echo(f"{path}: {checklist.ref} valid: {len(checklist.sections)} sections, {count} requirements")
            folder = Path(path).parent / "translations"
            for overlay_path in overlay_files(folder, checklist.id, checklist.version):
                checked.add((overlay_path.parent, overlay_path.name))
                failed |= not _validate_overlay(overlay_path, checklist, list_missing)
    if not paths:  # an overlay of no shipped version was made for a version that is not there
        folder = Path(current_app.config["CHECKLISTS_DIR"]) / "translations"
        for overlay_path in overlay_files(folder):
            if (overlay_path.parent, overlay_path.name) not in checked:
                failed = True
                echo(f"{overlay_path}: -: no shipped checklist version for this overlay", err=True)
    if profile_files and not validate_profiles(profile_files):
        failed = True
    sys.exit(1 if failed else 0)


def _validate_overlay(path: Path, checklist: Checklist, list_missing: bool) -> bool:
    """Print an overlay's errors (and missing entries when asked) and a summary line; True when it has no error."""
    try:
        overlay = load_overlay_file(path)
    except ChecklistInvalid as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        return False
    findings = check_overlay(overlay, checklist)
    errors = [f for f in findings if f.error]
    missing = [f for f in findings if not f.error]
    for finding in errors + (missing if list_missing else []):
        echo(str(finding), err=True)
    stale = sum(1 for f in errors if f.message == STALE)
    done, total = coverage(overlay, checklist).counts(_REQUIRED)
    how = "" if list_missing or not missing else "; list them with --missing"
    echo(
        f"{path}: {overlay.language} ({overlay.status}): {done:,} of {total:,} required fields translated; "
        f"{len(missing):,} missing (warnings{how}); {stale:,} stale; "
        f"{len(errors):,} error{'s' if len(errors) != 1 else ''}"
    )
    return not errors


#: The field names of :class:`Coverage` every language must translate.
_REQUIRED = [f"section {f}" for f in REQUIRED_FIELDS["section"]] + list(REQUIRED_FIELDS["requirement"])


@group.command("load")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False))
def load(paths: tuple[str, ...]) -> None:
    """Validate, then store each new checklist version (default: the shipped ones)."""
    failed = False
    for outcome in load_checklist_files(_paths(paths)):
        if outcome.ok:
            echo(f"{outcome.path}: {outcome.message}")
        else:
            failed = True
            for line in outcome.message.splitlines():
                echo(line if outcome.status == "invalid" else f"{outcome.path}: {line}", err=True)
    sys.exit(1 if failed else 0)


@group.command("matrix")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def matrix(path: str | None) -> None:
    """For each source clause, the requirements that cite it; then the uncited tracked clauses.

    PATH defaults to the latest version among the shipped checklists.
    """
    try:
        if path:
            checklist, _ = load_checklist_file(Path(path))
        else:
            shipped = [load_checklist_file(p)[0] for p in _paths(())]
            checklist = max(shipped, key=lambda c: version_key(c.version))
    except ChecklistInvalid as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        sys.exit(1)
    echo(f"{checklist.ref}")
    current = None
    for row in coverage_matrix(checklist):
        if row.source != current:
            current = row.source
            echo(f"\n{row.source}: {checklist.source(row.source).title}")
        label = row.clause or "(whole document)"
        source = checklist.source(row.source)
        number = source.number(row.clause)
        heading = f" ({row.heading}{'; ' + number if number else ''})" if row.heading else ""
        ids = ", ".join(r.id for r in row.requirements) or "-- not cited --"
        echo(f"  {label}{heading}: {ids}")
    missing = uncited_clauses(checklist)
    echo("")
    for source in ACCREDITATION_SOURCES:
        gaps = [row.clause for row in missing if row.source == source]
        echo(f"Uncited {source} clauses: {', '.join(gaps) if gaps else 'none'}")
    sys.exit(1 if missing else 0)


@group.command("translation-status")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def translation_status_command(path: str | None) -> None:
    """Per language: fields translated of the total, stale entries, the overlay's status and its last review.

    PATH defaults to the latest version among the shipped checklists; overlays are read from
    ``translations/`` beside it.
    """
    try:
        checklist, path = _checklist_at(path)
    except ChecklistInvalid as exc:
        for problem in exc.problems:
            echo(str(problem), err=True)
        sys.exit(1)
    echo(f"{checklist.ref} (content {checklist.content_hash[:12]})")
    for row in translation_status(checklist, Path(path).parent / "translations"):
        review = (
            f"last review {row.review.reviewed_on.isoformat()} by {row.review.reviewer} ({row.review.outcome})"
            if row.review
            else "no review recorded"
        )
        if row.coverage is None:
            echo(f"{row.language}: {row.status}: every text shows in English; {review}")
            continue
        done, total = row.coverage.counts(_REQUIRED)
        optional_done, optional_total = row.coverage.counts(f for f in row.coverage.by_field if f not in _REQUIRED)
        echo(
            f"{row.language}: {row.status}: {done:,} of {total:,} required fields translated ({done / total:.0%}), "
            f"{row.coverage.stale:,} stale; {optional_done:,} of {optional_total:,} others (may show in English); {review}"
        )
        parts = ", ".join(f"{name} {d:,}/{t:,}" for name, (d, t) in row.coverage.by_field.items())
        echo(f"    {parts}")


@group.command("derive-cyrillic")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, exists=True))
def derive_cyrillic(paths: tuple[str, ...]) -> None:
    """Write the Serbian Cyrillic overlay beside each Serbian Latin one, by transliteration.

    PATHS default to every sr-Latn overlay of the shipped checklists. The Cyrillic file is
    replaced whole: it is never edited by hand.
    """
    try:
        from app.domain.transliteration import latin_to_cyrillic
    except ImportError:
        raise click.ClickException("app.domain.transliteration (latin_to_cyrillic) is not installed") from None
    for source_path, source in _serbian_latin_overlays(paths):
        target = source_path.with_name(overlay_file_name(source.checklist, source.version, "sr-Cyrl"))
        document = derived_overlay(source, "sr-Cyrl", latin_to_cyrillic)
        comment = [
            f"{source.ref} in Serbian Cyrillic, derived from {source_path.name} by",
            "app.domain.transliteration.latin_to_cyrillic: never edit it by hand; run",
            "`flask checklists derive-cyrillic` again after changing the Latin overlay.",
        ]
        target.write_text(overlay_yaml(document, comment), encoding="utf-8")
        echo(f"{target}: {len(source.entries):,} entries from {source_path.name}")


def _serbian_latin_overlays(paths: tuple[str, ...]):
    """The Serbian Latin overlays named (default: those of the shipped checklists), each loaded; any other refused."""
    folder = Path(current_app.config["CHECKLISTS_DIR"]) / "translations"
    sources = [Path(p) for p in paths] or [p for p in overlay_files(folder) if p.name.endswith(".sr-Latn.yaml")]
    for source_path in sources:
        try:
            source = load_overlay_file(source_path)
        except ChecklistInvalid as exc:
            raise click.ClickException(str(exc.problems[0])) from None
        if source.language != "sr-Latn":
            raise click.ClickException(f"{source_path}: a {source.language} overlay, not sr-Latn")
        yield source_path, source


@group.command("derive-variants")
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=False, exists=True))
def derive_variants_command(paths: tuple[str, ...]) -> None:
    """Write the Bosnian, Croatian and Montenegrin overlays beside each Serbian Latin one, by term overlays.

    PATHS default to every sr-Latn overlay of the shipped checklists. The four languages share the
    Serbian text; checklists/translations/terms/ lists the words each writes otherwise
    (app.services.content.checklist_variants). The derived files are replaced whole.
    """
    from app.services.content.checklist_variants import derive_variants
    from app.services.content.term_overlay import OverlayFileError

    for source_path, source in _serbian_latin_overlays(paths):
        try:
            written = derive_variants(source, source_path.parent)
        except (OSError, OverlayFileError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        for target, count in written:
            echo(f"{target}: {count:,} entries from {source_path.name}")


@group.command("merge-translation")
@click.argument("language")
@click.argument("section_files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--checklist",
    "checklist_path",
    type=click.Path(dir_okay=False, exists=True),
    help="Default: the newest shipped checklist.",
)
@click.option("--note", help="How the translation was made (required for a new overlay; shown to its readers).")
def merge_translation(
    language: str, section_files: tuple[str, ...], checklist_path: str | None, note: str | None
) -> None:
    """Merge translators' section files into the LANGUAGE overlay of a checklist version, with source hashes.

    A section file is plain YAML (section, title, requirements: {ID: {field: text}}), as
    checklists/translations/README.md shows. Each text is hashed against the English it
    translates now; entries the files do not touch are kept. A new overlay starts as a
    machine draft and needs --note.
    """
    if language not in OVERLAY_LANGUAGES:
        raise click.BadParameter(f"{language!r}: choose one of {', '.join(OVERLAY_LANGUAGES)}", param_hint="LANGUAGE")
    if language == "sr-Cyrl":
        raise click.ClickException(
            "Serbian Cyrillic is derived, never written: merge into sr-Latn, then derive-cyrillic"
        )
    checklist, path = _checklist_at(checklist_path)
    target = path.parent / "translations" / overlay_file_name(checklist.id, checklist.version, language)
    import yaml  # PyYAML loads when section files are merged, not with every command

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where installed: section files are large
    texts: dict = {}
    for name in section_files:
        try:
            texts.update(section_file_texts(yaml.load(Path(name).read_text("utf-8"), Loader=loader), name))
        except (yaml.YAMLError, SectionFileInvalid) as exc:
            raise click.ClickException(
                str(exc).splitlines()[0] if isinstance(exc, SectionFileInvalid) else f"{name}: {exc}"
            ) from None
    if target.exists():
        current = load_overlay_file(target)
        header = {k: getattr(current, k) for k in ("checklist", "version", "language", "status", "note", "source_hash")}
        if note:
            header["note"] = note
        comment = [line[2:] if line.startswith("# ") else line[1:] for line in _leading_comment(target)]
        existing = current.entries
    elif not note:
        raise click.ClickException(f"{target.name} is new: say how it was made with --note")
    else:
        header = {
            "checklist": checklist.id,
            "version": checklist.version,
            "language": language,
            "status": "machine-draft",
            "note": note,
            "source_hash": checklist.content_hash,
        }
        comment = [f"{checklist.ref} in {language}: a translation overlay (see README.md beside it)."]
        existing = {}
    try:
        entries = merged_entries(checklist, existing, texts)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from None
    target.write_text(overlay_yaml(overlay_document(header, entries), comment), encoding="utf-8")
    done, total = coverage(load_overlay_file(target), checklist).counts(_REQUIRED)
    echo(
        f"{target}: {len(texts):,} texts merged from {len(section_files)} file(s); "
        f"{done:,} of {total:,} required fields translated"
    )


def _leading_comment(path: Path) -> list[str]:
    lines = []
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def _checklist_at(path: str | None) -> tuple[Checklist, Path]:
    if path:
        return load_checklist_file(Path(path))[0], Path(path)
    shipped = [(load_checklist_file(p)[0], p) for p in _paths(())]
    return max(shipped, key=lambda pair: version_key(pair[0].version))


def register(app: Flask) -> None:
    app.cli.add_command(group)
