"""`db copy` refuses, before writing anything, a source that is not of this kansou's schema and a target it
cannot reach."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.copy import CopyError, check_source, copy_sqlite_to_postgres, probe_target
from bot.storage.db import latest_version, open_database


async def source_at_version(path: Path, version: int) -> Path:
    db = await open_database(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    return path


async def test_a_source_of_an_older_schema_is_refused_with_how_to_upgrade_it(tmp_path: Path) -> None:
    source = await source_at_version(tmp_path / "old.db", latest_version() - 1)
    with pytest.raises(CopyError, match="older than this kansou's") as refused:
        await check_source(source)
    assert "start this kansou once on it" in str(refused.value)


async def test_a_source_of_a_newer_schema_is_refused(tmp_path: Path) -> None:
    source = await source_at_version(tmp_path / "new.db", latest_version() + 1)
    with pytest.raises(CopyError, match="newer than this kansou knows"):
        await copy_sqlite_to_postgres(source, "postgresql://nobody@/nowhere?host=/nonexistent")


async def test_a_missing_or_foreign_source_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CopyError, match="there is no SQLite database at"):
        await check_source(tmp_path / "absent.db")
    (tmp_path / "notes.txt").write_text("not a database, but long enough to be read as one" * 40)
    with pytest.raises(CopyError, match="not a usable SQLite database"):
        await check_source(tmp_path / "notes.txt")


async def test_an_unreachable_target_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://kansou:s3cret@/kansou?host={tmp_path}/no-server-here&port=5432"
    with pytest.raises(CopyError, match="cannot reach the PostgreSQL database") as refused:
        await probe_target(url)
    assert "s3cret" not in str(refused.value)
    assert "postgresql://kansou:***@/kansou" in str(refused.value)
