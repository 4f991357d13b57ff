"""Answers from the title store while the in-memory index is built (a first start, a damaged index).

Building the index of a full catalog takes seconds; the bot connects at once and answers autocomplete
and typed names from the database meanwhile, with the same Candidate results as the index: exact
names and prefixes first, then names holding what was typed, then close spellings. Plainer than the
index (no initials, no accent-insensitive search in the database), and slower (each lookup scans the
names), but an answer within Discord's three seconds instead of none.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import AsyncIterator, Collection, Sequence
from functools import lru_cache
from typing import Protocol

from rapidfuzz import fuzz, process

from bot.catalog.index import AMBIGUITY_PENALTY, AS_TYPED_TIER, FUZZY_SCALE, MAX_CHOICES, TIER_CONFIDENCE
from bot.catalog.models import Candidate, Title
from bot.catalog.normalize import fold
from bot.catalog.snapshot import decode_title, encode_title

# Names read from the store per lookup: enough for a full page of choices after ranking.
ROWS = 400
# Confidence of an exact main name and an exact other name (as the index's CANONICAL and ALIAS).
MAIN, OTHER = 1.0, 0.97
# Decoded titles kept ready (the candidates of the last few keystrokes, titles on screen).
_TITLE_CACHE = 2048
# Words this short say too little to look for close spellings of.
_FUZZY_WORD = 3
# Words at least this long are looked up in the database; shorter ones are only checked in ranking.
_TELLING_WORD = 4


class NameStore(Protocol):
    """What the interim lookup needs of the store (bot.storage.title_search.TitleSearchRepo)."""

    def catalog_titles(self) -> AsyncIterator[list[Title]]: ...

    async def names_with(self, words: Sequence[str], *, anywhere: bool, limit: int) -> list[tuple[int, str, bool]]: ...


class _Records:
    """Titles encoded end to end in one buffer, in id order (a few large blocks, handed back whole when freed)."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._ends = array("q", [0])
        self._data = bytearray()

    def __len__(self) -> int:
        return len(self._ids)

    def append(self, title: Title) -> None:
        """Add a title with a higher id than any before."""
        self._ids.append(title.id)
        self._data += encode_title(title)
        self._ends.append(len(self._data))

    def get(self, title_id: int) -> Title | None:
        at = bisect.bisect_left(self._ids, title_id)
        if at == len(self._ids) or self._ids[at] != title_id:
            return None
        return decode_title(title_id, bytes(self._data[self._ends[at] : self._ends[at + 1]]))


def _telling(words: list[str]) -> list[str]:
    """The two longest words of at least four letters, in their order (else the longest word).

    The database compares names in lower case only: short words are often particles or a folded symbol
    ("&" is folded to "and"), which the stored name may write otherwise; ranking checks the rest.
    """
    long = sorted((word for word in words if len(word) >= _TELLING_WORD), key=len, reverse=True)[:2]
    return [word for word in words if word in long] if long else [max(words, key=len)]


class StoreLookup:
    """resolve and complete over the stored names; titles by id from compact records of the catalog's titles
    (read once: the sync lookups by id, from stored ratings and reviews, must answer at once)."""

    def __init__(self, store: NameStore, records: _Records) -> None:
        self._store = store
        self._records = records
        # Bound to the records, not to self: no reference cycle keeps them alive after the index is swapped in.
        self._decoded = lru_cache(maxsize=_TITLE_CACHE)(records.get)

    @classmethod
    async def load(cls, store: NameStore) -> StoreLookup:
        """Read every catalog title (without its other names), kept as compact records."""
        records = _Records()
        async for titles in store.catalog_titles():
            for title in titles:
                records.append(title)
        return cls(store, records)

    def __len__(self) -> int:
        return len(self._records)

    def get(self, title_id: int) -> Title | None:
        return self._decoded(title_id)

    async def _named(self, folded: str, *, anywhere: bool) -> list[tuple[Title, str, str, bool]]:
        """(title, name, folded name, main?) for stored names holding the typed words in order."""
        words = folded.split(" ")
        rows = await self._store.names_with(_telling(words) if anywhere else words, anywhere=anywhere, limit=ROWS)
        if not rows and anywhere:
            # Nothing holds the words as typed: look for close spellings among names sharing the start
            # of the longest word (a misspelling rarely starts wrong).
            longest = max(words, key=len)
            if len(longest) >= _FUZZY_WORD:
                rows = await self._store.names_with([longest[:_FUZZY_WORD]], anywhere=True, limit=ROWS * 5)
        found = []
        for title_id, name, main in rows:
            title = self.get(title_id)
            if title is not None:
                found.append((title, name, fold(name), main))
        return found

    async def resolve(self, query: str, limit: int = 5) -> list[Candidate]:
        """The titles a typed name most likely means, best first (as CatalogIndex.resolve)."""
        folded = fold(query)
        if not folded or limit <= 0:
            return []
        named = await self._named(folded, anywhere=True)
        exact = [(title, name, main) for title, name, key, main in named if key == folded]
        best: dict[int, tuple[float, str]] = {}
        if exact:
            top_main = any(main for _, _, main in exact)
            shared = len({title.id for title, _, main in exact if main == top_main}) > 1
            for title, name, main in sorted(exact, key=lambda hit: not hit[2]):
                confidence = (MAIN if main else OTHER) - (AMBIGUITY_PENALTY if shared else 0.0)
                best.setdefault(title.id, (confidence, name))
        keys = [key for _, _, key, _ in named]
        for _, score, at in process.extract(folded, keys, scorer=fuzz.WRatio, score_cutoff=60, limit=limit * 4):
            title, name = named[at][0], named[at][1]
            confidence = FUZZY_SCALE * score / 100
            if confidence > best.get(title.id, (0.0, ""))[0]:
                best[title.id] = (confidence, name)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [Candidate(self._known(tid), round(conf, 4), name) for tid, (conf, name) in ranked]

    async def complete(self, query: str, limit: int = MAX_CHOICES, prefer: Collection[int] = ()) -> list[Candidate]:
        """Autocomplete choices: exact, prefix, word-prefix, then close names; preferred titles first in each
        (as CatalogIndex.complete)."""
        limit = max(0, min(limit, MAX_CHOICES))
        folded = fold(query)
        if not folded:
            return self._empty_query_choices(prefer, limit)
        # Short input: names starting with it (a scan for "any word starting with 'a'" says little).
        named = await self._named(folded, anywhere=len(folded) >= 2)
        needle = " " + folded
        found: dict[int, tuple[int, int, str]] = {}  # title id -> (tier, name length, name)
        keys = []
        for title, name, key, _ in named:
            if key.startswith(folded):
                tier = 0 if key == folded else 1
            elif needle in key:
                tier = 2
            else:
                keys.append((title, name, key))
                continue
            rank = (tier, len(key), name)
            if rank < found.get(title.id, (9, 0, "")):
                found[title.id] = rank
        if len(found) < limit and len(folded) >= _FUZZY_WORD and keys:
            scored = process.extract(folded, [key for _, _, key in keys], scorer=fuzz.WRatio, score_cutoff=60)
            for _, score, at in scored:
                title, name, key = keys[at]
                rank = (3 if score >= 80 else 4, len(key), name)
                if rank < found.get(title.id, (9, 0, "")):
                    found[title.id] = rank
        ranked = sorted(
            found.items(), key=lambda item: (item[1][0] > AS_TYPED_TIER, item[0] not in prefer, item[1][:2], item[0])
        )[:limit]
        return [Candidate(self._known(tid), TIER_CONFIDENCE[rank[0]], rank[2]) for tid, rank in ranked]

    def _known(self, title_id: int) -> Title:
        title = self.get(title_id)
        assert title is not None  # ids come from found names of known titles only
        return title

    def _empty_query_choices(self, prefer: Collection[int], limit: int) -> list[Candidate]:
        preferred = sorted((t for tid in prefer if (t := self.get(tid)) is not None), key=lambda t: t.name)
        return [Candidate(title, 0.5, title.name) for title in preferred[:limit]]
