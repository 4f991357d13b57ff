"""The SQLite connection: WAL, foreign keys, busy timeout, numbered migrations, online backup."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.errors import StorageUnavailable

log = logging.getLogger(__name__)

# One attempt waits this long inside SQLite for another connection's lock; then kansou backs off and
# tries again (releasing its own lock meanwhile) for up to BUSY_RETRY_SECONDS in all. Short, because
# every other statement queues behind the one waiting inside SQLite, unaware that storage is busy.
BUSY_TIMEOUT_MS = 20
BUSY_RETRY_SECONDS = 10.0
# Writes between background WAL checkpoints (the bot turns SQLite's own off). A write is at least a
# few pages, so the log stays near SQLite's default of 1,000 pages between checkpoints.
CHECKPOINT_AFTER_WRITES = 200
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")
OnWait = Callable[[], Awaitable[None]]

# Set per interaction: called once when a statement must wait for a busy database (the bot defers
# the interaction, so a slow answer still arrives within Discord's deadline).
_on_wait: ContextVar[OnWait | None] = ContextVar("kansou_storage_on_wait", default=None)

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL = 5, 6, 8, 10, 13


class StorageError(Exception):
    """The database cannot be used as it is (its str() is fit for an operator)."""


def when_storage_waits(callback: OnWait) -> None:
    """Call `callback` (once per statement) whenever storage must wait in the current task."""
    _on_wait.set(callback)


def storage_problem(exc: sqlite3.Error) -> StorageUnavailable | None:
    """The typed, user-facing form of a pressure error (busy, full, read-only, I/O), else None."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(exc).lower()
    if primary in (_BUSY, _LOCKED) or "database is locked" in text:
        return StorageUnavailable("busy", str(exc))
    if primary == _FULL or "disk is full" in text:
        return StorageUnavailable("full", str(exc))
    if primary == _READONLY or "readonly database" in text:
        return StorageUnavailable("read-only", str(exc))
    if primary == _IOERR or "disk i/o error" in text:
        return StorageUnavailable("failing", str(exc))
    return None


def migrations() -> list[tuple[int, str, str]]:
    """Every migration shipped with kansou as (number, file name, SQL), in order."""
    found = []
    for entry in resources.files("bot.storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise StorageError(f"two migrations share a number: {numbers}")
    return found


def latest_version() -> int:
    known = migrations()
    return known[-1][0] if known else 0


async def tell_waiting() -> None:
    """Let the current interaction know that storage makes it wait (it defers)."""
    callback = _on_wait.get()
    if callback is not None:
        await callback()


class _Waiting:
    """Backoff for one statement waiting on a busy database: 50 ms doubling to 1 s, within a deadline."""

    def __init__(self, limit: float) -> None:
        loop = asyncio.get_running_loop()
        self._loop = loop
        self._deadline = loop.time() + limit
        self._delay = 0.05
        self._told = False

    async def backoff(self) -> bool:
        """Sleep before the next try; False once the deadline has passed."""
        left = self._deadline - self._loop.time()
        if left <= 0:
            return False
        if not self._told:
            self._told = True
            await tell_waiting()
        await asyncio.sleep(min(self._delay, left))
        self._delay = min(self._delay * 2, 1.0)
        return True


class Database:
    """One aiosqlite connection; every statement runs under one lock, so transactions never interleave."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        # What the last migrate() found and did, for the start-up line ("storage ready").
        self.schema_before: int | None = None
        self.applied: list[str] = []
        self._closed = False
        self._checkpointer: aiosqlite.Connection | None = None
        self._checkpoint_task: asyncio.Task[None] | None = None
        self._checkpoint_after = 0
        self._writes = 0
        self._checkpoint_failing = False
        self.checkpoints = 0
        self.busy_retry_seconds = BUSY_RETRY_SECONDS
        # Statements now backing off from a busy database: while there are any, every other statement
        # will queue behind them, so its interaction is told to defer at once.
        self._waiting = 0

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        """Open (creating if needed) and, unless told otherwise, migrate the database at `path`."""
        path = Path(path)
        if str(path) != ":memory:" and not path.parent.exists():
            raise StorageError(f"the directory for the database does not exist: {path.parent}")
        try:
            conn = await aiosqlite.connect(path, isolation_level=None)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the database {path}: {exc}") from exc
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            for pragma in (
                f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
                "PRAGMA journal_mode = WAL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA synchronous = NORMAL",
            ):
                # Drain each cursor: a pragma's pending result row would block the next COMMIT.
                async with conn.execute(pragma) as cursor:
                    await cursor.fetchall()
            if migrate:
                await db.migrate()
        except sqlite3.DatabaseError as exc:
            await conn.close()
            problem = storage_problem(exc)  # locked, full, read-only: not corruption, and said so
            if problem is not None:
                raise problem from exc
            raise StorageError(f"{path} is not a usable SQLite database: {exc}") from exc
        except BaseException:
            await conn.close()
            raise
        return db

    @classmethod
    async def open_when_free(cls, path: str | Path, *, max_delay: float = 30.0) -> Database:
        """Open, migrate and check that the database takes writes; while another program holds it
        locked, say so once and keep trying (backing off to `max_delay`). Other problems raise."""
        delay, told = 1.0, False
        while True:
            db: Database | None = None
            try:
                db = await cls.open(path)
                db.busy_retry_seconds = 1.0
                async with db.transaction():  # SQLite's write lock, taken and given back at once
                    pass
                db.busy_retry_seconds = BUSY_RETRY_SECONDS
                if told:
                    log.info("the database %s is free again", path)
                return db
            except StorageUnavailable as exc:
                if db is not None:
                    await db.close()
                if exc.reason != "busy":
                    raise
                if not told:
                    log.warning(
                        "the database %s is locked by another program (%s); kansou waits for it and "
                        "does not touch Discord's commands until it is free",
                        path,
                        exc.detail,
                    )
                    told = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, max_delay)

    def describe_schema(self) -> str:
        """What the last migrate() did, e.g. `new database, schema 5` or `upgraded from schema 3 to 5`."""
        if self.schema_before is None:
            return "not migrated"
        after = int(self.applied[-1][:4]) if self.applied else self.schema_before
        if not self.applied:
            return f"schema {after}"
        if self.schema_before == 0:
            return f"new database, schema {after}"
        return f"upgraded from schema {self.schema_before} to {after}"

    async def start_checkpoints(self, after_writes: int = CHECKPOINT_AFTER_WRITES) -> None:
        """Move WAL checkpoints off the write path. SQLite's automatic checkpoint runs inside whichever
        commit crosses 1,000 pages and stalls it; it is turned off, and every `after_writes` writes a
        PASSIVE checkpoint runs in the background on a second connection, so no write waits for one."""
        if self._checkpointer is not None:
            return
        self._checkpointer = await aiosqlite.connect(self.path, isolation_level=None)
        await self._checkpointer.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        async with self._lock:
            await self._conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpoint_after = after_writes

    def _wrote(self) -> None:
        """Count a write; start a background checkpoint when enough have piled up and none is running."""
        if self._checkpointer is None:
            return
        self._writes += 1
        running = self._checkpoint_task is not None and not self._checkpoint_task.done()
        if self._writes >= self._checkpoint_after and not running:
            self._writes = 0
            self._checkpoint_task = asyncio.create_task(self._background_checkpoint(), name="kansou-wal-checkpoint")

    async def _background_checkpoint(self) -> None:
        try:
            await self.checkpoint()
        except sqlite3.Error as exc:
            if not self._checkpoint_failing:  # one line per outage, not one per attempt
                log.warning("background WAL checkpoint failed (will try again): %s", exc)
            self._checkpoint_failing = True
        else:
            self._checkpoint_failing = False

    async def checkpoint(self) -> tuple[int, int]:
        """One PASSIVE checkpoint on the checkpoint connection: (pages in the WAL, pages checkpointed)."""
        if self._checkpointer is None:
            raise StorageError("background checkpoints were not started")
        rows = list(await self._checkpointer.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)"))
        self.checkpoints += 1
        _, in_log, done = rows[0]
        return int(in_log), int(done)

    async def _stop_checkpoints(self) -> None:
        if self._checkpoint_task is not None:
            with contextlib.suppress(asyncio.CancelledError, sqlite3.Error):
                await self._checkpoint_task  # short; closing its connection under it would fail it
        if self._checkpointer is not None:
            await self._checkpointer.close()
            self._checkpointer = None

    async def close(self) -> None:
        """Checkpoint the write-ahead log into the database file and close; closing twice is harmless."""
        await self._stop_checkpoints()
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            with contextlib.suppress(sqlite3.Error):
                await self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            await self._conn.close()

    async def schema_version(self) -> int:
        row = await self.fetchone("PRAGMA user_version")
        return int(row[0]) if row else 0

    async def migrate(self) -> list[str]:
        """Apply every migration newer than the database; refuse a database from a newer kansou."""
        current = await self.schema_version()
        known = migrations()
        latest = known[-1][0] if known else 0
        if current > latest:
            raise StorageError(
                f"the database is at schema version {current}, newer than this kansou knows "
                f"({latest}); upgrade kansou or use a backup made by this version"
            )
        self.schema_before = current
        # Creating a new database is routine; upgrading an existing one is news for the operator.
        level = logging.INFO if current > 0 else logging.DEBUG
        applied: list[str] = []
        self.applied = applied
        for number, name, sql in known:
            if number <= current:
                continue
            async with self._lock:
                # executescript commits on its own; the version bump sits inside the script's
                # transaction so a failed migration leaves the previous version in place.
                script = f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;"
                try:
                    await self._conn.executescript(script)
                except sqlite3.Error as exc:
                    if self._conn.in_transaction:
                        await self._conn.execute("ROLLBACK")
                    problem = storage_problem(exc)
                    if problem is not None:
                        raise problem from exc
                    raise StorageError(f"migration {name} failed: {exc}") from exc
            log.log(level, "applied migration %s", name)
            applied.append(name)
        return applied

    # execute_fetchall is one trip to aiosqlite's thread instead of three (execute, fetch, close).
    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        changes = self._conn.total_changes

        async def attempt() -> list[sqlite3.Row]:
            async with self._lock:
                return list(await self._conn.execute_fetchall(sql, params))

        rows = await self._retrying(attempt)
        if self._conn.total_changes != changes:  # a write with RETURNING (an upsert)
            self._wrote()
        return rows

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement in its own transaction; returns the number of rows changed."""

        async def attempt() -> int:
            async with self._lock, self._conn.execute(sql, params) as cursor:
                return cursor.rowcount

        changed = await self._retrying(attempt)
        self._wrote()
        return changed

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt`; while the database is busy, back off and retry (bounded); type pressure errors."""
        if self._waiting:
            await tell_waiting()
        waited: _Waiting | None = None
        try:
            while True:
                try:
                    return await attempt()
                except sqlite3.Error as exc:
                    problem = storage_problem(exc)
                    if problem is None:
                        raise
                    if problem.reason != "busy":
                        raise problem from exc
                    if waited is None:
                        waited = _Waiting(self.busy_retry_seconds)
                        self._waiting += 1
                    if not await waited.backoff():
                        raise problem from exc
        finally:
            if waited is not None:
                self._waiting -= 1

    async def _begin(self) -> None:
        """Take our lock and SQLite's write lock (BEGIN IMMEDIATE), retrying while another process holds it."""

        async def attempt() -> None:
            await self._lock.acquire()
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
            except BaseException:
                self._lock.release()
                raise

        await self._retrying(attempt)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as conn:
            await conn.executemany(sql, rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error; yields the raw connection.

        A busy database is waited for (bounded); a full, read-only or failing one raises StorageUnavailable.
        """
        await self._begin()
        try:
            try:
                yield self._conn
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        await self._conn.execute("ROLLBACK")
                problem = storage_problem(exc) if isinstance(exc, sqlite3.Error) else None
                if problem is not None:
                    raise problem from exc
                raise
        finally:
            self._lock.release()
        self._wrote()

    async def backup(self, destination: str | Path) -> Path:
        """A consistent copy of the live database at `destination` (SQLite's online backup API)."""
        destination = Path(destination)
        if destination.exists():
            raise StorageError(f"{destination} already exists; choose a new file for the backup")
        if not destination.parent.exists():
            raise StorageError(f"the directory for the backup does not exist: {destination.parent}")
        target = await aiosqlite.connect(destination)
        try:
            async with self._lock:
                await self._conn.backup(target)
        finally:
            await target.close()
        return destination
