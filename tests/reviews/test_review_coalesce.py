"""The coalescer: one refresh at once, the rest folded into one at the end of the interval (fake clock)."""

from __future__ import annotations

import asyncio

from bot.reviews.coalesce import Coalescer


class FakeTime:
    """A clock that moves only when the coalescer sleeps; records every wait."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []
        self.gate = asyncio.Event()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await self.gate.wait()  # the test decides when the interval has passed
        self.now += seconds


async def settle(coalescer: Coalescer) -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_a_burst_runs_once_now_and_once_after_the_interval_with_the_latest_state() -> None:
    time = FakeTime()
    coalescer: Coalescer[str] = Coalescer(interval=5.0, clock=time.clock, sleep=time.sleep)
    state = {"value": 0}
    seen: list[int] = []

    async def refresh() -> None:
        seen.append(state["value"])

    for value in range(1, 6):
        state["value"] = value
        coalescer.request("post", refresh)
        await settle(coalescer)
    assert seen == [1] and time.waits == [5.0]
    time.gate.set()
    await settle(coalescer)
    assert seen == [1, 5] and not coalescer.busy


async def test_a_change_after_the_interval_runs_at_once() -> None:
    time = FakeTime()
    coalescer: Coalescer[str] = Coalescer(interval=5.0, clock=time.clock, sleep=time.sleep)
    seen: list[str] = []

    async def refresh() -> None:
        seen.append("run")

    coalescer.request("post", refresh)
    await settle(coalescer)
    time.now += 6
    coalescer.request("post", refresh)
    await settle(coalescer)
    assert seen == ["run", "run"] and time.waits == []


async def test_keys_are_independent_and_a_failure_does_not_stop_later_refreshes() -> None:
    time = FakeTime()
    coalescer: Coalescer[str] = Coalescer(interval=5.0, clock=time.clock, sleep=time.sleep)
    calls: list[str] = []

    async def broken() -> None:
        calls.append("a")
        raise RuntimeError("edit failed")

    async def fine() -> None:
        calls.append("b")

    coalescer.request("a", broken)
    coalescer.request("b", fine)
    await settle(coalescer)
    assert sorted(calls) == ["a", "b"]
    coalescer.request("a", fine)
    time.gate.set()
    await settle(coalescer)
    assert calls.count("b") == 2 and not coalescer.busy


async def test_flush_runs_the_waiting_refresh_now_with_the_latest_state() -> None:
    time = FakeTime()  # its gate is never opened: without flush, the second refresh would wait forever
    coalescer: Coalescer[str] = Coalescer(interval=5.0, clock=time.clock, sleep=time.sleep)
    state = {"value": 0}
    seen: list[int] = []

    async def refresh() -> None:
        seen.append(state["value"])

    for value in (1, 2, 3):
        state["value"] = value
        coalescer.request("post", refresh)
        await settle(coalescer)
    assert await coalescer.flush(within=1) == 1
    assert seen == [1, 3] and not coalescer.busy


async def test_flush_reruns_a_refresh_that_was_cut_short() -> None:
    coalescer: Coalescer[str] = Coalescer(interval=5.0)
    started, release = asyncio.Event(), asyncio.Event()
    finished: list[str] = []

    async def slow() -> None:
        started.set()
        await release.wait()
        finished.append("done")

    coalescer.request("post", slow)
    await started.wait()
    release.set()
    assert await coalescer.flush(within=1) == 1
    assert finished == ["done"]
