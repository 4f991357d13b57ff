"""The SQLite backend: one aiosqlite connection, WAL, foreign keys, busy backoff, numbered migrations,
background WAL checkpoints, online backup, and notifications between the processes sharing the file."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

import aiosqlite

from bot.errors import StorageUnavailable
from bot.storage.db import (
    MISSED,
    SQLITE,
    CheckViolation,
    ConstraintViolation,
    Database,
    Dialect,
    ForeignKeyViolation,
    Listener,
    Listeners,
    NotNullViolation,
    Params,
    Row,
    StorageError,
    Tx,
    UniqueViolation,
    migrations,
    newer_schema,
    tell_waiting,
)

log = logging.getLogger(__name__)

# One attempt waits this long inside SQLite for another connection's lock; then kansou backs off and
# tries again (releasing its own lock meanwhile) for up to BUSY_RETRY_SECONDS in all. Short, because
# every other statement queues behind the one waiting inside SQLite, unaware that storage is busy.
BUSY_TIMEOUT_MS = 20
BUSY_RETRY_SECONDS = 10.0
# Writes between background WAL checkpoints (the bot turns SQLite's own off). A write is at least a
# few pages, so the log stays near SQLite's default of 1,000 pages between checkpoints.
CHECKPOINT_AFTER_WRITES = 200
# How often a listening process looks for notices other processes committed (one PRAGMA when none did),
# and how long notices are kept for pollers that fell behind (a poller further behind is told MISSED).
NOTICE_POLL_SECONDS = 1.0
NOTICE_KEEP_SECONDS = 60.0
# Where they are kept: transient, and SQLite's alone (`db copy` leaves them out).
NOTICE_TABLES = frozenset({"notices", "notices_pruned"})

T = TypeVar("T")

# SQLite's primary result codes (the low byte of an extended code).
_BUSY, _LOCKED, _READONLY, _IOERR, _FULL = 5, 6, 8, 10, 13
_CONSTRAINTS: dict[str, type[ConstraintViolation]] = {
    "SQLITE_CONSTRAINT_FOREIGNKEY": ForeignKeyViolation,
    "SQLITE_CONSTRAINT_UNIQUE": UniqueViolation,
    "SQLITE_CONSTRAINT_PRIMARYKEY": UniqueViolation,
    "SQLITE_CONSTRAINT_CHECK": CheckViolation,
    "SQLITE_CONSTRAINT_NOTNULL": NotNullViolation,
}


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


def typed(exc: BaseException) -> BaseException:
    """The storage-neutral form of a SQLite error (pressure, constraint); anything else as it is."""
    if not isinstance(exc, sqlite3.Error):
        return exc
    if isinstance(exc, sqlite3.IntegrityError):
        kind = _CONSTRAINTS.get(getattr(exc, "sqlite_errorname", ""), ConstraintViolation)
        return kind(str(exc))
    return storage_problem(exc) or exc


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


# The poller's one read: the highest id pruned, and every notice after the last one seen (a single
# statement, so both come from one snapshot; without new notices, one row of NULLs after `through`).
_NEW_NOTICES = (
    "SELECT p.through, n.id, n.channel, n.payload FROM notices_pruned AS p "
    "LEFT JOIN notices AS n ON n.id > ? ORDER BY n.id"
)
_LAST_NOTICE = "SELECT MAX(through, COALESCE((SELECT MAX(id) FROM notices), 0)) FROM notices_pruned"


class SQLiteTx(Tx):
    """Statements inside one BEGIN IMMEDIATE … COMMIT on the database's connection."""

    dialect: ClassVar[Dialect] = SQLITE

    def __init__(self, conn: aiosqlite.Connection, *, keep_seconds: float = NOTICE_KEEP_SECONDS) -> None:
        self._conn = conn
        self._keep_seconds = keep_seconds
        self.notified = False  # once committed, this process's own poller looks at once

    async def execute(self, sql: str, params: Params = ()) -> int:
        try:
            async with self._conn.execute(sql, params) as cursor:
                return cursor.rowcount
        except sqlite3.Error as exc:
            raise typed(exc) from exc

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        try:
            return list(await self._conn.execute_fetchall(sql, params))
        except sqlite3.Error as exc:
            raise typed(exc) from exc

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        try:
            await self._conn.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise typed(exc) from exc

    async def notify(self, channel: str, payload: str = "") -> None:
        channel = Listeners.check_channel(channel)
        if not self.notified:
            await self._prune_notices()
        await self.execute("INSERT INTO notices (channel, payload) VALUES (?, ?)", (channel, payload))
        self.notified = True

    async def _prune_notices(self) -> None:
        """Drop the notices older than the keeping time, and note the highest id dropped (for gap detection)."""
        row = await self.fetchone(
            "SELECT MAX(id) FROM notices WHERE created_at <= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?)",
            (f"-{self._keep_seconds:.3f} seconds",),
        )
        if row is None or row[0] is None:
            return
        await self.execute("DELETE FROM notices WHERE id <= ?", (row[0],))
        await self.execute("UPDATE notices_pruned SET through = MAX(through, ?)", (row[0],))


class SQLiteDatabase(Database):
    """One aiosqlite connection; every statement runs under one lock, so transactions never interleave."""

    dialect: ClassVar[Dialect] = SQLITE

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        super().__init__(str(path), path)
        self._conn = conn
        self.path: Path = path
        self._lock = asyncio.Lock()
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
        self._listeners = Listeners()
        # Notices: the last one looked at, the file's data_version at that look, and the poller (started
        # by the first listen(); woken at once by this process's own notices).
        self.notice_poll_seconds = NOTICE_POLL_SECONDS
        self.notice_keep_seconds = NOTICE_KEEP_SECONDS
        self._notices_seen = 0
        self._data_version: int | None = None
        self._notice_task: asyncio.Task[None] | None = None
        self._notice_wake = asyncio.Event()
        self._notice_start = asyncio.Lock()
        self._notice_look = asyncio.Lock()
        self._notices_failing = False

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> SQLiteDatabase:
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
    async def open_when_free(cls, path: str | Path, *, max_delay: float = 30.0) -> SQLiteDatabase:
        """Open, migrate and check that the database takes writes; while another program holds it
        locked, say so once and keep trying (backing off to `max_delay`). Other problems raise."""
        delay, told = 1.0, False
        while True:
            db: SQLiteDatabase | None = None
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
        """Stop the notice poller, checkpoint the write-ahead log into the database file and close; closing
        twice is harmless."""
        await self._stop_notices()
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
        known = migrations(SQLITE)
        latest = known[-1][0] if known else 0
        if current > latest:
            raise newer_schema(current, latest)
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

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        changes = self._conn.total_changes

        # execute_fetchall is one trip to aiosqlite's thread instead of three (execute, fetch, close).
        async def attempt() -> list[Row]:
            async with self._lock:
                return list(await self._conn.execute_fetchall(sql, params))

        rows = await self._retrying(attempt)
        if self._conn.total_changes != changes:  # a write with RETURNING (an upsert)
            self._wrote()
        return rows

    async def fetch_tuples(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Every row of one read as a plain tuple: sqlite3 builds no Row objects (bulk reads)."""

        async def attempt() -> list[tuple[Any, ...]]:
            async with self._lock, self._conn.execute(sql, params) as cursor:
                cursor.row_factory = None
                return cast(list[tuple[Any, ...]], list(await cursor.fetchall()))

        return await self._retrying(attempt)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement in its own transaction; returns the number of rows changed."""

        async def attempt() -> int:
            async with self._lock, self._conn.execute(sql, params) as cursor:
                return cursor.rowcount

        changed = await self._retrying(attempt)
        self._wrote()
        return changed

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run `attempt`; while the database is busy, back off and retry (bounded); type the errors."""
        if self._waiting:
            await tell_waiting()
        waited: _Waiting | None = None
        try:
            while True:
                try:
                    return await attempt()
                except sqlite3.Error as exc:
                    problem = typed(exc)
                    if not isinstance(problem, StorageUnavailable) or problem.reason != "busy":
                        if problem is exc:
                            raise
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

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        A busy database is waited for (bounded); a full, read-only or failing one raises StorageUnavailable.
        """
        await self._begin()
        tx = SQLiteTx(self._conn, keep_seconds=self.notice_keep_seconds)
        try:
            try:
                yield tx
                await self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        await self._conn.execute("ROLLBACK")
                problem = typed(exc)
                if problem is not exc:
                    raise problem from exc
                raise
        finally:
            self._lock.release()
        self._wrote()
        if tx.notified:
            # This process's own listeners hear them from the table too, in the order of the commits as
            # every other process does, and at once: this connection's commits leave data_version alone.
            self._notice_wake.set()

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

    async def integrity(self) -> str:
        row = await self.fetchone("PRAGMA quick_check")
        return str(row[0]) if row else "no answer"

    async def table_names(self) -> set[str]:
        return {row[0] for row in await self.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}

    # -- notifications: a table every process sharing the file polls ---------------------------------

    async def listen(self, channel: str, callback: Listener) -> None:
        self._listeners.add(channel, callback)
        async with self._notice_start:
            if self._notice_task is None and not self._closed:
                # From now on: notices committed before this point are not this listener's business.
                self._data_version = await self._read_data_version()
                row = await self.fetchone(_LAST_NOTICE)
                self._notices_seen = int(row[0]) if row is not None and row[0] is not None else 0
                # A context of its own: the poller must not defer whichever interaction happened to listen.
                self._notice_task = asyncio.get_running_loop().create_task(
                    self._poll_notices(), name="kansou-sqlite-notices", context=contextvars.Context()
                )

    async def unlisten(self, channel: str, callback: Listener) -> None:
        self._listeners.remove(channel, callback)

    async def notify(self, channel: str, payload: str = "") -> None:
        async with self.transaction() as tx:
            await tx.notify(channel, payload)

    async def deliver_notices(self) -> int:
        """Hand this process's listeners the notices committed since the last look, in order (MISSED first
        when some were pruned unseen); how many. The poller calls it when the file changed; it may be
        called any time."""
        async with self._notice_look:
            rows = await self.fetchall(_NEW_NOTICES, (self._notices_seen,))
            if not rows:
                return 0
            through = int(rows[0][0])
            if through > self._notices_seen:
                log.warning("notices were pruned before this process read them; listeners are told to catch up")
                for channel in list(self._listeners.by_channel):
                    self._listeners.deliver(channel, MISSED)
            delivered = 0
            for _, notice_id, channel, payload in rows:
                if notice_id is None:
                    continue
                self._notices_seen = int(notice_id)
                self._listeners.deliver(channel, payload)
                delivered += 1
            self._notices_seen = max(self._notices_seen, through)
            return delivered

    async def _read_data_version(self) -> int:
        # Changes whenever another connection (another process) committed to the file; this one's own
        # commits leave it alone.
        row = await self.fetchone("PRAGMA data_version")
        return int(row[0]) if row is not None else 0

    async def _poll_notices(self) -> None:
        """Every notice_poll_seconds, read the new notices if another connection committed meanwhile; at
        once after this one committed some."""
        due = False  # this process committed notices, and they were not read yet
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._notice_wake.wait(), self.notice_poll_seconds)
            due = due or self._notice_wake.is_set()
            self._notice_wake.clear()
            try:
                version = await self._read_data_version()
                if due or version != self._data_version:
                    await self.deliver_notices()
                    self._data_version = version
                    due = False
            except (sqlite3.Error, StorageUnavailable) as exc:
                if not self._notices_failing:  # one line per outage, not one per second
                    log.warning("could not read the notices of other processes (will try again): %s", exc)
                self._notices_failing = True
            else:
                if self._notices_failing:
                    log.info("reading the notices of other processes again")
                self._notices_failing = False

    async def _stop_notices(self) -> None:
        task, self._notice_task = self._notice_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
