"""Coalesced refreshes: at most one run per key every `interval` seconds, and the last change always shown.

A burst of score changes on one review post becomes one message edit now and one more at the end of
the interval, instead of one edit per vote (Discord rate-limits edits per channel). The refresh reads
the current state when it runs, so whatever changed meanwhile is in it. Timing uses the event loop's
clock, so a test harness that drives the loop's time drives this too.

Several processes (the shards of one bot) may refresh the same post: with `claims` (stored in the
database, see bot/storage/refreshes.py) a refresh also waits for the post's claim, so the interval
holds across all of them, and a change another process's edit already showed is not edited again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

# A review post is edited at most once per this many seconds (Discord rate-limits edits per channel).
POST_EDIT_INTERVAL = 5.0

Refresh = Callable[[], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]
K = TypeVar("K", bound=Hashable)
K_contra = TypeVar("K_contra", bound=Hashable, contravariant=True)


@dataclass(frozen=True, slots=True)
class Claim:
    """The answer to a claim on a key's refresh, shared by every process."""

    granted: bool  # this process refreshes now
    next_at: float  # (wall clock) when the key may next be refreshed
    pending: bool  # a change still waits for that refresh (False: another process's refresh showed it)


class Claims(Protocol[K_contra]):
    async def request(self, key: K_contra, now: float, interval: float) -> Claim:
        """Mark a change of key; claim its refresh if the interval has passed."""

    async def retry(self, key: K_contra, now: float, interval: float) -> Claim:
        """After waiting: claim the refresh if a change is still marked and the interval has passed."""


class Coalescer(Generic[K]):
    """Runs each key's latest refresh at most once per interval, never two of one key at a time."""

    def __init__(
        self,
        interval: float = 5.0,
        *,
        clock: Callable[[], float] | None = None,
        sleep: Sleep = asyncio.sleep,
        claims: Claims[K] | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._claims = claims
        self._wall_clock = wall_clock  # claims are compared across processes: seconds since the epoch
        self._last_run: dict[K, float] = {}
        self._pending: dict[K, Refresh] = {}
        self._tasks: dict[K, asyncio.Task[None]] = {}
        self._running: dict[K, Refresh] = {}
        self._requests: dict[K, int] = {}  # requests so far per key: tells a newer change from a shown one

    def request(self, key: K, refresh: Refresh) -> None:
        """Ask for a refresh of key: now if the interval has passed, else once it has."""
        self._pending[key] = refresh
        self._requests[key] = self._requests.get(key, 0) + 1
        if key not in self._tasks:
            task = asyncio.get_running_loop().create_task(self._drain(key), name=f"coalesce:{key}")
            self._tasks[key] = task

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def _drain(self, key: K) -> None:
        try:
            while key in self._pending:
                if self._claims is not None:
                    # The shared claim keeps the time: the change is marked at once, so that whichever
                    # process refreshes next (reading the state then) shows it, and only one does.
                    if not await self._claim(key, self._claims):
                        continue  # another process's refresh showed the change (a newer one loops again)
                else:
                    last = self._last_run.get(key)
                    wait = 0.0 if last is None else last + self.interval - self._now()
                    if wait > 0:
                        await self._sleep(wait)
                refresh = self._pending.pop(key)
                self._last_run[key] = self._now()
                self._running[key] = refresh
                try:
                    await refresh()
                except Exception:  # a failed refresh must not stop later ones; the next change retries
                    log.exception("coalesced refresh of %s failed", key)
                finally:
                    self._running.pop(key, None)
        finally:
            self._tasks.pop(key, None)
            if key not in self._pending:
                self._requests.pop(key, None)
            self._forget_old(self._now())

    async def _claim(self, key: K, claims: Claims[K]) -> bool:
        """Wait for this process's claim on the key's refresh: True once granted; False when another
        process's refresh (claimed after our change was marked) showed it instead."""
        requests = self._requests.get(key, 0)
        try:
            claim = await claims.request(key, self._wall_clock(), self.interval)
            while not claim.granted:
                if not claim.pending:
                    if self._requests.get(key, 0) == requests:  # nothing newer arrived meanwhile
                        self._pending.pop(key, None)
                    return False
                await self._sleep(max(0.0, claim.next_at - self._wall_clock()))
                claim = await claims.retry(key, self._wall_clock(), self.interval)
        except Exception:  # the store failing must not lose the refresh: edit without the claim
            log.exception("could not claim the refresh of %s; refreshing anyway", key)
        return True

    def _forget_old(self, now: float) -> None:
        # Keys idle for longer than the interval need no timestamp: their next request runs at once.
        stale = [k for k, t in self._last_run.items() if now - t >= self.interval and k not in self._tasks]
        for key in stale:
            del self._last_run[key]

    async def flush(self, within: float = 5.0) -> int:
        """Run every waiting refresh now, ignoring the interval (shutting down); bounded by `within` seconds.

        A refresh cut short by the cancellation runs again, so the last change is always shown.
        Returns how many refreshes ran.
        """
        refreshes = {**self._running, **self._pending}
        self.cancel_all()
        if not refreshes:
            return 0
        results = asyncio.gather(*(refresh() for refresh in refreshes.values()), return_exceptions=True)
        try:
            outcomes = await asyncio.wait_for(results, within)
        except TimeoutError:
            log.warning("%d coalesced refreshes did not finish within %.0f s", len(refreshes), within)
            return 0
        for key, outcome in zip(refreshes, outcomes, strict=True):
            if isinstance(outcome, Exception):
                log.error("coalesced refresh of %s failed", key, exc_info=outcome)
        return len(refreshes)

    def cancel_all(self) -> None:
        """Stop every waiting refresh (the cog is unloading)."""
        for task in list(self._tasks.values()):
            task.cancel()
        self._tasks.clear()
        self._pending.clear()
        self._running.clear()
        self._requests.clear()

    @property
    def busy(self) -> bool:
        return bool(self._tasks)
