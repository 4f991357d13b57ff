"""Text folding and abbreviation helpers shared by the title index and the importer."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Symbols that stand for a word in anime titles ("Carol & Tuesday", "Hunter × Hunter").
_WORD_SYMBOLS = {"&": " and ", "＆": " and ", "×": " x ", "+": " plus "}
# Apostrophes vanish instead of splitting ("JoJo's" -> "jojos", not "jojo s").
_APOSTROPHES = "'’‘`´"
_DROP_APOSTROPHES = str.maketrans("", "", _APOSTROPHES)
_SPACES = re.compile(r"\s+")

# Words that do not get an initial of their own in some common abbreviations: "Ghost in the Shell"
# is "GitS" (keeps them) but "Fullmetal Alchemist: Brotherhood" is "FMAB"; both variants are made.
FUNCTION_WORDS = frozenset(
    {"a", "an", "the", "of", "in", "on", "to", "and", "or", "for", "at", "by", "with", "from"}
    | {"no", "wa", "ga", "wo", "ni", "de", "na", "e"}  # Japanese particles in romaji titles
)


@lru_cache(maxsize=16_384)
def fold(text: str) -> str:
    """Fold text for comparison: NFKC, casefold, accents stripped, punctuation to spaces, `&` to `and`."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    base = " "
    for char in unicodedata.normalize("NFD", text.casefold()):
        if char in _WORD_SYMBOLS:
            out.append(_WORD_SYMBOLS[char])
            continue
        if char in _APOSTROPHES:
            continue
        category = unicodedata.category(char)
        if category == "Mn":
            # Accents on Latin, Greek and Cyrillic letters go ("é" -> "e"); marks that are part of
            # other scripts stay ("ぼ" is "ほ" plus a voicing mark, and must not become "ほ").
            if base != " " and not _is_accentable(base):
                out.append(char)
            continue
        base = char if category[0] in "LN" else " "
        out.append(base)
    # NFC again so letters without an ASCII base (e.g. Hangul jamo) recombine after NFD.
    return _SPACES.sub(" ", unicodedata.normalize("NFC", "".join(out))).strip()


def _is_accentable(char: str) -> bool:
    code = ord(char)
    return code < 0x0530 or 0x1E00 <= code <= 0x1FFF


def fold_keep_case(text: str) -> str:
    """Like fold() but keeping letter case and accents: "FMA:B" -> "FMA B", "AoT" stays "AoT"."""
    plain = unicodedata.normalize("NFKC", text).translate(_DROP_APOSTROPHES)
    return " ".join("".join(char if char.isalnum() else " " for char in plain).split())


def fold_tokens(text: str) -> list[str]:
    """The folded words of a text."""
    folded = fold(text)
    return folded.split(" ") if folded else []


def initials(name: str) -> set[str]:
    """Folded abbreviations made from the initials of a multi-word name ("Attack on Titan" -> "aot")."""
    words = fold_tokens(name)
    found: set[str] = set()
    if len(words) >= 3:
        found.add(_initials_of(words))
        content = [word for word in words if word not in FUNCTION_WORDS]
        if len(content) >= 3:
            found.add(_initials_of(content))
    # Names with a subtitle are often abbreviated from their main part: "FMA" for "Fullmetal Alchemist".
    head = re.split(r"[:(\[\-–—]", name, maxsplit=1)[0]
    if head != name:
        found |= initials(head)
    return {abbr for abbr in found if abbr.isalnum() and len(abbr) >= 3}


def _initials_of(words: list[str]) -> str:
    # Numbers stay whole: "Mob Psycho 100" is "MP100", not "MP1".
    return "".join(word if word.isdigit() else word[0] for word in words)


def cased_initials(name: str) -> set[str]:
    """Case-sensitive spellings of a name's initials as people write them: "AOT", "AoT"."""
    forms: set[str] = set()
    plain = unicodedata.normalize("NFKC", name).translate(_DROP_APOSTROPHES)
    words = [word for word in re.split(r"[^\w]+", plain) if word]
    if len(words) < 3:
        return forms
    as_written = _initials_of(words)
    forms.update({as_written, as_written.upper()})
    content = [word for word in words if word.casefold() not in FUNCTION_WORDS]
    if len(content) >= 3:
        forms.add(_initials_of(content).upper())
    return forms


def is_short_alias(name: str) -> bool:
    """Whether a name is short enough that only an exact, case-sensitive hit may count in free text."""
    return len(fold(name).replace(" ", "")) <= 4


def is_abbreviation(name: str) -> bool:
    """Whether an alias looks like an abbreviation ("FMA", "Eva", "SnK") rather than a full name."""
    stripped = name.strip()
    if " " in stripped or not stripped:
        return False
    letters = [char for char in stripped if char.isalpha()]
    upper = sum(char.isupper() for char in letters)
    return len(stripped) <= 4 or (len(stripped) <= 6 and upper >= 2)
