"""Words as the evidence matcher compares them, in English and in the region's languages.

SOPs are written in Bosnian, Croatian, Montenegrin, Serbian (Latin or Cyrillic), Macedonian or
Albanian; requirements in English. Every word is casefolded, Cyrillic is transliterated to Latin
and diacritics are folded (``č ć -> c``, ``đ -> dj``; :func:`app.domain.folding.fold`), so that ``увиђај``, ``uviđaj`` and
``uvidjaj`` meet. A light suffix stemmer per language family (English, South Slavic including
Macedonian, Albanian) then joins the common inflected forms. The stemmers are deliberately
crude: the bilingual term list matches regional words by prefix, so a stem only has to be
stable, not linguistically right.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from app.domain.folding import fold

#: Language families the matcher keeps apart: each has its own stemmer, stop words and index.
ENGLISH, SOUTH_SLAVIC, ALBANIAN = "en", "sla", "sq"
FAMILIES = (ENGLISH, SOUTH_SLAVIC, ALBANIAN)

#: Glossary language tags -> family.
FAMILY_OF_TAG = {
    "en": ENGLISH,
    "sq": ALBANIAN,
    **{t: SOUTH_SLAVIC for t in ("bs", "hr", "sr-Latn", "sr-Cyrl", "cnr", "mk")},
}

_WORD = re.compile(r"[^\W_]+")
#: Checklist ids (``REC-15``) name other requirements, not the subject of this one.
REQUIREMENT_ID = re.compile(r"\b[A-Z]{3}-\d{2}\b")


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOP_WORDS = {
    ENGLISH: """a about above after again all also an and any are as at be been before being below
        between both but by can could did do does done each either for from had has have having he
        her here his how if in into is it its itself may might more most must no nor not of off on
        once only or other our out over own same shall she should so some such than that the their
        them then there these they this those through to too under until up upon very was we were
        what when where which while who whom whose why will with within without would yes you""",
    SOUTH_SLAVIC: """a ako ali bi bio bila bile bili bilo biti bude budu da do dok gde gdje i ih ili
        iz ja je jer jesu jos joj kad kada kako kao ko koja koje koji kojeg kojem kojih kojim kojima
        koju kroz li mi mogu moze na nad nakon nas ne nego nije nisu niti o od oko on ona one oni
        ono ova ove ovaj ovi ovo ovog ovom pa po pod posle poslije pre pred prema pri prije s sa
        sam se sebe si smo sta ste sto su sve svi svih svoj svoja svoje svoju svog ta taj tako te
        ti to tog tom toj u uz vec za zbog
        vo so koe koi kade toa taa toj ovie site kje bide bidat e""",
    ALBANIAN: """a apo ai ajo ata ate ato cdo deri dhe do duhet e eshte gjate i jane ka kane ketij
        kete keto ky kjo kur me mbi ne nese nga nje ose pas per perpara por prej qe se si sipas
        te tek tij u ve""",
}  # fmt: skip
STOP_WORDS = {family: _word_set(words) for family, words in _STOP_WORDS.items()}

#: Words that say how requirements are written, not what about (kept out of queries).
CHECKLIST_WORDS = _word_set(
    "sop sops unit units requir requirement look weak strong score scor assessor assess level "
    "element elements whether state set sets say says name names written writ"
)

#: Suffixes, longest first; a word keeps at least ``_MIN_STEM`` letters.
_SUFFIXES = {
    ENGLISH: """ically ations ation ators ator ments ment ness ings ing ures ure ated ates ate ating
        edly ers er ied ed ly ic es s e""",
    SOUTH_SLAVIC: """ovima evima anjima enjima anjem enjem ijama nosti anja enja anju enju anje
        enje nost ima ama ega emu ome omu ovi ova ove evi eva eve ati iti eti uje uju ski ska sko
        skih skog ih im om em og oj ju ja je en an a e i o u""",
    ALBANIAN: """shme shem ave eve ive uar ur ve it in et es en te at ja ut un a e i u""",
}  # fmt: skip
_SUFFIX_LISTS = {f: sorted(s.split(), key=len, reverse=True) for f, s in _SUFFIXES.items()}
_MIN_STEM = 3
#: Infinitive endings need one letter more, or a noun's case ending is taken for one (pečati, pečat).
_VERB_ENDINGS = frozenset({"ati", "iti", "eti"})

_DISTINCT_STOPS = {
    ENGLISH: _word_set("the and of to is are with for be by on this that an or from each which"),
    SOUTH_SLAVIC: _word_set("u na je za od da su koji koja koje ili sa iz kao nije biti treba mora"),
    ALBANIAN: _word_set("dhe në për nga një që është ose janë duhet të"),
}


@dataclass(frozen=True)
class Token:
    """A word of a text as matched (``key``) and where it stands (``start``, ``end``)."""

    key: str
    start: int
    end: int


@lru_cache(maxsize=65536)
@lru_cache(maxsize=65536)
def stem(word: str, family: str) -> str:
    """The light stem of a folded word: its longest known suffix cut, if enough remains."""
    if family == ENGLISH:
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"  # bodies -> body
        if word.endswith("phy"):
            return word[:-1]  # photography -> photograph
    for suffix in _SUFFIX_LISTS[family]:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM + (suffix in _VERB_ENDINGS):
            word = word[: -len(suffix)]
            break
    if family == ENGLISH and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiosl":
        word = word[:-1]  # swabbing -> swabb -> swab
    return word


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """Each word of ``text`` folded, with its span; numbers shorter than four digits are left out."""
    for match in _WORD.finditer(text):
        word = fold(match.group())
        if word.isdigit() and len(word) < 4:
            continue
        yield word, match.start(), match.end()


def tokens(text: str, family: str) -> list[Token]:
    """The words of ``text`` that carry meaning, stemmed for ``family``."""
    stops = STOP_WORDS[family]
    return [Token(stem(w, family), s, e) for w, s, e in words(text) if w not in stops and len(w) > 1]


def detect_family(text: str) -> str:
    """The language family of a passage, cheaply: its script, then counts of common short words."""
    letters = [c for c in text[:4000] if c.isalpha()]
    if not letters:
        return ENGLISH
    if sum("\u0400" <= c <= "\u04ff" for c in letters) > 0.3 * len(letters):
        return SOUTH_SLAVIC
    if sum(c in "ëËçÇ" for c in letters) > 0.005 * len(letters):
        return ALBANIAN
    plain = [m.group().casefold() for m in _WORD.finditer(text[:4000])]
    counts = {family: sum(w in stops for w in plain) for family, stops in _DISTINCT_STOPS.items()}
    return max(FAMILIES, key=lambda family: (counts[family], family == ENGLISH))


def detect_language(text: str) -> str:
    """A language tag for a passage: ``en``, ``sq``, ``mk``, ``sr-Cyrl`` or ``sh`` (Latin BCMS)."""
    family = detect_family(text)
    if family != SOUTH_SLAVIC:
        return family
    sample = text[:4000].casefold()
    if any(c in sample for c in "ѓќѕ"):
        return "mk"
    if any(c in sample for c in "ђћ") or sum("\u0400" <= c <= "\u04ff" for c in sample) > len(sample) // 4:
        return "sr-Cyrl"
    return "sh"
