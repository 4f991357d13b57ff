"""The real process under storage pressure and without a network: clear lines, waits and retries, no tracebacks."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
import time
import uuid
from pathlib import Path

import asyncpg

from tests.bot_process import bot_process, fake_discord, frieren, rate_burst
from tests.conftest import seed_titles
from tests.fake_discord import FakeDiscord
from tests.pg_cluster import PgCluster


def command_puts(fake: FakeDiscord) -> int:
    return sum(1 for method, path in fake.requests if method == "PUT" and path.endswith("/commands"))


def hold_write_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


async def test_a_zero_length_database_is_refused_unless_init_is_given(tmp_path: Path) -> None:
    db_path = tmp_path / "kansou.db"
    db_path.touch()
    async with fake_discord() as fake:
        async with bot_process(fake, db_path) as bot:
            assert await bot.wait_exit(30) == 1
            assert "is empty (0 bytes)" in bot.output and "--init" in bot.output
        assert command_puts(fake) == 0 and db_path.stat().st_size == 0
        async with bot_process(fake, db_path, "run", "--init") as bot:
            await bot.wait_connected()
            bot.signal(signal.SIGTERM)
            assert await bot.wait_exit(10) == 0
        assert db_path.stat().st_size > 0


async def test_a_database_locked_at_start_is_waited_for_before_commands_are_synced(tmp_path: Path) -> None:
    db_path = tmp_path / "kansou.db"
    async with fake_discord() as fake:
        async with bot_process(fake, db_path) as bot:  # create the database, then stop
            await bot.wait_connected()
            bot.signal(signal.SIGTERM)
            assert await bot.wait_exit(10) == 0
        fake.commands = []  # Discord lost them: the next start must sync, but only once storage is ready
        other = hold_write_lock(db_path)
        try:
            async with bot_process(fake, db_path) as bot:
                await bot.wait_for_line("is locked by another program")
                await asyncio.sleep(1.5)
                assert command_puts(fake) == 1 and not fake.identified.is_set()
                other.rollback()
                await bot.wait_connected()
                assert command_puts(fake) == 2
                assert "Traceback" not in bot.output and bot.output.count("locked by another program") == 1
                bot.signal(signal.SIGTERM)
                assert await bot.wait_exit(10) == 0
        finally:
            other.close()


async def test_rates_during_a_busy_database_are_deferred_in_time_then_answered(tmp_path: Path) -> None:
    db_path = tmp_path / "kansou.db"
    async with fake_discord() as fake, bot_process(fake, db_path, catalog=frieren()) as bot:
        await bot.wait_connected()
        await fake.ask(fake.slash_payload("rate", user_id=3, title="Frieren", score=5))
        other = hold_write_lock(db_path)
        try:
            burst = await rate_burst(fake, 20)
            await asyncio.sleep(4)  # longer than Discord's 3 s deadline
            deferred = [a for a in burst if a.deferred and a.callbacks and a.answered_at is None]
            assert len(deferred) == 20, [(a.callbacks, a.messages) for a in burst if a not in deferred]
        finally:
            other.rollback()
            other.close()
        await asyncio.wait_for(asyncio.gather(*(answer.done.wait() for answer in burst)), 15)
        assert all(answer.content and "Frieren" in answer.content for answer in burst)
        assert "Traceback" not in bot.output
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0] == 21


async def test_rates_held_up_by_a_row_lock_on_postgresql_are_deferred_in_time_then_answered(
    pg_cluster: PgCluster, tmp_path: Path
) -> None:
    """Another process holds the title's aggregate row (as a long transaction would): every /rate waits for
    it, each interaction is deferred before Discord's 3 s, and all are answered once the lock is let go."""
    name = f"locked_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    try:
        await seed_titles(url, frieren())
        env = {"KANSOU_DB": url, "KANSOU_DATA_DIR": str(tmp_path)}
        async with fake_discord() as fake, bot_process(fake, tmp_path / "unused.db", env=env) as bot:
            await bot.wait_connected()
            await fake.ask(fake.slash_payload("rate", user_id=3, title="Frieren", score=5))
            holder = await asyncpg.connect(url)
            try:
                locking = holder.transaction()
                await locking.start()
                await holder.execute("SELECT * FROM rating_aggregates FOR UPDATE")
                burst = await rate_burst(fake, 12)
                await asyncio.sleep(4)  # longer than Discord's 3 s deadline
                deferred = [a for a in burst if a.deferred and a.callbacks and a.answered_at is None]
                assert len(deferred) == 12, [(a.callbacks, a.messages) for a in burst if a not in deferred]
                await locking.rollback()
            finally:
                await holder.close()
            await asyncio.wait_for(asyncio.gather(*(answer.done.wait() for answer in burst)), 15)
            assert all(answer.content and "Frieren" in answer.content for answer in burst)
            assert "Traceback" not in bot.output
        reader = await asyncpg.connect(url)
        try:
            assert await reader.fetchval("SELECT COUNT(*) FROM ratings") == 13
        finally:
            await reader.close()
    finally:
        pg_cluster.drop_database(name)


async def test_no_network_at_start_is_one_line_per_try_and_a_retry(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a loopback port with nothing listening: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake = FakeDiscord()
    env = {"KANSOU_TEST_DISCORD_URL": f"http://127.0.0.1:{port}"}
    async with bot_process(fake, tmp_path / "kansou.db", env=env) as bot:
        line = await bot.wait_for_line("cannot reach Discord")
        assert "trying again in 1 s" in line
        started = time.perf_counter()
        await fake.start(port)
        try:
            await bot.wait_connected(within=15)
            assert time.perf_counter() - started < 10
            assert "Traceback" not in bot.output
            bot.signal(signal.SIGTERM)
            assert await bot.wait_exit(10) == 0
        finally:
            await fake.stop()
