"""Serbian Latin to Cyrillic, for deriving the Cyrillic catalogue from the Latin one.

Serbian is written in both scripts, letter for letter (Vuk's alphabet and Gaj's Latin map one
to one, the digraphs lj, nj and dž being single letters љ, њ, џ). The interface's Serbian
is written in Latin and the Cyrillic catalogue is derived from it by :func:`latin_to_cyrillic`,
so the two never drift apart.

What is not Serbian text stays as it is: ``%(name)s`` and ``%s`` placeholders, ``<...>`` tags
and HTML entities, URLs, e-mail addresses, commands (``flask checklists load``), file names
and identifiers (``messages.po``, ``sr_Latn``), and codes: words with digits (``GOV-01``,
``3D``), all-capital words of two or more letters (``SOP``, ``ISO/IEC``, ``N/A``, ``ENFSI``),
words with two or more capitals (``SOPs``) and words with letters Serbian does not use
(``Word``, ``xlsx``). An inflected code keeps its Latin stem and takes a Cyrillic ending
(``SOP-a`` -> ``SOP-а``), as Serbian Cyrillic print does; the Serbian acronyms of
:data:`DOMESTIC_ACRONYMS` (``MUP``, ``ZKP``, ``BiH``) are written in Cyrillic.

Limits, known and accepted: an all-capital Serbian word without č, ć, đ, š, ž, lj, nj or dž
(``NAPOMENA``) is taken for a code and stays Latin, so the Latin catalogue should not shout;
``dj`` is never read as ``đ``; and lj, nj, dž are read as one letter except in the words of
:data:`NOT_DIGRAPHS`, where a prefix meets a root (``injekcija`` -> ``инјекција``,
``nadživeti`` -> ``надживети``, ``podžupan`` -> ``поджупан``).
"""

from __future__ import annotations

import re
import unicodedata

_LOWER = {
    "a": "а", "b": "б", "c": "ц", "č": "ч", "ć": "ћ", "d": "д", "đ": "ђ", "e": "е", "f": "ф",
    "g": "г", "h": "х", "i": "и", "j": "ј", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о",
    "p": "п", "r": "р", "s": "с", "š": "ш", "t": "т", "u": "у", "v": "в", "z": "з", "ž": "ж",
}  # fmt: skip
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
#: Unicode's single-character digraphs (Ǉ ǈ ǉ ...), as some keyboards and converters write them.
_LIGATURES = {
    "Ǆ": "DŽ", "ǅ": "Dž", "ǆ": "dž", "Ǉ": "LJ", "ǈ": "Lj", "ǉ": "lj", "Ǌ": "NJ", "ǋ": "Nj", "ǌ": "nj",
}  # fmt: skip

#: Where lj, nj or dž are two letters, not one: a prefix meeting a root. The bar marks the
#: seam; each entry is a stem that may start or sit inside a word (case-insensitive).
NOT_DIGRAPHS = (
    "in|jek",  # injekcija, injektirati
    "kon|junk",  # konjunkcija, konjunktura, konjunktiv
    "van|jezi",  # vanjezički
    "tan|jug",  # Tanjug
    "nad|živ",  # nadživeti, nadživjeti
    "nad|žnje",  # nadžnjeti
    "pod|žup",  # podžupan
    "pod|žanr",  # podžanr
    "pod|želud",  # podželudačna
    "od|žal",  # odžaliti
)

#: Serbian acronyms, which Cyrillic text writes in Cyrillic (foreign ones stay Latin: SOP, ENFSI).
DOMESTIC_ACRONYMS = frozenset({"MUP", "ZKP", "KZ", "KZJ", "BiH", "CG", "SRJ", "SFRJ"})

_SERBIAN_LETTERS = set(_LOWER)
_CYRILLIC_LOWER = {v: k for k, v in _LOWER.items()} | {v: k for k, v in _DIGRAPHS.items()}

# Spans that are not text: kept exactly. Order matters (a placeholder inside a tag is the tag's).
_KEPT = re.compile(
    r"""
      <[^<>]*>                                   # a tag, with its attributes
    | &(?:[A-Za-z][A-Za-z0-9]*|\#[0-9]+|\#[xX][0-9A-Fa-f]+);   # an HTML entity
    | %\([^()]*\)[-#0+]*[0-9.]*[a-zA-Z]           # %(name)s
    | %[-#0+]*[0-9.]*[sdifrxXeEgGc%]              # %s, %d, %%
    | \{[A-Za-z_][A-Za-z0-9_]*\}                  # {page}: a field the stylesheet or a script fills in
    | (?:https?|ftp)://[^\s<>"']+ | \bwww\.[^\s<>"']+   # URLs
    | [\w.+-]+@[\w-]+(?:\.[\w-]+)+                # e-mail addresses
    | \bflask(?:[ ][a-z][a-z-]*)+(?:[ ][A-Z][A-Z_]*)*   # a command
    | `[^`]*`                                     # code in backticks
    """,
    re.VERBOSE,
)
# A compound: words joined by - / . : _ and the like, without spaces.
_COMPOUND = re.compile(r"[^\W_]+(?:[-/.:_\\=][^\W_]+)*")
_WORD_PART = re.compile(r"([^\W_]+)")


def latin_to_cyrillic(text: str) -> str:
    """Serbian Latin ``text`` in Cyrillic; placeholders, markup, addresses and codes kept as they are."""
    text = unicodedata.normalize("NFC", text)
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    out, at = [], 0
    for kept in _KEPT.finditer(text):
        out.append(_free_text(text[at : kept.start()]))
        out.append(kept.group())
        at = kept.end()
    out.append(_free_text(text[at:]))
    return "".join(out)


def cyrillic_to_latin(text: str) -> str:
    """Serbian Cyrillic back to Latin (љ -> lj, Љ -> Lj or LJ in capitals); anything else kept."""
    out = []
    for i, char in enumerate(text):
        lower = char.lower()
        latin = _CYRILLIC_LOWER.get(lower)
        if latin is None:
            out.append(char)
        elif char == lower:
            out.append(latin)
        elif len(latin) == 2 and not _capital_context(text, i):
            out.append(latin[0].upper() + latin[1])
        else:
            out.append(latin.upper())
    return "".join(out)


def _capital_context(text: str, i: int) -> bool:
    """Whether the capital at ``i`` stands among capitals (ЉУБАВ), so its digraph is written LJ."""
    neighbours = [c for c in (text[i + 1 : i + 2], text[i - 1 : i] if i else "") if c.isalpha()]
    return any(c.isupper() for c in neighbours)


def _free_text(text: str) -> str:
    return _COMPOUND.sub(lambda m: _compound(m.group()), text)


def _compound(token: str) -> str:
    """A run of words joined without spaces: an identifier or file name is kept, else word by word."""
    if re.search(r"[_\\=]|[^\W\d_][.:][^\W\d_]", token):
        return token  # sr_Latn, messages.po, a\b, key=value
    parts = _WORD_PART.split(token)
    words = parts[1::2]
    if len(words) > 1 and all(not any(c.islower() for c in w) for w in words):
        return token  # N/A, ISO/IEC, GOV-01
    return "".join(_word(part) if i % 2 else part for i, part in enumerate(parts))


def _word(word: str) -> str:
    if _is_code(word):
        return word
    return _letters(word)


def _is_code(word: str) -> bool:
    """Digits, letters Serbian does not write, or capitals that make it an acronym (but a Serbian one)."""
    if word in DOMESTIC_ACRONYMS:
        return False
    lower = word.lower()
    if any(c.isdigit() for c in word) or any(c not in _SERBIAN_LETTERS for c in lower):
        return True
    capitals = sum(1 for c in word if c.isupper())
    if capitals < 2:
        return False
    serbian = any(c in "čćđšž" for c in lower) or any(d in lower for d in _DIGRAPHS)
    if word.isupper():
        return not serbian  # SOP, ENFSI; but ČLAN, LJUBAV are Serbian in capitals
    # LJubav (a digraph's capitals at the start) is a word; SOPs, McLean are names or codes
    return not (capitals == 2 and lower[:2] in _DIGRAPHS and word[:2].isupper())


def _letters(word: str) -> str:
    lower = word.lower()
    seams = _seams(lower)
    out, i = [], 0
    while i < len(word):
        pair = lower[i : i + 2]
        if pair in _DIGRAPHS and i + 1 not in seams:
            letter, step = _DIGRAPHS[pair], 2
        else:
            letter, step = _LOWER.get(lower[i], word[i]), 1
        out.append(letter.upper() if word[i].isupper() else letter)
        i += step
    return "".join(out)


def _seams(lower: str) -> set[int]:
    """Positions where a digraph's second letter begins a root (``injekcija``: the j at 2)."""
    seams = set()
    for stem in NOT_DIGRAPHS:
        seam = stem.index("|")
        plain = stem.replace("|", "")
        start = lower.find(plain)
        while start != -1:
            seams.add(start + seam)
            start = lower.find(plain, start + 1)
    return seams
