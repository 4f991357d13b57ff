"""The PostgreSQL backend on a real server: placeholders, migrations, exact aggregates under writers in
several sessions, lost connections, an unreachable server, LISTEN/NOTIFY across databases."""

from __future__ import annotations

import asyncio
import logging
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from asyncpg import exceptions as pg
from asyncpg.pool import PoolConnectionProxy

from bot.catalog.models import CatalogEntry
from bot.errors import StorageUnavailable
from bot.scores.stats import Aggregate
from bot.storage import postgres
from bot.storage.db import MISSED, StorageError, latest_version, migrations, when_storage_waits
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.postgres import PostgresDatabase, translate
from bot.storage.ratings import RatingRepo
from bot.storage.titles import TitleRepo
from tests.pg_cluster import PgCluster

GUILD = 77


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A new, empty database on the session's cluster."""
    name = f"p_{uuid.uuid4().hex[:16]}"
    url = pg_cluster.create_database(name)
    yield url
    pg_cluster.drop_database(name)


@pytest.fixture
async def pgdb(pg_url: str) -> AsyncIterator[PostgresDatabase]:
    db = await PostgresDatabase.open(pg_url)
    yield db
    await db.close()


async def add_titles(db: PostgresDatabase, count: int) -> list[int]:
    rows = await db.fetchall(
        "INSERT INTO titles (name) SELECT 'Show ' || n FROM generate_series(1, ?) AS n RETURNING id", (count,)
    )
    return [int(row[0]) for row in rows]


async def backend_pid(db: PostgresDatabase, tx: Any) -> int:
    row = await tx.fetchone("SELECT pg_backend_pid()")
    return int(row[0])


def test_placeholders_become_numbered_and_literals_casts_and_comments_are_left_alone() -> None:
    assert translate("SELECT ? , ?") == ("SELECT $1 , $2", None)
    assert translate("SELECT ':x?' , x::int FROM t WHERE a = :a AND b = :b OR c = :a -- ?:z") == (
        "SELECT ':x?' , x::int FROM t WHERE a = $1 AND b = $2 OR c = $1 -- ?:z",
        ("a", "b"),
    )
    with pytest.raises(ValueError, match="mixes"):
        translate("SELECT ?, :a")


def test_both_backends_are_at_the_same_schema_version() -> None:
    assert latest_version("postgresql") == latest_version("sqlite")
    assert migrations("postgresql")[0][1] == "0008_schema.sql"


async def test_a_new_database_is_migrated_once_and_a_newer_one_is_refused(pg_url: str) -> None:
    first = await PostgresDatabase.open(pg_url)
    assert first.describe_schema() == f"new database, schema {latest_version('postgresql')}"
    assert {"ratings", "rating_aggregates", "reviews", "titles"} <= await first.table_names()
    await first.execute("UPDATE kansou_schema SET version = version + 1")
    await first.close()
    with pytest.raises(StorageError, match="newer than this kansou"):
        await PostgresDatabase.open(pg_url)


async def test_processes_starting_together_migrate_once(pg_url: str) -> None:
    opened = await asyncio.gather(*(PostgresDatabase.open(pg_url) for _ in range(4)))
    try:
        assert sorted(len(db.applied) for db in opened) == [0, 0, 0, len(migrations("postgresql"))]
    finally:
        for db in opened:
            await db.close()


async def test_aggregates_stay_exact_under_writers_in_four_sessions(pgdb: PostgresDatabase, pg_url: str) -> None:
    """Four pools (as four processes would have) rate, re-rate and unrate the same titles at once."""
    titles = await add_titles(pgdb, 3)
    others = [await PostgresDatabase.open(pg_url) for _ in range(3)]
    try:
        dbs = [pgdb, *others]

        async def member(user: int) -> None:
            repo = RatingRepo(dbs[user % 4])
            rng = random.Random(user)
            for _ in range(6):
                title = rng.choice(titles)
                if rng.random() < 0.25:
                    await repo.unrate(GUILD, title, user)
                else:
                    await repo.rate(GUILD, title, user, rng.randint(1, 10))

        await asyncio.gather(*(member(user) for user in range(60)))
        repo = RatingRepo(pgdb)
        assert await repo.recompute_drift() == []
        for title in titles:
            rows = await pgdb.fetchall("SELECT score FROM ratings WHERE guild_id = ? AND title_id = ?", (GUILD, title))
            assert await repo.aggregate(GUILD, title) == Aggregate.of([int(r[0]) for r in rows])
    finally:
        for db in others:
            await db.close()


async def test_rate_reports_the_aggregate_it_left(pgdb: PostgresDatabase) -> None:
    (title,) = await add_titles(pgdb, 1)
    repo = RatingRepo(pgdb)
    first = await repo.rate(GUILD, title, 1, 6)
    again = await repo.rate(GUILD, title, 1, 9)
    other = await repo.rate(GUILD, title, 2, 7)
    gone = await repo.unrate(GUILD, title, 1)
    assert (first.previous, first.aggregate) == (None, Aggregate.of([6]))
    assert (again.previous, again.aggregate) == (6, Aggregate.of([9]))
    assert other.aggregate == Aggregate.of([9, 7])
    assert (gone.previous, gone.aggregate) == (9, Aggregate.of([7]))
    assert (await repo.unrate(GUILD, title, 1)).previous is None


async def test_a_connection_lost_mid_transaction_rolls_back_and_says_so(pgdb: PostgresDatabase, pg_url: str) -> None:
    killer = await PostgresDatabase.open(pg_url, migrate=False)
    try:
        with pytest.raises(StorageUnavailable) as caught:
            async with pgdb.transaction() as tx:
                await tx.execute("INSERT INTO bot_state (key, value) VALUES ('a', '1')")
                await killer.fetchone("SELECT pg_terminate_backend(?)", (await backend_pid(pgdb, tx),))
                await tx.execute("INSERT INTO bot_state (key, value) VALUES ('b', '2')")
    finally:
        await killer.close()
    assert caught.value.reason == "unreachable" and "reach its storage" in str(caught.value)
    assert await pgdb.fetchall("SELECT key FROM bot_state") == []  # and the pool has a working connection again
    await pgdb.execute("INSERT INTO bot_state (key, value) VALUES ('c', '3')")


async def test_a_commit_whose_answer_is_lost_is_looked_up(
    pgdb: PostgresDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The COMMIT went through but its answer was lost: the transaction is found committed, no error."""
    original = PoolConnectionProxy.execute

    async def answer_lost(self: Any, query: str, *args: Any, **kwargs: Any) -> str:
        status = await original(self, query, *args, **kwargs)
        if query == "COMMIT":
            raise pg.ConnectionDoesNotExistError("connection was closed in the middle of operation")
        return status

    monkeypatch.setattr(PoolConnectionProxy, "execute", answer_lost)
    async with pgdb.transaction() as tx:
        await tx.execute("INSERT INTO bot_state (key, value) VALUES ('kept', '1')")
    monkeypatch.undo()
    assert [r[0] for r in await pgdb.fetchall("SELECT key FROM bot_state")] == ["kept"]


async def terminate_other_connections(pg_url: str) -> None:
    """What a server restart does to every idle pooled connection."""
    killer = await PostgresDatabase.open(pg_url, migrate=False)
    try:
        await killer.fetchall(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND application_name = 'kansou'"
        )
    finally:
        await killer.close()


async def test_a_read_that_loses_its_connection_is_tried_again(pgdb: PostgresDatabase, pg_url: str) -> None:
    await terminate_other_connections(pg_url)
    row = await pgdb.fetchone("SELECT COUNT(*) FROM titles")
    assert row is not None and row[0] == 0


async def test_writes_after_the_servers_connections_were_dropped_go_through(
    pgdb: PostgresDatabase, pg_url: str
) -> None:
    """Idle pooled connections the server dropped are replaced before anything is sent on them."""
    for key in ("a", "b"):
        await terminate_other_connections(pg_url)
        await asyncio.sleep(0.05)
        await pgdb.execute("INSERT INTO bot_state (key, value) VALUES (?, '1')", (key,))
    await terminate_other_connections(pg_url)
    async with pgdb.transaction() as tx:
        await tx.execute("INSERT INTO bot_state (key, value) VALUES ('c', '1')")
    assert [r[0] for r in await pgdb.fetchall("SELECT key FROM bot_state ORDER BY key")] == ["a", "b", "c"]


async def test_an_unreachable_server_is_a_clear_error_and_the_bot_keeps_trying(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"postgresql://postgres@/kansou?host={tmp_path}&port=5432"  # a socket directory with no server
    with pytest.raises(StorageUnavailable) as caught:
        await PostgresDatabase.open(url)
    assert caught.value.reason == "unreachable"
    caplog.set_level(logging.WARNING, logger="bot.storage.postgres")
    waiting = asyncio.create_task(PostgresDatabase.open_when_free(url))
    for _ in range(100):
        if any("cannot reach the PostgreSQL server" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.05)
    assert not waiting.done()
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    [line] = [r.getMessage() for r in caplog.records if "cannot reach" in r.getMessage()]
    assert "keeps trying" in line


async def test_an_unknown_database_is_refused_clearly(pg_cluster: PgCluster) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        await PostgresDatabase.open(pg_cluster.database_dsn("no_such_database"))


async def test_notifications_reach_other_databases_and_survive_a_lost_listener(
    pgdb: PostgresDatabase, pg_url: str
) -> None:
    other = await PostgresDatabase.open(pg_url, migrate=False)
    heard: asyncio.Queue[str] = asyncio.Queue()
    try:
        await other.listen("kansou_test", heard.put_nowait)
        await pgdb.notify("kansou_test", "settings 42")
        assert await asyncio.wait_for(heard.get(), 5) == "settings 42"
        async with pgdb.transaction() as tx:  # delivered on commit, not before
            await tx.execute("SELECT pg_notify('kansou_test', 'in a transaction')")
        assert await asyncio.wait_for(heard.get(), 5) == "in a transaction"
        await pgdb.fetchall(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' "
            "AND datname = current_database()"
        )
        assert await asyncio.wait_for(heard.get(), 10) == MISSED  # listening again, and told it may have missed some
        await pgdb.notify("kansou_test", "after")
        assert await asyncio.wait_for(heard.get(), 5) == "after"
    finally:
        await other.close()


@pytest.mark.parametrize("how", ["statement", "transaction"])
async def test_a_statement_held_up_by_another_process_lock_says_so_once_in_time_then_completes(
    pgdb: PostgresDatabase, pg_url: str, how: str
) -> None:
    """Like SQLite's busy file: the interaction is told early enough to defer within Discord's 3 s, once,
    and the write goes through when the lock is let go (well within lock_timeout)."""
    await pgdb.execute("INSERT INTO bot_state (key, value) VALUES ('k', '1')")
    other = await PostgresDatabase.open(pg_url, migrate=False)
    waits: list[float] = []

    async def on_wait() -> None:
        waits.append(time.perf_counter())

    async def write() -> None:
        when_storage_waits(on_wait)  # as the bot does for each interaction (this task's own context)
        await other.fetchall("SELECT value FROM bot_state WHERE key = 'k'")  # quick: nothing told
        assert waits == []
        if how == "statement":
            await other.execute("UPDATE bot_state SET value = '3' WHERE key = 'k'")
        else:
            async with other.transaction() as tx:
                await tx.execute("UPDATE bot_state SET value = '3' WHERE key = 'k'")

    try:
        async with pgdb.transaction() as holder:
            await holder.execute("UPDATE bot_state SET value = '2' WHERE key = 'k'")  # holds the row lock
            started = time.perf_counter()
            waiting = asyncio.create_task(write())
            await asyncio.sleep(1.5)
            assert not waiting.done()
            assert len(waits) == 1 and waits[0] - started < 1.0
        await asyncio.wait_for(waiting, 10)
    finally:
        await other.close()
    assert len(waits) == 1
    row = await pgdb.fetchone("SELECT value FROM bot_state WHERE key = 'k'")
    assert row is not None and row[0] == "3"


async def test_a_lock_held_too_long_is_busy_and_a_read_only_database_says_so(
    pgdb: PostgresDatabase, pg_url: str, pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(postgres.SERVER_SETTINGS, "lock_timeout", "200ms")
    await pgdb.execute("INSERT INTO bot_state (key, value) VALUES ('k', '1')")
    other = await PostgresDatabase.open(pg_url, migrate=False)
    try:
        async with pgdb.transaction() as tx:
            await tx.execute("UPDATE bot_state SET value = '2' WHERE key = 'k'")  # holds the row lock
            with pytest.raises(StorageUnavailable) as caught:
                await other.execute("UPDATE bot_state SET value = '3' WHERE key = 'k'")
        assert caught.value.reason == "busy"
    finally:
        await other.close()
    row = await pgdb.fetchone("SELECT current_database()")
    assert row is not None
    name = row[0]
    pg_cluster.sql(f"ALTER DATABASE {name} SET default_transaction_read_only = on")
    read_only = await PostgresDatabase.open(pg_url, migrate=False)
    try:
        with pytest.raises(StorageUnavailable) as refused:
            await read_only.execute("INSERT INTO bot_state (key, value) VALUES ('new', '1')")
        assert refused.value.reason == "read-only" and "read-only" in str(refused.value)
    finally:
        await read_only.close()


async def test_an_import_and_titles_created_in_another_process_meanwhile_both_keep_their_ids(
    pgdb: PostgresDatabase, pg_url: str
) -> None:
    other = await PostgresDatabase.open(pg_url, migrate=False)
    entries = [CatalogEntry(sources=(f"https://anilist.co/anime/{n}",), title=f"Imported {n}") for n in range(1, 3001)]
    try:
        importing = asyncio.create_task(TitleRepo(pgdb).import_entries(entries))
        created = await asyncio.gather(*(LocalTitleRepo(other).create(f"Local {n}", GUILD, at=0.0) for n in range(20)))
        report = await importing
    finally:
        await other.close()
    assert report.created == 3000
    row = await pgdb.fetchone("SELECT COUNT(*), COUNT(DISTINCT id) FROM titles")
    assert row is not None and tuple(row) == (3020, 3020)
    assert all(title.local for title in created)
