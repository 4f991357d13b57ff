"""Graceful shutdown of the real process: SIGTERM/SIGINT drain what is in flight, close storage, exit 0."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from pathlib import Path

from bot.client import RESTARTING
from tests.bot_process import bot_process, fake_discord, frieren, rate_burst


def stored_ratings(db_path: Path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0]


async def test_sigterm_when_idle_closes_the_database_and_exits_0_quickly(tmp_path: Path) -> None:
    async with fake_discord() as fake, bot_process(fake, tmp_path / "kansou.db", catalog=frieren()) as bot:
        await bot.wait_connected()
        started = time.perf_counter()
        bot.signal(signal.SIGTERM)
        assert await bot.wait_exit(5) == 0
        assert time.perf_counter() - started < 5
        assert "database closed" in bot.output
        assert bot.lines[-1].endswith("stopped")
        assert not (tmp_path / "kansou.db-wal").exists() or (tmp_path / "kansou.db-wal").stat().st_size == 0


async def test_sigint_mid_burst_answers_everyone_in_flight_then_exits_0(tmp_path: Path) -> None:
    async with fake_discord() as fake, bot_process(fake, tmp_path / "kansou.db", catalog=frieren()) as bot:
        await bot.wait_connected()
        await fake.ask(fake.slash_payload("rate", user_id=3, title="Frieren", score=5))
        fake.hold_callbacks = asyncio.Event()  # answers wait: the burst is in flight when the signal comes
        burst = await rate_burst(fake, 30)
        await fake.wait_for_callbacks(1 + 10)  # stored, and waiting to answer
        bot.signal(signal.SIGINT)
        await bot.wait_for_line("stopping: no new interactions")
        late = await fake.send(fake.slash_payload("rate", user_id=999, title="Frieren", score=2))
        fake.hold_callbacks.set()
        await asyncio.wait_for(asyncio.gather(*(answer.done.wait() for answer in [*burst, late])), 10)
        last_answer = time.perf_counter()
        assert await bot.wait_exit(5) == 0
        assert time.perf_counter() - last_answer < 5
        assert all(answer.content and "Frieren" in answer.content for answer in burst)
        assert late.content == RESTARTING
        assert "database closed" in bot.output and bot.lines[-1].endswith("stopped")
        assert "Traceback" not in bot.output
    assert stored_ratings(tmp_path / "kansou.db") == 31


async def test_a_second_signal_exits_at_once(tmp_path: Path) -> None:
    async with fake_discord() as fake, bot_process(fake, tmp_path / "kansou.db", catalog=frieren()) as bot:
        await bot.wait_connected()
        fake.hold_callbacks = asyncio.Event()  # never released: the drain would wait its full 10 s
        await fake.send(fake.slash_payload("rate", title="Frieren", score=8))
        await fake.wait_for_callbacks(1)
        bot.signal(signal.SIGTERM)
        await bot.wait_for_line("stopping: no new interactions")
        bot.signal(signal.SIGTERM)
        assert await bot.wait_exit(2) == 128 + signal.SIGTERM
        fake.hold_callbacks.set()
