"""An SOP's text as numbered sections, and what changed between two versions of it.

The extraction (app.services.content.sop_documents) hands over paragraphs in reading order,
each with the outline level its format gave it (a Markdown ``##``, a DOCX "Heading 2"
style, an ODT ``text:h``), or none. Responses cite a section by its number ("3.2",
"Član 5"), so the number is what the splitting must get right; the diff is keyed on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: "3", "3.2", "3.2.1" (a trailing dot allowed), then the heading's words.
NUMBERED = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){0,5})\.?[ \t]+(\S.*)$")
#: Articles as the region's laws and rule books number them: Article, Član/Članak, Члан, Neni, Член.
ARTICLE = re.compile(
    r"^(Article|Art\.|Član|Članak|Clan|Члан|Neni|Член)[ \t]+(\d{1,4}[a-z]?)\.?(?:[ \t]*[-–—:.)]?[ \t]*(.*))?$",
    re.IGNORECASE,
)
#: A numbered line longer than this is a sentence that starts with a number, not a heading.
HEADING_MAX = 120
PREAMBLE = "0"


@dataclass(frozen=True)
class Paragraph:
    """One paragraph (or line) of extracted text; ``level`` is the format's outline level, if any."""

    text: str
    level: int | None = None


@dataclass(frozen=True)
class Section:
    """A numbered part of an SOP: its number as cited, its heading and its text."""

    number: str
    heading: str
    text: str

    @property
    def length(self) -> int:
        """Characters of text (the heading not counted)."""
        return len(self.text)


@dataclass(frozen=True)
class Sectioning:
    """The sections of one document, and a note when it had no headings to split on."""

    sections: tuple[Section, ...]
    no_headings: bool = False
    #: The document's title: an unnumbered heading before the numbered ones, else the first heading.
    title: str = ""


def _numbered(text: str) -> tuple[str, str] | None:
    """(number, heading) when a plain line reads as a numbered heading; else None."""
    found = NUMBERED.match(text)
    if found and len(text) <= HEADING_MAX:
        heading = found.group(2).strip()
        # "3 photographs are taken." is a sentence; "1. Put on gloves." a list item.
        if heading[:1].isupper() and not heading.endswith((".", ";", ",", ":")):
            return found.group(1), heading
    return _article(text)


def reads_as_heading(text: str) -> bool:
    """True when a plain line reads as a numbered heading ("3.2 Recording the scene", "Član 5.")."""
    return _numbered(text.strip()) is not None


def _article(text: str) -> tuple[str, str] | None:
    found = ARTICLE.match(text)
    if found and len(text) <= HEADING_MAX:
        return f"{found.group(1)} {found.group(2)}", (found.group(3) or "").strip()
    return None


class _Outline:
    """Numbers for headings whose text carries none, from their levels (1, 1.1, 1.2, 2)."""

    def __init__(self) -> None:
        self.counters: list[int] = []
        self.seen = False  # a heading with its own number has been read

    def follow(self, number: str) -> None:
        """An explicit "3.2" sets the counters, so the next unnumbered level-2 heading is 3.3."""
        if re.fullmatch(r"\d+(?:\.\d+)*", number):
            self.counters = [int(part) for part in number.split(".")]

    def next(self, level: int) -> str:
        level = max(1, min(level, 6))
        self.counters = self.counters[:level] + [0] * (level - len(self.counters))
        self.counters[level - 1] += 1
        return ".".join(str(n) for n in self.counters)


def _heading_of(paragraph: Paragraph, styled: bool, outline: _Outline, explicit: bool) -> tuple[str, str] | None:
    text = paragraph.text.strip()
    if paragraph.level is not None:
        found = _numbered(text) or _loose_number(text)
        if found:
            outline.seen = True
            outline.follow(found[0])
            return found
        if not explicit:  # the document leaves numbering to the word processor: number by level
            return outline.next(paragraph.level), text
        # The document writes its numbers: an unnumbered heading before the first is its title,
        # after it an annex or a list of references, cited by its name.
        return (PREAMBLE if not outline.seen else text[:40].strip()), text
    if styled:  # the format marks its headings: a numbered line in the body is a list item
        return None
    found = _numbered(text)
    if found:
        outline.follow(found[0])
    return found


def _loose_number(text: str) -> tuple[str, str] | None:
    """A styled heading's own number, whatever follows it ("2 scope", "4.1. Tools:")."""
    found = NUMBERED.match(text)
    return (found.group(1), found.group(2).strip()) if found else None


def split_sections(paragraphs: list[Paragraph]) -> Sectioning:
    """Split paragraphs into numbered sections.

    Headings are the paragraphs the format marks as such; when it marks none, lines that
    read as numbered headings ("3.2 Recording the scene", "Član 5."). Text before the first
    heading is section "0" when there is any. A number seen twice gets " (2)", so every
    section can be cited and compared. No heading at all: one section "1", flagged.
    """
    levelled = [p.text.strip() for p in paragraphs if p.level is not None and p.text.strip()]
    styled = bool(levelled)
    explicit = sum(1 for text in levelled if _loose_number(text) or _article(text)) * 2 >= len(levelled) > 0
    outline = _Outline()
    sections: list[tuple[str, str, list[str]]] = [(PREAMBLE, "", [])]
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        heading = _heading_of(paragraph, styled, outline, explicit)
        if heading is None:
            sections[-1][2].append(text)
        elif heading[0] == PREAMBLE and len(sections) == 1 and not sections[0][1]:
            sections[0] = (PREAMBLE, heading[1], sections[0][2])
        else:
            sections.append((heading[0], heading[1], []))
    title = sections[0][1] or next((heading for _, heading, _ in sections[1:] if heading), "")
    if len(sections) == 1:
        body = "\n".join(sections[0][2])
        return Sectioning((Section("1", sections[0][1], body),) if body else (), no_headings=True, title=title)
    if not sections[0][2]:
        sections.pop(0)
    return Sectioning(tuple(_unique(sections)), no_headings=False, title=title)


def _unique(sections: list[tuple[str, str, list[str]]]):
    seen: dict[str, int] = {}
    for number, heading, lines in sections:
        seen[number] = seen.get(number, 0) + 1
        cited = number if seen[number] == 1 else f"{number} ({seen[number]})"
        yield Section(cited, heading, "\n".join(lines))


def _normal(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class SectionChange:
    """A section present in both versions whose text or heading differs."""

    number: str
    heading_before: str
    heading_after: str
    text_changed: bool

    @property
    def heading_changed(self) -> bool:
        return _normal(self.heading_before) != _normal(self.heading_after)


@dataclass(frozen=True)
class SectionDiff:
    """Sections added, removed and changed from one version to the next, keyed by number."""

    added: tuple[Section, ...] = ()
    removed: tuple[Section, ...] = ()
    changed: tuple[SectionChange, ...] = field(default_factory=tuple)

    @property
    def touched_numbers(self) -> frozenset[str]:
        """Numbers a citation may point to whose text is no longer what was assessed."""
        return frozenset(s.number for s in self.removed) | frozenset(c.number for c in self.changed)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_sections(
    before: list[Section] | tuple[Section, ...], after: list[Section] | tuple[Section, ...]
) -> SectionDiff:
    """Compare two versions section by section (text compared with whitespace normalised)."""
    old = {s.number: s for s in before}
    new = {s.number: s for s in after}
    changed = []
    for section in after:
        earlier = old.get(section.number)
        if earlier is None:
            continue
        text_changed = _normal(earlier.text) != _normal(section.text)
        change = SectionChange(section.number, earlier.heading, section.heading, text_changed)
        if text_changed or change.heading_changed:
            changed.append(change)
    return SectionDiff(
        added=tuple(s for s in after if s.number not in old),
        removed=tuple(s for s in before if s.number not in new),
        changed=tuple(changed),
    )


def normal_section(cited: str) -> str:
    """A citation's section as the splitter numbers it: "§ 3.2." and " 3.2 " both read "3.2"."""
    text = cited.strip().lstrip("§").strip()
    found = _article(text)
    if found:
        return found[0]
    found = re.match(r"^(\d+(?:\.\d+)*)\.?(?:\s|$)", text)
    return found.group(1) if found else text


def citation_touched(cited: str, touched: frozenset[str]) -> bool:
    """True when a cited section (or, for "3", any of its subsections 3.x) was changed or removed."""
    number = normal_section(cited)
    if not number:
        return False
    return number in touched or any(t.startswith(number + ".") for t in touched)
