"""A tiny stand-in for the catalog index: finds sample titles in text, tolerating small misspellings."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz

from bot.catalog.models import Mention, Title
from bot.text import split_sentences

_TOKEN_RE = re.compile(r"[\w'’&!:;.×★-]+")


class FakeFinder:
    """Matches each name (and alias) of each title against runs of words of the same length."""

    def __init__(self, titles: Iterable[Title], threshold: float = 88.0) -> None:
        self._names: list[tuple[str, int, Title]] = []
        for title in titles:
            for name in (title.name, *title.aliases):
                words = name.split()
                if name.isascii() and len(name) >= 4:
                    self._names.append((name.casefold(), len(words), title))
        self._threshold = threshold

    def find_mentions(self, text: str) -> list[Mention]:
        """Catalog titles named in the text, longest match first, never overlapping."""
        tokens = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        found: list[Mention] = []
        taken: set[int] = set()
        sentences = split_sentences(text)
        for name, length, title in sorted(self._names, key=lambda n: -len(n[0])):
            for i in range(len(tokens) - length + 1):
                start, end = tokens[i][0], tokens[i + length - 1][1]
                piece = text[start:end].rstrip(".,;:!?'’")
                end = start + len(piece)
                if not piece[:1].isupper() and not piece[:1].isdigit():
                    continue
                if any(p in taken for p in range(start, end)):
                    continue
                if fuzz.ratio(piece.casefold(), name) < self._threshold:
                    continue
                taken.update(range(start, end))
                sentence = next((s.text for s in sentences if s.start <= start < s.end), "")
                found.append(Mention(title, piece, start, end, sentence))
        return sorted(found, key=lambda m: m.start)


class NoFinder:
    """A finder for a catalog that knows nothing."""

    def find_mentions(self, text: str) -> list[Mention]:
        return []
