"""Coalesced refreshes: at most one run per key every `interval` seconds, and the last change always shown.

A burst of score changes on one review post becomes one message edit now and one more at the end of
the interval, instead of one edit per vote (Discord rate-limits edits per channel). The refresh reads
the current state when it runs, so whatever changed meanwhile is in it. Timing uses the event loop's
clock, so a test harness that drives the loop's time drives this too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Refresh = Callable[[], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


class Coalescer:
    """Runs each key's latest refresh at most once per interval, never two of one key at a time."""

    def __init__(
        self, interval: float = 5.0, *, clock: Callable[[], float] | None = None, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._last_run: dict[Hashable, float] = {}
        self._pending: dict[Hashable, Refresh] = {}
        self._tasks: dict[Hashable, asyncio.Task[None]] = {}
        self._running: dict[Hashable, Refresh] = {}

    def request(self, key: Hashable, refresh: Refresh) -> None:
        """Ask for a refresh of key: now if the interval has passed, else once it has."""
        self._pending[key] = refresh
        if key not in self._tasks:
            task = asyncio.get_running_loop().create_task(self._drain(key), name=f"coalesce:{key}")
            self._tasks[key] = task

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def _drain(self, key: Hashable) -> None:
        try:
            while key in self._pending:
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
            self._forget_old(self._now())

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

    @property
    def busy(self) -> bool:
        return bool(self._tasks)
