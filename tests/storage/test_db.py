"""The database: migrations on fresh, older and newer files; transactions; online backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.storage.db import Database, StorageError, latest_version, migrations
from bot.storage.sqlite import SQLiteDatabase

pytestmark = pytest.mark.sqlite_only


async def pragma(db: Database, name: str) -> Any:
    row = await db.fetchone(f"PRAGMA {name}")
    assert row is not None
    return row[0]


async def test_fresh_database_gets_every_migration_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = await SQLiteDatabase.open(tmp_path / "k.db")
    try:
        assert await db.schema_version() == latest_version()
        assert await pragma(db, "journal_mode") == "wal"
        assert await pragma(db, "foreign_keys") == 1
        assert await pragma(db, "busy_timeout") > 0 and db.busy_retry_seconds >= 5  # SQLite's wait, then ours
        tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"bot_state", "guild_settings", "titles", "reviews", "ratings"} <= tables
    finally:
        await db.close()


async def test_database_from_an_older_version_upgrades_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    first_number, _, first_sql = migrations()[0]
    with sqlite3.connect(path) as conn:  # what the first release would have left behind
        conn.executescript(first_sql)
        conn.execute(f"PRAGMA user_version = {first_number}")
        conn.execute("INSERT INTO guild_settings (guild_id, min_votes) VALUES (7, 5)")
    db = await SQLiteDatabase.open(path)
    try:
        assert await db.schema_version() == latest_version()
        row = await db.fetchone("SELECT min_votes FROM guild_settings WHERE guild_id = 7")
        assert row is not None and row[0] == 5
    finally:
        await db.close()


async def test_database_from_a_newer_version_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    with pytest.raises(StorageError, match="newer than this kansou"):
        await SQLiteDatabase.open(path)


async def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        await SQLiteDatabase.open(path)


async def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await SQLiteDatabase.open(tmp_path / "k.db")
    try:
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
                raise RuntimeError("crash mid-way")
        assert await db.fetchone("SELECT * FROM bot_state WHERE key = 'a'") is None
    finally:
        await db.close()


async def test_backup_is_a_database_holding_the_same_rows(tmp_path: Path) -> None:
    db = await SQLiteDatabase.open(tmp_path / "live.db")
    try:
        await db.executemany("INSERT INTO bot_state (key, value) VALUES (?, ?)", [(f"k{i}", str(i)) for i in range(50)])
        target = await db.backup(tmp_path / "copy.db")
        with pytest.raises(StorageError, match="already exists"):
            await db.backup(target)
    finally:
        await db.close()
    copy = await SQLiteDatabase.open(target)
    try:
        assert await copy.schema_version() == latest_version()
        rows = await copy.fetchall("SELECT key, value FROM bot_state WHERE key LIKE 'k%' ORDER BY CAST(value AS INT)")
        assert [(r[0], r[1]) for r in rows] == [(f"k{i}", str(i)) for i in range(50)]
    finally:
        await copy.close()
