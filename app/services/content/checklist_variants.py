"""Bosnian, Croatian and Montenegrin checklist overlays, derived from the Serbian Latin one by term overlays.

The four languages share one written text, as the issue allows ("one text with per-language term
overlays where the legal terms differ"). The text written is Serbian Latin (ekavian); the others
are derived from it, entry by entry, keeping each entry's source hash:

* **bs** = sr-Latn with ``checklists/translations/terms/sr-Latn.bs.yaml``: the ijekavian forms of
  the words the text uses (mesto -> mjesto, primena -> primjena), the Bosnian forms of verbs in
  -irati (dokumentovati -> dokumentirati) and the words Bosnian writes otherwise (bezbednost ->
  sigurnost, vazduh -> zrak), with phrases where one Serbian form reads two ways (krivičnog dela ->
  krivičnog djela, dela -> dijela);
* **hr** = bs with ``checklists/translations/terms/bs.hr.yaml``: the Croatian words (točka, tijelo,
  očevid, postotak);
* **cnr** = bs with ``app/translations/cnr/terms.yaml``, the Montenegrin overlay the interface's
  catalogue is derived with, so the interface and the checklist use the same words.

A term overlay replaces whole words and keeps their case (:mod:`app.domain.term_overlay`); what
it cannot reach (syntax such as Serbian "treba da se uradi" for Croatian "treba učiniti") stays as
the shared text has it, and each derived overlay's note says so. Derived overlays are written
again by ``flask checklists derive-variants`` after every change of the Serbian Latin one, never
edited by hand; a native speaker's corrections go into the term lists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import reduce
from pathlib import Path

from app.config import REPOSITORY_ROOT
from app.domain.overlay_writer import derived_overlay, overlay_yaml
from app.domain.overlays import Overlay, overlay_file_name
from app.domain.term_overlay import TermOverlay
from app.services.content.term_overlay import load_overlay

#: Each derived language: the steps from Serbian Latin, as (from, to) pairs of a term list.
VARIANTS: dict[str, tuple[tuple[str, str], ...]] = {
    "bs": (("sr-Latn", "bs"),),
    "hr": (("sr-Latn", "bs"), ("bs", "hr")),
    "cnr": (("sr-Latn", "bs"), ("bs", "cnr")),
}

#: The Montenegrin list is the interface's: one list of Montenegrin differences for the whole product.
MONTENEGRIN_TERMS = REPOSITORY_ROOT / "app" / "translations" / "cnr" / "terms.yaml"

_NAMES = {"sr-Latn": "Serbian Latin", "bs": "Bosnian", "hr": "Croatian", "cnr": "Montenegrin"}


def term_list_path(translations: Path, source: str, target: str) -> Path:
    """Where the term list from ``source`` to ``target`` is kept."""
    if (source, target) == ("bs", "cnr"):
        return MONTENEGRIN_TERMS
    return translations / "terms" / f"{source}.{target}.yaml"


def converter(translations: Path, language: str) -> tuple[Callable[[str], str], list[Path]]:
    """The conversion from Serbian Latin text to ``language``, and the term lists it applies in order."""
    paths = [term_list_path(translations, source, target) for source, target in VARIANTS[language]]
    overlays: list[TermOverlay] = [
        load_overlay(path, source, target) for path, (source, target) in zip(paths, VARIANTS[language], strict=True)
    ]
    return (lambda text: reduce(lambda done, overlay: overlay.apply(done), overlays, text)), paths


def derive_variants(source: Overlay, translations: Path) -> list[tuple[Path, int]]:
    """Write the bs, hr and cnr overlays beside the Serbian Latin ``source``; each path and its entry count."""
    written = []
    for language in VARIANTS:
        convert, lists = converter(translations, language)
        shown = [
            str(path.relative_to(REPOSITORY_ROOT)) if path.is_relative_to(REPOSITORY_ROOT) else path.name
            for path in lists
        ]
        how = (
            f"the term overlays {' then '.join(shown)} (whole words: the ijekavian forms and the words "
            f"{_NAMES[language]} writes otherwise; syntax stays as the Serbian text has it)"
        )
        document = derived_overlay(source, language, convert, how=how)
        target = translations / overlay_file_name(source.checklist, source.version, language)
        comment = [
            f"{source.ref} in {_NAMES[language]}, derived from the Serbian Latin overlay by",
            f"{' then '.join(shown)}: never edit it by hand; run",
            "`flask checklists derive-variants` again after changing the Latin overlay or a term list.",
        ]
        target.write_text(overlay_yaml(document, comment), encoding="utf-8")
        written.append((target, len(source.entries)))
    return written
