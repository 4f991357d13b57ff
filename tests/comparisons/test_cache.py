"""NeighbourCache: reused while the target's votes are unchanged and the entry is young."""

from __future__ import annotations

from bot.comparisons.cache import NeighbourCache
from bot.comparisons.similarity import Neighbour

FOUND = [Neighbour(2, 0.5, 0.6, 40, 10, 8.1)]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_entry_is_reused_while_the_stamp_matches():
    cache = NeighbourCache(clock=Clock())
    cache.put(1, 7, ("votes", 10), FOUND)
    assert cache.get(1, 7, ("votes", 10)) == FOUND
    assert cache.get(2, 7, ("votes", 10)) is None  # another server


def test_a_new_vote_on_the_target_makes_the_entry_stale():
    cache = NeighbourCache(clock=Clock())
    cache.put(1, 7, ("votes", 10), FOUND)
    assert cache.get(1, 7, ("votes", 11)) is None
    assert len(cache) == 0


def test_entries_expire_after_max_age():
    clock = Clock()
    cache = NeighbourCache(max_age=300, clock=clock)
    cache.put(1, 7, "s", FOUND)
    clock.now += 299
    assert cache.get(1, 7, "s") == FOUND
    clock.now += 2
    assert cache.get(1, 7, "s") is None


def test_the_least_recently_used_entry_goes_first_when_full():
    cache = NeighbourCache(max_entries=2, clock=Clock())
    cache.put(1, 1, "s", FOUND)
    cache.put(1, 2, "s", FOUND)
    cache.get(1, 1, "s")
    cache.put(1, 3, "s", FOUND)
    assert cache.get(1, 2, "s") is None
    assert cache.get(1, 1, "s") == FOUND


def test_forget_drops_one_title_or_a_whole_server():
    cache = NeighbourCache(clock=Clock())
    for title in (1, 2):
        cache.put(1, title, "s", FOUND)
    cache.put(2, 1, "s", FOUND)
    cache.forget(1, 1)
    assert cache.get(1, 1, "s") is None and cache.get(1, 2, "s") == FOUND
    cache.forget(1)
    assert len(cache) == 1
