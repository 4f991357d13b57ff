"""`db copy`, `check` and `db backup` on PostgreSQL, run as an operator runs them: after a copy, kansou's own
repositories show the same scores, leaderboard, reviews, links and settings from PostgreSQL as from SQLite."""

from __future__ import annotations

import itertools
import os
import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.storage.db import open_database
from bot.storage.sqlite import NOTICE_TABLES
from tests.pg_cluster import PgCluster
from tests.storage.copy_support import GUILD, bot_view, filled_sqlite
from tests.test_cli import SHAPED_TOKEN

_names = itertools.count()


def kansou(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "KANSOU_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", "--env-file", os.devnull, *args],
        cwd=cwd,
        env={**environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def postgres_tool(cluster: PgCluster, cwd: Path, program: str, *args: str) -> None:
    """Run one of PostgreSQL's client programs (pg_dump, pg_restore) from the cluster's installation."""
    subprocess.run([str(cluster.bin_dir / program), *args], cwd=cwd, check=True, timeout=60)


@pytest.fixture
async def source(tmp_path: Path) -> Path:
    return await filled_sqlite(tmp_path / "kansou.db")


@pytest.fixture
def target(pg_cluster: PgCluster) -> str:
    """A new, empty PostgreSQL database (no schema yet: db copy creates it)."""
    return pg_cluster.create_database(f"cli_{next(_names)}")


async def test_after_db_copy_the_bot_shows_the_same_from_postgresql(source: Path, target: str, tmp_path: Path) -> None:
    result = kansou(tmp_path, "db", "copy", str(source), target)
    assert result.returncode == 0, result.stdout + result.stderr
    with sqlite3.connect(source) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    tables = len({name for name in names if not name.startswith("sqlite_")} - NOTICE_TABLES)
    assert f"copied {tables} tables" in result.stdout and "in one transaction" in result.stdout
    assert "verified: every table has as many rows as the source" in result.stdout
    assert f"KANSOU_DB={target}" in result.stdout
    sqlite_db, pg_db = await open_database(source), await open_database(target)
    try:
        assert pg_db.dialect == "postgresql"
        expected, copied = await bot_view(sqlite_db), await bot_view(pg_db)
        shown = copied[GUILD]
        assert shown["top"].rows and shown["reviews"] and shown["title_actions"], "the view must hold data"
        assert any(shown["history"].values()) and any(shown["edges"].values()) and copied["anilist"][0]
        for key in expected:
            assert copied[key] == expected[key], key
        # New rows get new ids after the copied ones.
        row = await pg_db.fetchone("INSERT INTO titles (name) VALUES ('New') RETURNING id")
        assert row is not None and row[0] == max(t.id for t in expected["titles"]) + 1
    finally:
        await sqlite_db.close()
        await pg_db.close()


async def test_db_copy_refuses_a_target_holding_data_unless_forced(source: Path, target: str, tmp_path: Path) -> None:
    assert kansou(tmp_path, "db", "copy", str(source), target).returncode == 0
    again = kansou(tmp_path, "db", "copy", str(source), target)
    assert again.returncode == 1
    assert "already holds data" in again.stderr and "--force" in again.stderr and "Traceback" not in again.stderr
    forced = kansou(tmp_path, "db", "copy", str(source), target, "--force")
    assert forced.returncode == 0, forced.stderr
    assert "--force: first emptied" in forced.stdout


def test_db_copy_names_an_unreachable_server_without_its_password(source: Path, tmp_path: Path) -> None:
    url = f"postgresql://kansou:s3cret@/kansou?host={tmp_path}/nothing-listens-here"
    result = kansou(tmp_path, "db", "copy", str(source), url)
    assert result.returncode == 1
    assert "cannot reach the PostgreSQL database postgresql://kansou:***@/kansou" in result.stderr
    assert "s3cret" not in result.stderr + result.stdout and "Traceback" not in result.stderr


async def test_db_copy_refuses_a_source_of_another_schema_before_touching_the_target(
    source: Path, target: str, tmp_path: Path
) -> None:
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA user_version = 3")
    result = kansou(tmp_path, "db", "copy", str(source), target)
    assert result.returncode == 1 and "older than this kansou's" in result.stderr
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA user_version = 999")
    result = kansou(tmp_path, "db", "copy", str(source), target)
    assert result.returncode == 1 and "newer than this kansou knows" in result.stderr
    made = await asyncpg.connect(target)
    try:
        assert await made.fetchval("SELECT to_regclass('titles')") is None  # not even the schema was made
    finally:
        await made.close()


def test_db_copy_needs_a_sqlite_file_and_a_postgresql_url(source: Path, tmp_path: Path) -> None:
    result = kansou(tmp_path, "db", "copy", str(source), str(tmp_path / "other.db"))
    assert result.returncode == 2 and "must be a postgresql:// URL" in result.stderr


async def test_check_on_postgresql_finds_aggregate_drift(source: Path, target: str, tmp_path: Path) -> None:
    assert kansou(tmp_path, "db", "copy", str(source), target).returncode == 0
    clean = kansou(tmp_path, "check", KANSOU_DB=target, DISCORD_TOKEN=SHAPED_TOKEN)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "score aggregates: exact" in clean.stdout and "ratings: 32" in clean.stdout
    conn = await asyncpg.connect(target)
    try:
        await conn.execute("ALTER TABLE rating_aggregates DISABLE TRIGGER USER")
        await conn.execute("UPDATE rating_aggregates SET total = total + 3 WHERE title_id = 1")
    finally:
        await conn.close()
    drifted = kansou(tmp_path, "check", KANSOU_DB=target, DISCORD_TOKEN=SHAPED_TOKEN)
    assert drifted.returncode == 1
    assert f"aggregates drifted (server {GUILD}, title 1)" in drifted.stdout


def test_db_backup_on_postgresql_prints_the_pg_dump_command(tmp_path: Path) -> None:
    url = "postgresql://kansou:s3cret@db.example:5433/kansou_prod?sslmode=require"
    result = kansou(tmp_path, "db", "backup", "nightly.dump", KANSOU_DB=url)
    assert result.returncode == 1  # nothing was backed up: a script must not take this for a backup
    command = (
        "pg_dump --format=custom --file=nightly.dump 'postgresql://kansou@db.example:5433/kansou_prod?sslmode=require'"
    )
    assert command in result.stdout
    assert "s3cret" not in result.stdout + result.stderr and "pg_restore" in result.stdout
    assert not (tmp_path / "nightly.dump").exists()


async def test_the_printed_pg_dump_command_makes_a_backup_pg_restore_brings_back(
    source: Path, target: str, tmp_path: Path, pg_cluster: PgCluster
) -> None:
    assert kansou(tmp_path, "db", "copy", str(source), target).returncode == 0
    guidance = kansou(tmp_path, "db", "backup", "kansou.dump", KANSOU_DB=target).stdout
    dump = next(shlex.split(line) for line in guidance.splitlines() if line.strip().startswith("pg_dump "))
    postgres_tool(pg_cluster, tmp_path, *dump)  # exactly as printed
    restored = pg_cluster.create_database(f"restored_{next(_names)}")
    postgres_tool(pg_cluster, tmp_path, "pg_restore", "--no-owner", f"--dbname={restored}", "kansou.dump")
    sqlite_db, pg_db = await open_database(source), await open_database(restored)
    try:
        assert await bot_view(pg_db) == await bot_view(sqlite_db)
    finally:
        await sqlite_db.close()
        await pg_db.close()
