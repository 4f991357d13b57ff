"""Notifications between processes sharing one store: two Database objects on one database are what two
processes have (SQLite: the notices table and each one's poller; PostgreSQL: LISTEN/NOTIFY)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from bot.storage.db import MISSED, Database, open_database
from bot.storage.sqlite import SQLiteDatabase
from tests.conftest import quick_notices

CHANNEL = "kansou_test"


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """A second process's view of the test's database."""
    database = await open_database(db.target, files=db.path)
    quick_notices(db, database)
    yield database
    await database.close()


async def heard_until(heard: list[Any], count: int, within: float = 10.0) -> list[Any]:
    """`heard` once it holds `count` items (bounded)."""
    for _ in range(int(within / 0.01)):
        if len(heard) >= count:
            break
        await asyncio.sleep(0.01)
    assert len(heard) >= count, heard
    return heard


def recorder(heard: list[Any], tag: str | None = None) -> Callable[[str], None]:
    return lambda payload: heard.append(payload if tag is None else (tag, payload))


async def test_another_process_hears_every_notice_in_the_order_committed(db: Database, other: Database) -> None:
    there: list[str] = []
    here: list[str] = []
    await other.listen(CHANNEL, recorder(there))
    await db.listen(CHANNEL, recorder(here))
    for payload in ("1", "2", "3"):
        await db.notify(CHANNEL, payload)
    await other.notify(CHANNEL, "4")
    assert await heard_until(there, 4) == ["1", "2", "3", "4"]
    assert await heard_until(here, 4) == ["1", "2", "3", "4"]


async def test_a_notice_in_a_transaction_comes_with_its_change_and_never_after_a_rollback(
    db: Database, other: Database
) -> None:
    there: list[tuple[str, str | None]] = []

    async def read_on_notice(payload: str) -> None:
        row = await other.fetchone("SELECT value FROM bot_state WHERE key = ?", (payload,))
        there.append((payload, row[0] if row is not None else None))

    tasks: list[asyncio.Task[None]] = []
    await other.listen(CHANNEL, lambda payload: tasks.append(asyncio.create_task(read_on_notice(payload))))
    here: list[str] = []
    await db.listen(CHANNEL, recorder(here))
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO bot_state (key, value) VALUES ('kept', 'stored')")
        await tx.notify(CHANNEL, "kept")
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO bot_state (key, value) VALUES ('dropped', 'stored')")
            await tx.notify(CHANNEL, "dropped")
            raise RuntimeError("the change fails")
    await db.notify(CHANNEL, "after")
    assert await heard_until(here, 2) == ["kept", "after"]
    await heard_until(tasks, 2)
    await asyncio.gather(*tasks)
    assert there == [("kept", "stored"), ("after", None)]


@pytest.mark.sqlite_only
async def test_own_notices_are_heard_at_once_and_not_again_from_the_table(tmp_path: Any) -> None:
    db = await SQLiteDatabase.open(tmp_path / "kansou.db")
    try:
        db.notice_poll_seconds = 3600  # the poller never looks during the test
        here: list[str] = []
        await db.listen(CHANNEL, recorder(here))
        await db.notify(CHANNEL, "mine")
        assert await heard_until(here, 1) == ["mine"]
        assert await db.deliver_notices() == 0
        assert here == ["mine"]
    finally:
        await db.close()


@pytest.mark.sqlite_only
async def test_a_process_that_fell_behind_the_pruning_is_told_it_missed_notices(db: Database, other: Database) -> None:
    assert isinstance(db, SQLiteDatabase) and isinstance(other, SQLiteDatabase)
    other.notice_poll_seconds = 3600  # it looks only when the test says so
    heard: list[tuple[str, str]] = []
    await other.listen(CHANNEL, recorder(heard, "test"))
    await other.listen("kansou_else", recorder(heard, "else"))
    db.notice_keep_seconds = 0  # each notice prunes every one before it
    for payload in ("one", "two", "three"):
        await db.notify(CHANNEL, payload)
    assert await other.deliver_notices() == 1
    assert heard == [("test", MISSED), ("else", MISSED), ("test", "three")]
    db.notice_keep_seconds = 60
    await db.notify(CHANNEL, "four")
    assert await other.deliver_notices() == 1
    assert heard[3:] == [("test", "four")]
    rows = await db.fetchall("SELECT payload FROM notices ORDER BY id")
    assert [row[0] for row in rows] == ["three", "four"]


@pytest.mark.sqlite_only
async def test_the_poller_reads_notices_only_after_another_process_committed(
    db: Database, other: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(other, SQLiteDatabase)
    statements: list[str] = []
    fetchall = other.fetchall

    async def counting(sql: str, params: Any = ()) -> Any:
        statements.append(sql)
        return await fetchall(sql, params)

    monkeypatch.setattr(other, "fetchall", counting)
    await other.listen(CHANNEL, lambda payload: None)
    versions = lambda: statements.count("PRAGMA data_version")  # noqa: E731
    for _ in range(1000):
        if versions() >= 6:
            break
        await asyncio.sleep(0.01)
    assert versions() >= 6 and not any("FROM notices_pruned AS p" in sql for sql in statements), statements
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'v')")  # a commit, but no notice
    for _ in range(1000):
        if any("FROM notices_pruned AS p" in sql for sql in statements):
            break
        await asyncio.sleep(0.01)
    assert any("FROM notices_pruned AS p" in sql for sql in statements)


@pytest.mark.sqlite_only
async def test_closing_stops_the_poller(db: Database, other: Database) -> None:
    heard: list[str] = []
    await other.listen(CHANNEL, recorder(heard))
    pollers = lambda: [t for t in asyncio.all_tasks() if t.get_name() == "kansou-sqlite-notices"]  # noqa: E731
    assert len(pollers()) == 1
    await other.close()
    assert pollers() == []
    await db.notify(CHANNEL, "after close")
    await other.close()  # twice is harmless
    assert heard == []
