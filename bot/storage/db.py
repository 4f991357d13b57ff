"""kansou's storage interface: one Database and Tx for every repository, with a SQLite backend
(bot.storage.sqlite, the default) and a PostgreSQL one (bot.storage.postgres).

Repositories write SQL with `?` or `:name` placeholders; a row answers `row[0]` and `row["column"]`.
Where the two dialects differ, a repository picks a small fragment by `db.dialect` (NOW, for one).
Errors come out typed: StorageUnavailable (bot.errors) for pressure, ConstraintViolation and its kinds
for a write that breaks the schema's rules, StorageError for a database that cannot be used as it is.
"""

from __future__ import annotations

import asyncio
import logging
import re
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol

Params = Sequence[Any] | Mapping[str, Any]
Dialect = Literal["sqlite", "postgresql"]
OnWait = Callable[[], Awaitable[None]]
Listener = Callable[[str], object]

log = logging.getLogger(__name__)

SQLITE: Dialect = "sqlite"
POSTGRESQL: Dialect = "postgresql"
_URL_SCHEMES = ("postgresql://", "postgres://")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_MIGRATION_FOLDERS: dict[str, str] = {SQLITE: "migrations", POSTGRESQL: "migrations_pg"}

# The current UTC time as the ISO text every timestamp column holds (2026-12-02T16:37:26.123Z), and the
# same to the second (the catalog's updated_at). Text in both backends, so rows compare equal across them.
NOW: dict[str, str] = {
    SQLITE: "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    POSTGRESQL: "kansou_now()",  # bot/storage/migrations_pg/0008_schema.sql
}
NOW_SECONDS: dict[str, str] = {
    SQLITE: "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    POSTGRESQL: "kansou_now_seconds()",
}

# The payload every listener gets after notifications may have been missed (PostgreSQL's listening
# connection was lost and is back; SQLite's poller fell behind the pruning of old notices): forget, or
# read again, whatever the notifications keep fresh. Never notify() it.
MISSED = "*"

# Set per interaction: called once when a statement must wait for a busy database (the bot defers
# the interaction, so a slow answer still arrives within Discord's deadline).
_on_wait: ContextVar[OnWait | None] = ContextVar("kansou_storage_on_wait", default=None)


class Row(Protocol):
    """A result row: by position, by column name, iterable (sqlite3.Row and asyncpg.Record both are)."""

    def __getitem__(self, key: Any, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...

    def keys(self) -> Any: ...


class StorageError(Exception):
    """The database cannot be used as it is (its str() is fit for an operator)."""


class ConstraintViolation(Exception):
    """A write broke one of the schema's rules; nothing of its statement was stored."""


class ForeignKeyViolation(ConstraintViolation):
    """A row named another that does not exist (a title id not in the catalog, say)."""


class UniqueViolation(ConstraintViolation):
    """A row would have repeated a key that must be unique."""


class CheckViolation(ConstraintViolation):
    """A value outside what a CHECK (or the column's type) allows: a score of 11, or of 7.5."""


class NotNullViolation(ConstraintViolation):
    """A required value was missing."""


def when_storage_waits(callback: OnWait) -> None:
    """Call `callback` (once per statement) whenever storage must wait in the current task."""
    _on_wait.set(callback)


async def tell_waiting() -> None:
    """Let the current interaction know that storage makes it wait (it defers)."""
    callback = _on_wait.get()
    if callback is not None:
        await callback()


@asynccontextmanager
async def told_waiting_after(seconds: float) -> AsyncIterator[None]:
    """Run the block; if it is still running after `seconds` (a statement held up by a row lock another
    process holds), tell the current interaction that storage makes it wait. That telling (a deferral)
    is over before the block ends, so an answer never overtakes it. Outside an interaction: no timer."""
    callback = _on_wait.get()
    if callback is None:
        yield
        return
    telling: list[asyncio.Future[None]] = []
    timer = asyncio.get_running_loop().call_later(seconds, lambda: telling.append(asyncio.ensure_future(callback())))
    try:
        yield
    finally:
        timer.cancel()
        if telling:
            try:
                await telling[0]
            except Exception:
                log.exception("telling the interaction that storage waits failed")


def is_url(target: str | Path) -> bool:
    """Whether a KANSOU_DB value names a PostgreSQL server rather than a SQLite file."""
    return isinstance(target, str) and target.startswith(_URL_SCHEMES)


def migrations(dialect: str = SQLITE) -> list[tuple[int, str, str]]:
    """Every migration shipped with kansou for a dialect as (number, file name, SQL), in order."""
    found = []
    for entry in resources.files("bot.storage").joinpath(_MIGRATION_FOLDERS[dialect]).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise StorageError(f"two migrations share a number: {numbers}")
    return found


def latest_version(dialect: str = SQLITE) -> int:
    known = migrations(dialect)
    return known[-1][0] if known else 0


def newer_schema(current: int, latest: int) -> StorageError:
    return StorageError(
        f"the database is at schema version {current}, newer than this kansou knows "
        f"({latest}); upgrade kansou or use a backup made by this version"
    )


class Bus(Protocol):
    """What a feature kept in step with the other processes needs of the database: listening (Database.listen)."""

    async def listen(self, channel: str, callback: Listener) -> None: ...


class Listeners:
    """This process's listeners by channel; each payload is handed to them on the event loop, in order."""

    _CHANNEL = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

    def __init__(self) -> None:
        self.by_channel: dict[str, list[Listener]] = {}

    @classmethod
    def check_channel(cls, channel: str) -> str:
        if not cls._CHANNEL.match(channel):
            raise ValueError(f"not a channel name (lowercase letters, digits, underscores): {channel!r}")
        return channel

    def add(self, channel: str, callback: Listener) -> bool:
        """Add a listener; whether it is the channel's first."""
        callbacks = self.by_channel.setdefault(self.check_channel(channel), [])
        callbacks.append(callback)
        return len(callbacks) == 1

    def remove(self, channel: str, callback: Listener) -> bool:
        """Remove a listener; whether the channel has none left."""
        callbacks = self.by_channel.get(channel, [])
        if callback in callbacks:
            callbacks.remove(callback)
        if not callbacks:
            self.by_channel.pop(channel, None)
            return True
        return False

    def deliver(self, channel: str, payload: str) -> None:
        for callback in list(self.by_channel.get(channel, ())):
            try:
                callback(payload)
            except Exception:
                log.exception("a listener of %s failed on %r", channel, payload)


class Tx(ABC):
    """One open transaction: every statement through it commits together or not at all."""

    dialect: ClassVar[Dialect]

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; the number of rows it changed."""

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row the statement returns (a write with RETURNING too)."""

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement once per parameter row."""

    @abstractmethod
    async def notify(self, channel: str, payload: str = "") -> None:
        """Database.notify as part of this transaction: sent when it commits, never if it rolls back, so a
        listener that reads what the notice is about finds it committed."""

    async def serialize(self, scope: str, key: int) -> None:  # noqa: B027 (SQLite: already one writer at a time)
        """Wait until no other transaction holds (scope, key), then hold it until this one ends: for a
        read-then-write no constraint protects (two members creating the same local title at once)."""


class Database(ABC):
    """The store every repository uses; open one with open_database()."""

    dialect: ClassVar[Dialect]

    def __init__(self, target: str, path: Path | None) -> None:
        # What it was opened from: a child process opens the same database with KANSOU_DB=target.
        self.target = target
        # The SQLite file; for PostgreSQL, the stem of files derived from the database (the saved
        # catalog index), or None to keep none.
        self.path = path
        # What the last migrate() found and did, for the start-up line ("storage ready").
        self.schema_before: int | None = None
        self.applied: list[str] = []

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

    @abstractmethod
    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        """Every row of one statement, run in a transaction of its own."""

    async def fetch_tuples(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        """Every row of one read as a plain tuple (by position only): for bulk reads, where row objects cost."""
        return [tuple(row) for row in await self.fetchall(sql, params)]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    @abstractmethod
    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement in its own transaction; returns the number of rows changed."""

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    @abstractmethod
    def transaction(self) -> AbstractAsyncContextManager[Tx]:
        """`async with db.transaction() as tx:` commits at the end, rolls back on any error.

        A busy database is waited for (bounded); one that cannot take writes raises StorageUnavailable.
        """

    @abstractmethod
    async def schema_version(self) -> int: ...

    @abstractmethod
    async def migrate(self) -> list[str]:
        """Apply every migration newer than the database; refuse a database from a newer kansou."""

    @abstractmethod
    async def close(self) -> None:
        """Close; closing twice is harmless."""

    async def start_checkpoints(self) -> None:  # noqa: B027 (only SQLite has background upkeep)
        """Start the backend's background upkeep, if it has any (SQLite's WAL checkpoints)."""

    async def backup(self, destination: str | Path) -> Path:
        """A consistent copy of the live database at `destination`."""
        raise StorageError(f"{self.dialect} databases are backed up with their own tools, not `db backup`")

    async def integrity(self) -> str:
        """The backend's own consistency check: 'ok', or what it found."""
        return "ok"

    async def table_names(self) -> set[str]:
        """The tables the database has."""
        raise NotImplementedError

    @abstractmethod
    async def listen(self, channel: str, callback: Listener) -> None:
        """Call `callback(payload)` for every notify() on `channel` from now on, from any process sharing the
        database, in the order they were committed; MISSED after some may have been lost. Callbacks run on
        the event loop and must be quick; start a task for more."""

    @abstractmethod
    async def unlisten(self, channel: str, callback: Listener) -> None:
        """Stop calling `callback` for `channel`."""

    @abstractmethod
    async def notify(self, channel: str, payload: str = "") -> None:
        """Tell every listener of `channel`, this process's own included, in a transaction of its own (see
        Tx.notify for one that belongs to a change). `channel` is a plain identifier (letters, digits,
        underscores); `payload` is short text (PostgreSQL allows under 8,000 bytes)."""


async def open_database(target: str | Path, *, migrate: bool = True, files: Path | None = None) -> Database:
    """The database at `target`: a postgresql:// (or postgres://) URL, else a SQLite file path.

    `files`: for PostgreSQL, the stem of the files derived from it (Settings.db_path); SQLite uses its own path.
    """
    if is_url(target):
        from bot.storage.postgres import PostgresDatabase

        return await PostgresDatabase.open(str(target), migrate=migrate, files=files)
    from bot.storage.sqlite import SQLiteDatabase

    return await SQLiteDatabase.open(target, migrate=migrate)


async def open_when_free(target: str | Path, *, files: Path | None = None) -> Database:
    """Open and migrate for the bot: waits (saying so) while the database is locked or unreachable."""
    if is_url(target):
        from bot.storage.postgres import PostgresDatabase

        return await PostgresDatabase.open_when_free(str(target), files=files)
    from bot.storage.sqlite import SQLiteDatabase

    return await SQLiteDatabase.open_when_free(target)


__all__ = [
    "MISSED",
    "NOW",
    "NOW_SECONDS",
    "Bus",
    "CheckViolation",
    "ConstraintViolation",
    "Database",
    "ForeignKeyViolation",
    "NotNullViolation",
    "Params",
    "Row",
    "StorageError",
    "Tx",
    "UniqueViolation",
    "latest_version",
    "migrations",
    "open_database",
    "open_when_free",
    "when_storage_waits",
]
