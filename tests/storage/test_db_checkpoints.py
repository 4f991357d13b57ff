"""WAL checkpoints run in the background, on their own connection, never inside a user's write."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.storage.db import Database
from bot.storage.sqlite import SQLiteDatabase

pytestmark = pytest.mark.sqlite_only


async def write_rows(db: Database, start: int, count: int) -> None:
    await db.executemany(
        "INSERT INTO bot_state (key, value) VALUES (?, ?)", [(f"k{n}", "x" * 1000) for n in range(start, start + count)]
    )


async def test_sqlites_automatic_checkpoint_is_off_and_the_background_one_runs(tmp_path: Path) -> None:
    db = await SQLiteDatabase.open(tmp_path / "k.db")
    try:
        await db.start_checkpoints(after_writes=10)
        row = await db.fetchone("PRAGMA wal_autocheckpoint")
        assert row is not None and row[0] == 0
        for batch in range(500):  # bounded; two checkpoints usually come within the first 30 writes
            await write_rows(db, batch * 20, 20)
            if db.checkpoints >= 2:
                break
            await asyncio.sleep(0.01)  # a loaded machine: give the background checkpoint its turn
        assert db.checkpoints >= 2
        in_log, done = await db.checkpoint()
        assert in_log > 0 and done == in_log  # every page of the log is back in the database file
    finally:
        await db.close()


async def test_the_log_is_reused_after_each_checkpoint_instead_of_growing(tmp_path: Path) -> None:
    db = await SQLiteDatabase.open(tmp_path / "k.db")
    wal = tmp_path / "k.db-wal"
    try:
        await db.start_checkpoints(after_writes=10**9)  # checkpoints by hand below
        await write_rows(db, 0, 300)
        await db.checkpoint()
        first = wal.stat().st_size
        for round_ in range(1, 20):
            await write_rows(db, round_ * 300, 300)
            await db.checkpoint()
        assert wal.stat().st_size <= 2 * first
    finally:
        await db.close()
    assert not wal.exists() or wal.stat().st_size == 0  # closing checkpoints and truncates the log


async def test_writes_with_returning_count_towards_the_next_checkpoint(tmp_path: Path) -> None:
    """/rate's upsert is a fetchone (INSERT ... RETURNING): it must count as a write, or the log never shrinks."""
    db = await SQLiteDatabase.open(tmp_path / "k.db")
    try:
        await db.start_checkpoints(after_writes=5)
        for n in range(200):  # bounded
            await db.fetchone("INSERT INTO bot_state (key, value) VALUES (?, 'v') RETURNING key", (f"k{n}",))
            if db.checkpoints:
                break
            await asyncio.sleep(0.01)
        assert db.checkpoints >= 1
    finally:
        await db.close()
