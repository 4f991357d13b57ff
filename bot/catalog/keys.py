"""The folded names a title is found by: the expensive part of indexing, done once per title."""

from __future__ import annotations

from bot.catalog.common_words import COMMON_WORDS
from bot.catalog.models import Title
from bot.catalog.normalize import fold, initials, is_abbreviation

# How a name belongs to a title; each kind has the confidence of an exact hit on it.
CANONICAL, ALIAS, ABBREVIATION, INITIALS = 0, 1, 2, 3
# Main formats count as better known than OVAs and specials when titles tie.
_MAIN_FORMATS = ("TV", "MOVIE")


def title_keys(title: Title) -> dict[str, int]:
    """Every folded name of a title (its name, aliases and made-up initials) with its kind."""
    names = [(title.name, CANONICAL)]
    names += [(alias, ABBREVIATION if is_abbreviation(alias) else ALIAS) for alias in title.aliases]
    kinds: dict[str, int] = {}
    for name, kind in names:
        folded = fold(name)
        if folded and kind < kinds.get(folded, INITIALS + 1):
            kinds[folded] = kind
        if name.isascii():
            for abbr in initials(name):
                if abbr not in kinds and abbr not in COMMON_WORDS:
                    kinds[abbr] = INITIALS
    return kinds


def prominence(title: Title, n_keys: int) -> int:
    """How well-known a title looks: titles known by many names are the well-known ones; they win ties."""
    return n_keys + (2 if title.type in _MAIN_FORMATS else 0)
