"""The PostgreSQL backend: an asyncpg pool shared by every repository, several processes on one server.

Repositories' `?` and `:name` placeholders become `$1…` (translated once per SQL text). A transaction
is BEGIN … COMMIT on one pooled connection. Losing the server is StorageUnavailable: "unreachable"
when nothing was written, or when a transaction's fate is known; a write whose COMMIT (or autocommit
statement) lost its connection is looked up by transaction id and reported as it ended, and only when
that cannot be known is it "uncertain". Reads that lose their connection are tried once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import asyncpg
from asyncpg import exceptions as pg

from bot.config import without_password
from bot.errors import StorageUnavailable
from bot.storage.db import (
    MISSED,
    POSTGRESQL,
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
    told_waiting_after,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    Pooled = PoolConnectionProxy[asyncpg.Record]

POOL_SIZE = 10
CONNECT_TIMEOUT = 5.0  # seconds for one connection attempt
ACQUIRE_TIMEOUT = 10.0  # seconds waiting for a free pooled connection: then "busy"
# A statement still running after this long is held up (a row lock another process holds, a loaded
# server): the interaction defers, as it does at once for SQLite's busy file, and Discord's 3 s
# deadline is kept while the statement waits up to lock_timeout.
SLOW_STATEMENT_SECONDS = 0.5
RECONNECT_DELAYS = (0.1, 0.2, 0.4, 0.8)  # a server that does not answer: tried again after these pauses
# A statement waits this long for a row (or advisory) lock another transaction holds, then is "busy", as
# SQLite's busy wait is bounded. A transaction left idle this long (its process stopped, say) is ended by
# the server, so the locks it holds do not stall every other process.
SERVER_SETTINGS = {"application_name": "kansou", "lock_timeout": "10s", "idle_in_transaction_session_timeout": "60s"}
# Every process migrating at once (several shards starting together) takes turns on this lock.
_MIGRATION_LOCK = 0x6B616E736F75  # "kansou"

_TOKEN = re.compile(
    r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|/\*.*?\*/|\$\$.*?\$\$|::|\?|:[A-Za-z_][A-Za-z0-9_]*""", re.S
)
_CONSTRAINTS: tuple[tuple[type[Exception], type[ConstraintViolation]], ...] = (
    (pg.ForeignKeyViolationError, ForeignKeyViolation),
    (pg.UniqueViolationError, UniqueViolation),
    (pg.CheckViolationError, CheckViolation),
    (pg.NotNullViolationError, NotNullViolation),
    (pg.IntegrityConstraintViolationError, ConstraintViolation),
    (pg.DataError, CheckViolation),  # a value the column's type cannot hold (7.5 for an integer score)
)
_BUSY = (
    pg.TooManyConnectionsError,
    pg.DeadlockDetectedError,
    pg.SerializationError,
    pg.LockNotAvailableError,
    pg.QueryCanceledError,
)


@functools.lru_cache(maxsize=2048)
def translate(sql: str) -> tuple[str, tuple[str, ...] | None]:
    """`sql` with `?` or `:name` placeholders as `$n`; for named ones, the names in `$n` order.

    String literals, quoted names, comments, dollar-quoted bodies and `::` casts are left alone.
    """
    names: list[str] = []
    positional = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal positional
        token = match.group(0)
        if token == "?":
            positional += 1
            return f"${positional}"
        if token.startswith(":") and token != "::":
            name = token[1:]
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        return token

    translated = _TOKEN.sub(replace, sql)
    if positional and names:
        raise ValueError(f"SQL mixes ? and :name placeholders: {sql}")
    return translated, (tuple(names) if names else None)


def bind(sql: str, params: Params) -> tuple[str, Sequence[Any]]:
    """The translated query and its arguments in `$n` order."""
    query, names = translate(sql)
    return query, _arguments(sql, names, params)


def _arguments(sql: str, names: tuple[str, ...] | None, params: Params) -> Sequence[Any]:
    if names is None:
        if isinstance(params, Mapping):
            if params:
                raise TypeError(f"positional placeholders need a sequence of parameters: {sql}")
            return ()
        return tuple(params)
    if not isinstance(params, Mapping):
        raise TypeError(f"named placeholders need a mapping of parameters: {sql}")
    return tuple(params[name] for name in names)


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag such as `UPDATE 3` or `INSERT 0 1`."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


# SQL comments: a migration may hold nothing else (one that only keeps the numbers aligned with SQLite's).
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
# Functions that write though called from a SELECT (kansou_rate, pg_notify, setval, …).
_WRITING = re.compile(r"\bkansou_(?!now)|\bpg_notify\b|\b(?:next|set)val\b|\bFOR\s+UPDATE\b", re.I)


def _is_read(sql: str) -> bool:
    """A statement that changes nothing (safe to run again after a lost connection)."""
    return sql.lstrip()[:6].upper() == "SELECT" and not _WRITING.search(sql)


def _never_sent(exc: BaseException) -> bool:
    """asyncpg refused to send: the connection was known closed, or was still busy with the server's farewell
    (its protocol state refused the new operation), before the statement left."""
    if isinstance(exc, pg.InternalClientError):
        return "another operation" in str(exc)
    return isinstance(exc, pg.InterfaceError) and "connection is closed" in str(exc)


def lost_connection(exc: BaseException) -> bool:
    """Whether `exc` means the server went away (or never answered), rather than refusing the statement."""
    if isinstance(exc, pg.InterfaceError):
        return "closed" in str(exc) or "connection" in str(exc).lower()
    return isinstance(
        exc,
        OSError
        | TimeoutError
        | pg.PostgresConnectionError
        | pg.AdminShutdownError
        | pg.CrashShutdownError
        | pg.CannotConnectNowError,
    )


def typed(exc: BaseException) -> BaseException:
    """The storage-neutral form of an asyncpg error (lost server, pressure, constraint); others as they are."""
    if lost_connection(exc):
        return StorageUnavailable("unreachable", str(exc) or type(exc).__name__)
    for kind, ours in _CONSTRAINTS:
        if isinstance(exc, kind):
            return ours(str(exc))
    if isinstance(exc, _BUSY):
        return StorageUnavailable("busy", str(exc))
    if isinstance(exc, pg.InsufficientResourcesError):
        return StorageUnavailable("full", str(exc))
    if isinstance(exc, pg.ReadOnlySQLTransactionError):
        return StorageUnavailable("read-only", str(exc))
    if isinstance(exc, pg.InternalServerError):
        return StorageUnavailable("failing", str(exc))
    return exc


def _raise_typed(exc: BaseException, conn: Pooled | None = None) -> None:
    """Raise the typed form of `exc` if it has one; an error on a connection that is closed meanwhile
    (whatever asyncpg calls it) is a lost server."""
    problem = typed(exc)
    if problem is exc and conn is not None and _closed(conn):
        problem = StorageUnavailable("unreachable", str(exc) or type(exc).__name__)
    if problem is not exc:
        raise problem from exc


def _closed(conn: Pooled) -> bool:
    try:
        return conn.is_closed()
    except pg.InterfaceError:  # already released: it was closed
        return True


class PostgresTx(Tx):
    """Statements inside one BEGIN … COMMIT on a pooled connection."""

    dialect: ClassVar[Dialect] = POSTGRESQL

    def __init__(self, conn: Pooled) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        query, args = bind(sql, params)
        try:
            async with told_waiting_after(SLOW_STATEMENT_SECONDS):
                return _rowcount(await self._conn.execute(query, *args))
        except Exception as exc:
            _raise_typed(exc, self._conn)
            raise

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        query, args = bind(sql, params)
        try:
            async with told_waiting_after(SLOW_STATEMENT_SECONDS):
                return list(await self._conn.fetch(query, *args))
        except Exception as exc:
            _raise_typed(exc, self._conn)
            raise

    async def serialize(self, scope: str, key: int) -> None:
        await self.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, ?))", (scope, key))

    async def notify(self, channel: str, payload: str = "") -> None:
        # NOTIFY inside a transaction is queued by the server and sent on COMMIT.
        await self.execute("SELECT pg_notify(?, ?)", (Listeners.check_channel(channel), payload))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        query, names = translate(sql)
        args = [_arguments(sql, names, row) for row in rows]
        if not args:
            return
        try:
            async with told_waiting_after(SLOW_STATEMENT_SECONDS):
                await self._conn.executemany(query, args)
        except Exception as exc:
            _raise_typed(exc, self._conn)
            raise


async def _reset(conn: asyncpg.Connection) -> None:
    """What a connection given back to the pool needs: no open transaction. kansou sets no session state (no
    SET, no cursors, LISTEN only on its own connection, session locks given back), so asyncpg's full reset
    (one more round trip per statement) is skipped."""
    if conn.is_in_transaction():
        await conn.execute("ROLLBACK")


async def _create_pool(url: str) -> asyncpg.Pool:
    """A connection pool for `url`; StorageUnavailable('unreachable') while the server does not answer,
    StorageError when it answers no (unknown database, refused login)."""
    try:
        return await asyncpg.create_pool(
            url,
            min_size=1,
            max_size=POOL_SIZE,
            timeout=CONNECT_TIMEOUT,
            server_settings=SERVER_SETTINGS,
            reset=_reset,
        )
    except pg.InvalidCatalogNameError as exc:
        raise StorageError(f"the PostgreSQL database in KANSOU_DB does not exist ({exc}); create it first") from exc
    except pg.InvalidAuthorizationSpecificationError as exc:
        raise StorageError(f"PostgreSQL refused kansou's login ({exc}); check the user and password") from exc
    except pg.TooManyConnectionsError as exc:
        raise StorageUnavailable("busy", str(exc)) from exc
    except Exception as exc:
        if lost_connection(exc):
            raise StorageUnavailable("unreachable", str(exc) or type(exc).__name__) from exc
        if isinstance(exc, pg.PostgresError | ValueError):
            raise StorageError(f"cannot open the PostgreSQL database: {exc}") from exc
        raise


class PostgresDatabase(Database):
    """An asyncpg pool; transactions run side by side, and the database keeps them apart."""

    dialect: ClassVar[Dialect] = POSTGRESQL

    def __init__(self, pool: asyncpg.Pool, url: str, files: Path | None) -> None:
        super().__init__(url, files)
        self._pool = pool
        self._url = url
        self._closed = False
        self._listeners = Listeners()
        self._listening: asyncpg.Connection | None = None
        self._relisten: asyncio.Task[None] | None = None

    def __repr__(self) -> str:
        return f"<PostgresDatabase {without_password(self._url)}>"

    @classmethod
    async def open(cls, url: str, *, migrate: bool = True, files: Path | None = None) -> PostgresDatabase:
        """Connect to the database at `url` and, unless told otherwise, migrate it."""
        db = cls(await _create_pool(url), url, files)
        try:
            if migrate:
                await db.migrate()
        except BaseException:
            await db.close()
            raise
        return db

    @classmethod
    async def open_when_free(cls, url: str, *, files: Path | None = None, max_delay: float = 30.0) -> PostgresDatabase:
        """Open and migrate; while the server cannot be reached (or has no connection to spare), say so
        once and keep trying, backing off to `max_delay`. Other problems raise."""
        delay, told = 1.0, False
        while True:
            try:
                db = await cls.open(url, files=files)
            except StorageUnavailable as exc:
                if exc.reason not in ("unreachable", "busy"):
                    raise
                if not told:
                    log.warning(
                        "cannot reach the PostgreSQL server at %s (%s); kansou keeps trying and does not touch "
                        "Discord's commands until it answers",
                        without_password(url),
                        exc.detail,
                    )
                    told = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, max_delay)
                continue
            if told:
                log.info("the PostgreSQL server at %s answers again", without_password(url))
            return db

    # -- connections ---------------------------------------------------------------------------------

    async def _acquire(self) -> Pooled:
        """A pooled connection. Nothing has been sent yet, so a server that does not answer (restarting,
        failing over) is tried again for a moment before the caller is told it is unreachable."""
        pool = self._pool
        if pool.get_idle_size() == 0 and pool.get_size() >= pool.get_max_size():
            await tell_waiting()  # every connection is in use: this statement queues
        for delay in (*RECONNECT_DELAYS, None):
            try:
                # Also told when the wait is long after all: a connection seen idle was taken first.
                async with told_waiting_after(SLOW_STATEMENT_SECONDS):
                    conn: Pooled = await pool.acquire(timeout=ACQUIRE_TIMEOUT)
            except TimeoutError as exc:
                if pool.get_size() >= pool.get_max_size():
                    raise StorageUnavailable("busy", "every pooled connection stayed in use") from exc
                raise StorageUnavailable("unreachable", "connecting to the PostgreSQL server timed out") from exc
            except Exception as exc:
                if delay is None or not lost_connection(exc):
                    _raise_typed(exc)
                    raise
                if delay == RECONNECT_DELAYS[0]:
                    await tell_waiting()
                await asyncio.sleep(delay)
                continue
            return conn
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _release(self, conn: Pooled) -> None:
        try:
            await self._pool.release(conn)
        except Exception:  # a broken connection: the pool replaces it on the next acquire
            with contextlib.suppress(Exception):
                conn.terminate()

    async def _statement(self, sql: str, params: Params, fetch: bool) -> Any:
        """One statement in its own (implicit) transaction; reads that lose the server are tried again."""
        query, args = bind(sql, params)
        for attempt in (1, 2):
            conn = await self._acquire()
            try:
                async with told_waiting_after(SLOW_STATEMENT_SECONDS):
                    if fetch:
                        return list(await conn.fetch(query, *args))
                    return _rowcount(await conn.execute(query, *args))
            except Exception as exc:
                if lost_connection(exc) or _closed(conn) or _never_sent(exc):
                    if (_is_read(sql) or _never_sent(exc)) and attempt == 1:
                        continue
                    if not _is_read(sql):
                        raise StorageUnavailable("uncertain", str(exc) or type(exc).__name__) from exc
                _raise_typed(exc)
                raise
            finally:
                await self._release(conn)
        raise AssertionError("unreachable")  # the loop returns or raises

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        rows: list[Row] = await self._statement(sql, params, fetch=True)
        return rows

    async def execute(self, sql: str, params: Params = ()) -> int:
        changed: int = await self._statement(sql, params, fetch=False)
        return changed

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        """BEGIN … COMMIT on one connection, rolled back on any error (the server rolls back on its own
        when the connection is lost). A lost COMMIT is resolved by asking the server how it ended."""
        conn = await self._begin()
        try:
            try:
                yield PostgresTx(conn)
            except BaseException as exc:
                await self._rollback(conn)
                _raise_typed(exc, conn)
                raise
            await self._commit(conn)
        finally:
            await self._release(conn)

    async def _begin(self) -> Pooled:
        """A connection inside BEGIN; a pooled connection found dead at BEGIN is replaced once (nothing of the
        transaction has run yet)."""
        for attempt in (1, 2):
            conn = await self._acquire()
            try:
                await conn.execute("BEGIN")
            except Exception as exc:
                lost = lost_connection(exc) or _closed(conn) or _never_sent(exc)
                await self._release(conn)
                if attempt == 1 and lost:
                    continue
                if lost:
                    raise StorageUnavailable("unreachable", str(exc) or type(exc).__name__) from exc
                _raise_typed(exc)
                raise
            return conn
        raise AssertionError("unreachable")  # the loop returns or raises

    async def _rollback(self, conn: Pooled) -> None:
        if _closed(conn):
            return
        try:
            await conn.execute("ROLLBACK")
        except Exception:  # mid-operation or gone: the pool must not hand it out again as it is
            with contextlib.suppress(Exception):
                conn.terminate()

    async def _commit(self, conn: Pooled) -> None:
        try:
            xid = await conn.fetchval("SELECT txid_current_if_assigned()")
        except Exception as exc:
            _raise_typed(exc, conn)  # lost before COMMIT: the server rolled the transaction back
            raise
        try:
            await conn.execute("COMMIT")
        except Exception as exc:
            if not (lost_connection(exc) or _closed(conn)):
                _raise_typed(exc)
                raise
            if xid is None:
                return  # it wrote nothing: there was nothing to commit
            ended = await self._how_it_ended(int(xid))
            if ended == "committed":
                log.info("the connection was lost during COMMIT; transaction %s was committed", xid)
                return
            reason = "unreachable" if ended == "aborted" else "uncertain"
            raise StorageUnavailable(reason, f"{exc} (transaction {xid}: {ended})") from exc

    async def _how_it_ended(self, xid: int) -> str:
        """'committed', 'aborted', or 'unknown' for a transaction whose COMMIT lost its connection."""
        for _ in range(5):
            try:
                conn = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT)
                try:
                    status = await conn.fetchval("SELECT txid_status($1)", xid)
                finally:
                    await conn.close()
            except Exception as exc:
                if not lost_connection(exc):
                    raise
                status = None
            if status in ("committed", "aborted"):
                return str(status)
            await asyncio.sleep(0.2)  # still "in progress": the server has not seen the connection go yet
        return "unknown"

    # -- schema ----------------------------------------------------------------------------------------

    async def schema_version(self) -> int:
        row = await self.fetchone(
            "SELECT CASE WHEN to_regclass('kansou_schema') IS NULL THEN 0 "
            "ELSE (SELECT COALESCE(MAX(version), 0) FROM kansou_schema) END"
        )
        return int(row[0]) if row else 0

    async def migrate(self) -> list[str]:
        """Apply every migration newer than the database, each in its own transaction; several processes
        starting at once take turns. A database from a newer kansou is refused."""
        known = migrations(POSTGRESQL)
        latest = known[-1][0] if known else 0
        applied: list[str] = []
        self.applied = applied
        conn = await self._acquire()
        try:
            await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
            try:
                await conn.execute("CREATE TABLE IF NOT EXISTS kansou_schema (version INTEGER NOT NULL)")
                current = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM kansou_schema"))
                if current > latest:
                    raise newer_schema(current, latest)
                self.schema_before = current
                level = logging.INFO if current > 0 else logging.DEBUG
                for number, name, sql in known:
                    if number <= current:
                        continue
                    try:
                        async with conn.transaction():
                            if _COMMENTS.sub("", sql).strip():  # asyncpg fails on an empty query
                                await conn.execute(sql)
                            await conn.execute("DELETE FROM kansou_schema")
                            await conn.execute("INSERT INTO kansou_schema (version) VALUES ($1)", number)
                    except pg.PostgresError as exc:
                        _raise_typed(exc)
                        raise StorageError(f"migration {name} failed: {exc}") from exc
                    log.log(level, "applied migration %s", name)
                    applied.append(name)
            finally:
                if not conn.is_closed():
                    await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
        except Exception as exc:
            _raise_typed(exc)
            raise
        finally:
            await self._release(conn)
        return applied

    async def table_names(self) -> set[str]:
        rows = await self.fetchall("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {row[0] for row in rows}

    async def backup(self, destination: str | Path) -> Path:
        raise StorageError(
            "a PostgreSQL database is backed up with PostgreSQL's own tools, safe while kansou runs: "
            f"pg_dump --format=custom --file={destination} '<the KANSOU_DB URL>'"
        )

    # -- notifications ---------------------------------------------------------------------------------

    async def listen(self, channel: str, callback: Listener) -> None:
        if self._listeners.add(channel, callback):
            conn = await self._listener()
            if conn is not None:
                await conn.add_listener(channel, self._heard)

    async def unlisten(self, channel: str, callback: Listener) -> None:
        if self._listeners.remove(channel, callback) and self._listening is not None:
            with contextlib.suppress(Exception):
                await self._listening.remove_listener(channel, self._heard)

    async def notify(self, channel: str, payload: str = "") -> None:
        await self.execute("SELECT pg_notify(?, ?)", (Listeners.check_channel(channel), payload))

    def _heard(self, conn: object, pid: int, channel: str, payload: object) -> None:
        self._listeners.deliver(channel, str(payload))

    async def _listener(self) -> asyncpg.Connection | None:
        """The connection LISTENing for this process (its own, never a pooled one); None while it is being
        re-established (that task listens on every channel once it is back)."""
        if self._listening is not None and not self._listening.is_closed():
            return self._listening
        if self._relisten is not None and not self._relisten.done():
            return None
        try:
            conn: asyncpg.Connection = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT)
        except Exception as exc:
            _raise_typed(exc)
            raise
        conn.add_termination_listener(self._listener_lost)
        self._listening = conn
        return conn

    def _listener_lost(self, conn: object) -> None:
        if self._closed or (self._relisten is not None and not self._relisten.done()):
            return
        self._listening = None
        self._relisten = asyncio.get_running_loop().create_task(self._listen_again(), name="kansou-pg-relisten")

    async def _listen_again(self) -> None:
        """Reconnect the listening connection (backing off), listen on every channel again, then tell every
        listener that notifications may have been missed meanwhile (payload MISSED)."""
        delay, told = 0.5, False
        while not self._closed:
            try:
                conn: asyncpg.Connection = await asyncpg.connect(self._url, timeout=CONNECT_TIMEOUT)
                for channel in list(self._listeners.by_channel):
                    await conn.add_listener(channel, self._heard)
            except Exception as exc:
                if not lost_connection(exc):
                    log.exception("could not listen for notifications again; retrying")
                elif not told:
                    log.warning("lost the PostgreSQL notification connection (%s); reconnecting", exc)
                    told = True
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
                continue
            conn.add_termination_listener(self._listener_lost)
            self._listening = conn
            log.info("listening for notifications again")
            for channel in list(self._listeners.by_channel):
                self._listeners.deliver(channel, MISSED)
            return

    async def close(self) -> None:
        """Close the pool and the listening connection; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        if self._relisten is not None:
            self._relisten.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._relisten
        if self._listening is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._listening.close(), 5)
            self._listening = None
        try:
            await asyncio.wait_for(self._pool.close(), 10)
        except (TimeoutError, Exception):
            self._pool.terminate()
