"""`db copy` from a real SQLite file into a real PostgreSQL database (tests/pg_cluster.py): every table
arrives, ids continue after the copied ones, aggregates are verified; a target holding data is refused
unless forced; a failure midway leaves the target as it was."""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import pytest

from bot.storage import copy as copy_module
from bot.storage.copy import CopyError, copy_sqlite_to_postgres
from bot.storage.db import open_database
from bot.storage.sqlite import NOTICE_TABLES
from tests.pg_cluster import PgCluster
from tests.storage.copy_support import filled_sqlite

_names = itertools.count()


@pytest.fixture
async def source(tmp_path: Path) -> Path:
    """A SQLite file with rows in every table, written through the repositories."""
    return await filled_sqlite(tmp_path / "kansou.db")


@pytest.fixture
async def target(pg_cluster: PgCluster) -> AsyncIterator[str]:
    """A new PostgreSQL database with kansou's schema; its URL."""
    name = f"copy_{next(_names)}"
    url = pg_cluster.create_database(name)
    await (await open_database(url)).close()  # kansou's schema, as the bot makes it
    yield url
    pg_cluster.drop_database(name)


async def pg(url: str, sql: str, *args: Any) -> Any:
    """One statement on the PostgreSQL database; its first value."""
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


def source_counts(path: Path) -> dict[str, int]:
    """Rows per table of kansou's data (not SQLite's own tables, nor the notices between processes)."""
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        kept = [name for name in names if not name.startswith("sqlite_") and name not in NOTICE_TABLES]
        return {name: conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in kept}


async def target_counts(url: str, tables: list[str]) -> dict[str, int]:
    return {table: await pg(url, f"SELECT COUNT(*) FROM {table}") for table in tables}


async def test_every_table_arrives_with_its_rows_and_the_aggregates_verified(source: Path, target: str) -> None:
    lines: list[str] = []
    report = await copy_sqlite_to_postgres(source, target, progress=lines.append)
    expected = source_counts(source)
    assert all(expected.values()), f"the source must have rows in every table: {expected}"
    assert {t.name: t.rows for t in report.tables} == expected
    assert await target_counts(target, list(expected)) == expected
    derived = ("rating_aggregates", "rating_totals")
    assert report.verified == {table: expected[table] for table in derived} and report.rebuilt == {}
    assert any(line.strip().startswith(f"ratings: {expected['ratings']} rows") for line in lines)


async def test_new_ids_continue_after_the_copied_ones(source: Path, target: str) -> None:
    report = await copy_sqlite_to_postgres(source, target)
    highest = await pg(target, "SELECT MAX(id) FROM titles")
    assert report.sequences["public.titles_id_seq"] == highest + 1
    assert await pg(target, "INSERT INTO titles (name) VALUES ('New') RETURNING id") == highest + 1


async def test_a_target_holding_data_is_refused_unless_forced(source: Path, target: str) -> None:
    await copy_sqlite_to_postgres(source, target)
    await pg(target, "INSERT INTO bot_state (key, value) VALUES ('only_in_target', 'x')")
    with pytest.raises(CopyError, match=r"already holds data \(in .+\).* add --force"):
        await copy_sqlite_to_postgres(source, target)
    report = await copy_sqlite_to_postgres(source, target, force=True)
    assert "bot_state" in report.emptied and "ratings" in report.emptied
    assert await target_counts(target, list(source_counts(source))) == source_counts(source)
    assert await pg(target, "SELECT value FROM bot_state WHERE key = 'only_in_target'") is None


async def test_a_row_refused_midway_leaves_the_target_empty(source: Path, target: str) -> None:
    with sqlite3.connect(source) as conn:  # SQLite keeps a NUL character in text; PostgreSQL refuses it
        conn.execute(
            "UPDATE review_revisions SET text = ? WHERE id = (SELECT MAX(id) FROM review_revisions)", ("bad\x00text",)
        )
    with pytest.raises(CopyError, match="copying review_revisions failed after 0 rows"):
        await copy_sqlite_to_postgres(source, target)
    counts = await target_counts(target, list(source_counts(source)))
    assert set(counts.values()) == {0}, counts


async def test_a_forced_copy_that_fails_keeps_what_the_target_had(source: Path, target: str) -> None:
    await copy_sqlite_to_postgres(source, target)
    before = await target_counts(target, list(source_counts(source)))
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE reviews SET text = ? WHERE id = 1", ("bad\x00text",))
    with pytest.raises(CopyError, match="copying reviews failed"):
        await copy_sqlite_to_postgres(source, target, force=True)
    assert await target_counts(target, list(before)) == before


async def test_drifted_aggregates_of_the_source_arrive_rebuilt_from_the_ratings(source: Path, target: str) -> None:
    with sqlite3.connect(source) as conn:
        conn.execute(
            "UPDATE rating_aggregates SET total = total + 5 WHERE title_id = (SELECT MIN(title_id) FROM ratings)"
        )
        conn.execute("UPDATE rating_totals SET count = count + 1 WHERE guild_id = (SELECT MIN(guild_id) FROM ratings)")
    report = await copy_sqlite_to_postgres(source, target)
    assert report.rebuilt == {"rating_aggregates": 1, "rating_totals": 1}
    wrong = await pg(
        target,
        "SELECT COUNT(*) FROM rating_aggregates AS a WHERE total <> "
        "(SELECT SUM(score) FROM ratings AS r WHERE r.guild_id = a.guild_id AND r.title_id = a.title_id)",
    )
    assert wrong == 0
    assert await pg(target, "SELECT SUM(count) FROM rating_totals") == await pg(target, "SELECT COUNT(*) FROM ratings")


async def test_a_target_in_use_is_refused_after_the_lock_timeout(
    source: Path, target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(copy_module, "LOCK_TIMEOUT", "200ms")
    other = await asyncpg.connect(target)  # a kansou in the middle of a transaction on the titles
    try:
        async with other.transaction():
            await other.execute("LOCK TABLE titles IN ROW EXCLUSIVE MODE")
            with pytest.raises(CopyError, match="the target database is in use"):
                await copy_sqlite_to_postgres(source, target)
    finally:
        await other.close()
    assert (await copy_sqlite_to_postgres(source, target)).rows == sum(source_counts(source).values())


async def test_a_connection_lost_midway_is_reported_and_nothing_was_committed(
    source: Path, target: str, pg_cluster: PgCluster
) -> None:
    database = urlsplit(target).path.lstrip("/")

    def progress(line: str) -> None:
        if line.strip().startswith("ratings:") and " of " in line:  # after the first batch of ratings went in
            pg_cluster.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'")

    with pytest.raises(
        CopyError, match=r"copying ratings failed after 5 rows \(connection was closed.*\); nothing was committed"
    ):
        await copy_sqlite_to_postgres(source, target, progress=progress, batch_rows=5)
    counts = await target_counts(target, list(source_counts(source)))
    assert set(counts.values()) == {0}, counts


async def test_the_notices_between_processes_sharing_the_sqlite_file_are_left_out(source: Path, target: str) -> None:
    with sqlite3.connect(source) as conn:
        conn.execute("INSERT INTO notices (channel, payload) VALUES ('kansou_settings', '42')")
    report = await copy_sqlite_to_postgres(source, target, force=True)
    assert not NOTICE_TABLES & {t.name for t in report.tables} and report.skipped == []
    assert {t.name: t.rows for t in report.tables} == source_counts(source)


async def test_a_sqlite_search_index_is_left_out_and_a_table_the_target_lacks_is_refused(
    source: Path, target: str
) -> None:
    with sqlite3.connect(source) as conn:  # full-text search: a virtual table and its shadow tables
        conn.execute("CREATE VIRTUAL TABLE title_words USING fts5(name)")
        conn.execute("INSERT INTO title_words (name) VALUES ('Cowboy Bebop')")
    report = await copy_sqlite_to_postgres(source, target, force=True)
    assert report.skipped == ["title_words"]
    assert not any(t.name.startswith("title_words") for t in report.tables)
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    with pytest.raises(CopyError, match="the target has no table notes"):
        await copy_sqlite_to_postgres(source, target, force=True)


async def test_a_user_who_does_not_own_the_tables_is_told_to_copy_as_their_owner(source: Path, target: str) -> None:
    await pg(target, "CREATE ROLE visitor LOGIN")
    try:
        for statement in (
            "GRANT ALL ON ALL TABLES IN SCHEMA public TO visitor",
            "GRANT USAGE ON SCHEMA public TO visitor",
        ):
            await pg(target, statement)
        visitor = target.replace("postgresql://postgres@", "postgresql://visitor@")
        with pytest.raises(CopyError, match=r"must be owner of table .*: copy as the database user that owns"):
            await copy_sqlite_to_postgres(source, visitor)
    finally:
        await pg(target, "DROP OWNED BY visitor")
        await pg(target, "DROP ROLE visitor")
