"""Text folded for matching across the region's scripts and spellings.

A unit head types "uviđaj", "uvidjaj", "uvidaj" or "увиђај" and means one word. Folding
lower-cases, writes Serbian and Macedonian Cyrillic in Latin letters, and drops the marks
that keyboards without the local layout leave out (č ć -> c, š -> s, ž -> z, đ -> dj,
Albanian ë ç -> e c), so every spelling of a word folds to the same letters.
"""

from __future__ import annotations

import re
import unicodedata

#: Serbian and Macedonian Cyrillic in the Latin letters of Gaj's alphabet (Macedonian ѓ ќ ѕ
#: as the Latin transcription writes them), before diacritics are dropped.
_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "đ", "е": "e", "ж": "ž", "з": "z",
    "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj", "м": "m", "н": "n", "њ": "nj", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "ћ": "ć", "у": "u", "ф": "f", "х": "h", "ц": "c",
    "ч": "č", "џ": "dž", "ш": "š", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
}  # fmt: skip
#: Then the letters NFKD does not take apart; the rest lose their marks after.
_TRANSLITERATE = str.maketrans({**_CYRILLIC, "đ": "dj", "ß": "ss", "æ": "ae", "ø": "o", "ł": "l"})
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """``text`` lower-cased, in Latin letters, without diacritics: "Увиђај" -> "uvidjaj"."""
    latin = text.casefold().translate(_TRANSLITERATE).replace("đ", "dj")  # ђ became đ
    if latin.isascii():
        return latin
    decomposed = unicodedata.normalize("NFKD", latin)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order (letters and digits; everything else separates)."""
    return _WORD.findall(fold(text))
