"""Storage under pressure: a busy database is waited for (bounded); full, read-only and busy become typed errors."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import StorageUnavailable
from bot.storage.db import NotNullViolation, when_storage_waits
from bot.storage.sqlite import SQLiteDatabase

pytestmark = pytest.mark.sqlite_only


def hold_write_lock(path: Path) -> sqlite3.Connection:
    """Another program holding the database's write lock (as `sqlite3 kansou.db 'BEGIN IMMEDIATE'` would)."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[SQLiteDatabase]:
    database = await SQLiteDatabase.open(tmp_path / "kansou.db")
    yield database
    await database.close()


async def count_state(db: SQLiteDatabase) -> int:
    row = await db.fetchone("SELECT COUNT(*) FROM bot_state")
    assert row is not None
    return int(row[0])


async def test_a_write_waits_for_a_busy_database_and_says_so_once(db: SQLiteDatabase) -> None:
    other = hold_write_lock(db.path)
    waits: list[float] = []

    async def on_wait() -> None:
        waits.append(time.perf_counter())

    when_storage_waits(on_wait)
    asyncio.get_running_loop().call_later(1.0, other.rollback)
    started = time.perf_counter()
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO bot_state (key, value) VALUES ('b', '2')")
    assert time.perf_counter() - started >= 0.9
    assert len(waits) == 1 and waits[0] - started < 0.6  # told early enough to defer within Discord's 3 s
    assert await count_state(db) == 2
    other.close()


@pytest.mark.parametrize("how", ["statement", "transaction"])
async def test_a_database_busy_past_the_limit_is_a_clear_busy_error_and_nothing_changes(
    db: SQLiteDatabase, how: str
) -> None:
    db.busy_retry_seconds = 0.5
    other = hold_write_lock(db.path)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            if how == "statement":
                await db.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
            else:
                async with db.transaction() as conn:
                    await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
    finally:
        other.rollback()
        other.close()
    assert caught.value.reason == "busy" and "busy" in str(caught.value)
    assert await count_state(db) == 0
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")  # usable again at once


async def test_a_full_disk_is_a_clear_full_error_and_the_transaction_is_rolled_back(db: SQLiteDatabase) -> None:
    row = await db.fetchone("PRAGMA page_count")
    assert row is not None
    await db.execute(f"PRAGMA max_page_count = {row[0]}")  # SQLite answers SQLITE_FULL, as on a full disk
    with pytest.raises(StorageUnavailable) as caught:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('small', '1')")
            await conn.execute("INSERT INTO bot_state (key, value) VALUES ('big', ?)", ("x" * 200_000,))
    assert caught.value.reason == "full" and "storage is full" in str(caught.value)
    assert "full" in caught.value.detail
    assert await count_state(db) == 0


async def test_a_read_only_database_is_a_clear_read_only_error(db: SQLiteDatabase) -> None:
    await db.execute("PRAGMA query_only = 1")
    with pytest.raises(StorageUnavailable) as caught:
        await db.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
    assert caught.value.reason == "read-only" and "read-only" in str(caught.value)
    assert await count_state(db) == 0


async def test_a_broken_constraint_is_a_typed_constraint_error(db: SQLiteDatabase) -> None:
    with pytest.raises(NotNullViolation):
        await db.execute("INSERT INTO bot_state (key, value) VALUES (NULL, NULL)")
