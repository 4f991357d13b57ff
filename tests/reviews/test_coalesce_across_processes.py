"""Two coalescers on two connections to one database (two processes of a sharded bot): one edit per
post per interval across both, and the last change always shown. A shared fake clock drives both."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from bot.reviews.coalesce import Claim, Coalescer
from bot.storage.db import Database, open_database
from bot.storage.refreshes import RefreshClaims

POST = 42


class SharedClock:
    """Time that moves only when the test says; every sleeper wakes when its time has come."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self._moved = asyncio.Condition()

    def time(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        target = self.now + seconds
        async with self._moved:
            await self._moved.wait_for(lambda: self.now >= target)

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        async with self._moved:
            self._moved.notify_all()
        await settle()


async def settle() -> None:
    """Long enough for the database round trips now due (on a quiet machine)."""
    for _ in range(50):
        await asyncio.sleep(0.002)


async def until(condition: Callable[[], bool], within: float = 10.0) -> None:
    """Wait (in real time, bounded) for what is due to have happened, however loaded the machine is."""
    for _ in range(int(within / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not within the time allowed")


class CountedClaims(RefreshClaims):
    """The stored claims, counting the requests answered (so a test knows a change has been marked)."""

    answered = 0

    async def request(self, post: int, now: float, interval: float) -> Claim:
        claim = await super().request(post, now, interval)
        self.answered += 1
        return claim


def marked(coalescers: list[Coalescer[int]]) -> int:
    return sum(c._claims.answered for c in coalescers if isinstance(c._claims, CountedClaims))


@pytest.fixture
async def two(db: Database, clock: SharedClock) -> AsyncIterator[list[Coalescer[int]]]:
    other = await open_database(db.target)
    coalescers: list[Coalescer[int]] = [
        Coalescer(5.0, clock=clock.time, sleep=clock.sleep, claims=CountedClaims(store), wall_clock=clock.time)
        for store in (db, other)
    ]
    yield coalescers
    for coalescer in coalescers:
        coalescer.cancel_all()
    await other.close()


@pytest.fixture
def clock() -> SharedClock:
    return SharedClock()


class Post:
    """The post both processes edit: the score it shows after each edit, and when."""

    def __init__(self, clock: SharedClock) -> None:
        self.clock = clock
        self.votes = 0
        self.edits: list[tuple[float, int]] = []

    def refresh(self, who: str) -> Callable[[], Awaitable[None]]:
        async def edit() -> None:
            self.edits.append((self.clock.now, self.votes))

        return edit


async def test_changes_in_two_processes_make_one_edit_now_and_one_after_the_interval(
    two: list[Coalescer[int]], clock: SharedClock
) -> None:
    """A vote in each process at once: one edit at once; the other waits out the interval and shows both."""
    post = Post(clock)
    post.votes = 1
    two[0].request(POST, post.refresh("a"))
    post.votes = 2
    two[1].request(POST, post.refresh("b"))
    await until(lambda: len(post.edits) == 1)
    await clock.advance(4.9)
    assert len(post.edits) == 1
    await clock.advance(0.1)
    await until(lambda: len(post.edits) == 2)
    assert post.edits[-1] == (1_005.0, 2)
    await clock.advance(30)
    assert len(post.edits) == 2


async def test_a_change_another_process_showed_is_not_edited_twice(
    two: list[Coalescer[int]], clock: SharedClock
) -> None:
    """Inside an interval both processes have a change; at its end exactly one of them edits."""
    post = Post(clock)
    two[0].request(POST, post.refresh("a"))
    await until(lambda: len(post.edits) == 1)
    await clock.advance(1)
    post.votes = 5
    two[0].request(POST, post.refresh("a"))
    two[1].request(POST, post.refresh("b"))
    await until(lambda: marked(two) == 3)  # the first edit's claim, then one mark in each process
    await clock.advance(4)
    await until(lambda: len(post.edits) == 2)
    assert post.edits[1:] == [(1_005.0, 5)]
    await clock.advance(30)
    assert len(post.edits) == 2 and not two[0].busy and not two[1].busy


async def test_many_changes_on_both_sides_keep_edits_an_interval_apart(
    two: list[Coalescer[int]], clock: SharedClock
) -> None:
    """A vote every half second, alternating processes, for 20 s: edits never closer than 5 s, and the last
    edit shows the last vote."""
    post = Post(clock)
    for n in range(40):
        post.votes = n + 1
        two[n % 2].request(POST, post.refresh("ab"[n % 2]))
        await clock.advance(0.5)
    await clock.advance(10)
    await until(lambda: post.edits[-1][1] == 40)
    times = [at for at, _ in post.edits]
    assert all(later - earlier >= 5.0 for earlier, later in itertools.pairwise(times))
    assert post.edits[-1][1] == 40
    assert len(post.edits) <= 6
