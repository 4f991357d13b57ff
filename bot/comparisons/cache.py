"""Neighbour lists of heavily scored titles, kept a few minutes so /similar on popular titles stays fast.

Freshness: an entry carries a stamp of the target's own votes (its aggregate: count, sum, sum of
squares, histogram). Any score given, changed or removed on the target changes that stamp, and the
next /similar recomputes. Scores on *other* titles move a similarity computed over hundreds of
co-raters very little, so they are allowed to lag by at most MAX_AGE seconds. Only expensive
results are cached (see ComparisonService); small titles are always computed fresh.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from bot.comparisons.similarity import Neighbour

MAX_AGE = 300.0
MAX_ENTRIES = 512


class NeighbourCache:
    """LRU of (server, title) -> neighbours, valid while the stamp matches and the entry is young."""

    def __init__(
        self,
        *,
        max_age: float = MAX_AGE,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._clock = clock
        self._entries: OrderedDict[tuple[int, int], tuple[float, Hashable, list[Neighbour]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, guild_id: int, title_id: int, stamp: Hashable) -> list[Neighbour] | None:
        """The cached neighbours if computed from the same target votes less than max_age ago."""
        key = (guild_id, title_id)
        entry = self._entries.get(key)
        if entry is None:
            return None
        made, old_stamp, found = entry
        if old_stamp != stamp or self._clock() - made > self.max_age:
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return found

    def put(self, guild_id: int, title_id: int, stamp: Hashable, found: list[Neighbour]) -> None:
        """Remember neighbours computed from the target votes described by `stamp`."""
        self._entries[(guild_id, title_id)] = (self._clock(), stamp, found)
        self._entries.move_to_end((guild_id, title_id))
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def forget(self, guild_id: int, title_id: int | None = None) -> None:
        """Drop one title's entry, or a whole server's (e.g. after /privacy forget or a bulk change)."""
        if title_id is not None:
            self._entries.pop((guild_id, title_id), None)
            return
        for key in [key for key in self._entries if key[0] == guild_id]:
            del self._entries[key]
