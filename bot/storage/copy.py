"""`db copy`: every table of a SQLite database into a PostgreSQL one, in one transaction, then verified.

The source is read in one read transaction (a consistent snapshot) and streamed in batches into the
target with COPY. The target's own triggers are off while it is filled, so the stored score aggregates
arrive as they are; then the sequences behind the copied ids are moved past them, and before anything
is committed: every table has as many rows as the source, and the score aggregates equal what the
ratings add up to on both sides. Any failure, Ctrl-C or a lost connection leaves the target as it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite
import asyncpg

from bot.config import without_password
from bot.plural import plural
from bot.storage.db import StorageError, latest_version
from bot.storage.sqlite import NOTICE_TABLES

BATCH_ROWS = 10_000
LOCK_TIMEOUT = "10s"  # a kansou still running on the target holds its tables; say so rather than wait
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Derived:
    """A table the ratings' triggers keep: its key and figure columns, and the figures as the ratings give them."""

    table: str
    keys: tuple[str, ...]
    figures: tuple[str, ...]

    def recount(self) -> str:
        """SELECT keys, figures FROM ratings (SQL both databases speak)."""
        sums = {"count": "COUNT(*)", "total": "SUM(score)", "total_sq": "SUM(score * score)"}
        sums.update({f"h{s}": f"SUM(CASE WHEN score = {s} THEN 1 ELSE 0 END)" for s in range(1, 11)})
        keys = ", ".join(self.keys)
        return f"SELECT {keys}, {', '.join(sums[f] for f in self.figures)} FROM ratings GROUP BY {keys}"

    def stored(self) -> str:
        return f"SELECT {', '.join(self.keys + self.figures)} FROM {self.table}"

    def rebuild(self) -> list[str]:
        columns = ", ".join(self.keys + self.figures)
        return [f"DELETE FROM {self.table}", f"INSERT INTO {self.table} ({columns}) {self.recount()}"]


DERIVED = (
    Derived(
        "rating_aggregates", ("guild_id", "title_id"), ("count", "total", "total_sq", *(f"h{s}" for s in range(1, 11)))
    ),
    Derived("rating_totals", ("guild_id",), ("count", "total")),
)

Progress = Callable[[str], None]
Figures = dict[tuple[int, ...], tuple[int, ...]]  # key columns -> figure columns


class CopyError(StorageError):
    """The copy was refused or failed; the target was left as it was (str() is fit for an operator)."""


@dataclass
class TableCopied:
    name: str
    rows: int
    seconds: float


@dataclass
class CopyReport:
    """What `copy_sqlite_to_postgres` did, for the summary."""

    tables: list[TableCopied] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # SQLite-only search indexes (virtual tables)
    emptied: list[str] = field(default_factory=list)  # tables --force emptied first
    sequences: dict[str, int] = field(default_factory=dict)  # sequence -> the next id it gives
    verified: dict[str, int] = field(default_factory=dict)  # table the ratings keep -> rows checked against them
    rebuilt: dict[str, int] = field(default_factory=dict)  # of those rows, how many had drifted in the source
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def _some(names: list[str], shown: int = 4) -> str:
    """`a, b, c, d and 3 more tables`."""
    rest = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {plural(rest, 'more table')}" if rest > 0 else "")


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise CopyError(f"the table or column name {name!r} cannot be copied (not a plain identifier)")
    return f'"{name}"'


# --- values: SQLite's loosely typed ones into what asyncpg's binary COPY expects for each target type ---


def _to_bool(value: Any) -> bool:
    return bool(value)


def _to_decimal(value: Any) -> Decimal:
    return Decimal(str(value))


def _to_timestamp(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def _to_date(value: Any) -> date:
    return date.fromisoformat(str(value))


# Integers, floats and text arrive as PostgreSQL takes them (SQLite's column affinity already made a TEXT
# column's values text and a REAL column's values floats); these types need converting.
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "boolean": _to_bool,
    "numeric": _to_decimal,
    "timestamp with time zone": _to_timestamp,
    "timestamp without time zone": _to_timestamp,
    "date": _to_date,
}


def _converter(types: Sequence[str]) -> Callable[[Sequence[Any]], Sequence[Any]] | None:
    """A row converter for target columns of these types; None when rows go as they are."""
    convert = [_CONVERTERS.get(kind) for kind in types]
    if not any(convert):
        return None

    def row(values: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if value is None or fn is None else fn(value) for fn, value in zip(convert, values, strict=True)
        )

    return row


# --- the source ---


def _read_only_uri(path: Path) -> str:
    if not path.is_file():
        raise CopyError(f"there is no SQLite database at {path}")
    return f"file:{quote(str(path.resolve()))}?mode=ro"


async def _open_source(path: Path) -> aiosqlite.Connection:
    uri = await asyncio.to_thread(_read_only_uri, path)
    try:
        conn = await aiosqlite.connect(uri, uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise CopyError(f"cannot open {path}: {exc}") from exc
    try:
        version = int((await _sqlite_rows(conn, "PRAGMA user_version"))[0][0])
        latest = latest_version()
        if version > latest:
            raise CopyError(
                f"{path} is at schema version {version}, newer than this kansou knows ({latest}): "
                "copy it with the kansou that wrote it"
            )
        if version < latest:
            raise CopyError(
                f"{path} is at schema version {version}, older than this kansou's ({latest}): start this kansou "
                "once on it (KANSOU_DB set to the file, after a `db backup`), which upgrades it in place, then copy"
            )
        await conn.execute("BEGIN")  # one snapshot for every read, even while a bot writes to the file
    except sqlite3.DatabaseError as exc:
        await conn.close()
        raise CopyError(f"{path} is not a usable SQLite database: {exc}") from exc
    except BaseException:
        await conn.close()
        raise
    return conn


async def check_source(path: Path) -> None:
    """Raise CopyError unless `path` is a SQLite database of this kansou's schema."""
    conn = await _open_source(path)
    await conn.close()


async def _sqlite_rows(conn: aiosqlite.Connection, sql: str) -> list[sqlite3.Row]:
    return list(await conn.execute_fetchall(sql))


async def _source_tables(conn: aiosqlite.Connection) -> tuple[list[str], list[str]]:
    """The source's tables to copy, and its virtual ones (SQLite search indexes, rebuilt by each backend)."""
    tables, virtual = [], []
    for row in await _sqlite_rows(conn, "PRAGMA main.table_list"):
        name, kind = str(row[1]), str(row[2])
        if name.startswith("sqlite_") or name in NOTICE_TABLES:  # SQLite's own; notices: PostgreSQL has NOTIFY
            continue
        if kind == "table":
            tables.append(name)
        elif kind == "virtual":
            virtual.append(name)
    return sorted(tables), sorted(virtual)


async def _source_columns(conn: aiosqlite.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in await _sqlite_rows(conn, f"PRAGMA main.table_info({_identifier(table)})")]


async def _count(conn: aiosqlite.Connection | asyncpg.Connection, table: str) -> int:
    sql = f"SELECT COUNT(*) FROM {_identifier(table)}"
    if isinstance(conn, aiosqlite.Connection):
        return int((await _sqlite_rows(conn, sql))[0][0])
    return int(await conn.fetchval(sql))


# --- the target ---


async def _connect_target(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url, timeout=15)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise CopyError(f"cannot reach the PostgreSQL database {without_password(url)}: {exc}") from exc


async def probe_target(url: str) -> None:
    """Raise CopyError unless the PostgreSQL database at `url` takes a connection."""
    conn = await _connect_target(url)
    await conn.close()


async def _target_tables(conn: asyncpg.Connection) -> set[str]:
    rows = await conn.fetch(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
    )
    return {str(row[0]) for row in rows}


async def _target_column_types(conn: asyncpg.Connection, table: str) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = $1",
        table,
    )
    return {str(row[0]): str(row[1]) for row in rows}


async def _in_dependency_order(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    """The tables with every table a foreign key points at before the tables that point at it."""
    rows = await conn.fetch(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
    )
    parents: dict[str, set[str]] = {table: set() for table in tables}
    for child, parent in rows:
        if child in parents and parent in parents and child != parent:
            parents[child].add(parent)
    ordered: list[str] = []
    while parents:
        ready = sorted(table for table, needs in parents.items() if not needs)
        if not ready:
            raise CopyError(f"the target's foreign keys form a cycle among {sorted(parents)}")
        for table in ready:
            ordered.append(table)
            del parents[table]
        for needs in parents.values():
            needs.difference_update(ready)
    return ordered


async def _tables_with_triggers(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    rows = await conn.fetch(
        "SELECT DISTINCT c.relname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace"
    )
    found = {str(row[0]) for row in rows}
    return [table for table in tables if table in found]


async def _non_empty(conn: asyncpg.Connection, tables: list[str]) -> list[str]:
    found = []
    for table in tables:
        if await conn.fetchval(f"SELECT EXISTS (SELECT 1 FROM {_identifier(table)})"):
            found.append(table)
    return found


async def _reset_sequences(conn: asyncpg.Connection, tables: list[str]) -> dict[str, int]:
    """Move each serial or identity sequence of the copied tables past the highest id copied."""
    rows = await conn.fetch(
        "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
        "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1::text[])",
        tables,
    )
    moved = {}
    for table, column, sequence in rows:
        if sequence is None:
            continue
        highest = await conn.fetchval(f"SELECT MAX({_identifier(column)}) FROM {_identifier(table)}")
        following = int(highest or 0) + 1
        await conn.execute("SELECT setval($1, $2, false)", sequence, following)
        moved[str(sequence)] = following
    return moved


# --- verification ---


def _figures(rows: Sequence[Sequence[Any]] | Sequence[asyncpg.Record], keys: int) -> Figures:
    return {tuple(int(v) for v in row[:keys]): tuple(int(v) for v in row[keys:]) for row in rows}


def _differing(first: Figures, second: Figures) -> int:
    return sum(1 for key in first.keys() | second.keys() if first.get(key) != second.get(key))


# --- the copy ---


@dataclass
class _Copy:
    """One copy: the source's snapshot, the target's open transaction, what was done so far."""

    source: aiosqlite.Connection
    target: asyncpg.Connection
    progress: Progress
    batch_rows: int
    report: CopyReport = field(default_factory=CopyReport)

    async def run(self, tables: list[str], *, force: bool) -> None:
        target = self.target
        absent = sorted(set(tables) - await _target_tables(target))
        if absent:
            raise CopyError(f"the target has no table {', '.join(absent)}: is it a kansou database of this version?")
        ordered = await _in_dependency_order(target, tables)
        await self.lock(ordered)
        holding = await _non_empty(target, ordered)
        if holding and not force:
            raise CopyError(
                f"the target database already holds data (in {_some(holding)}); "
                "copy into an empty database, or add --force to replace everything in it"
            )
        if holding:
            await target.execute(f"TRUNCATE {', '.join(map(_identifier, ordered))} RESTART IDENTITY CASCADE")
            self.report.emptied = holding
        # The stored aggregates are copied as they are: triggers that keep them must not count each rating again.
        triggered = await _tables_with_triggers(target, ordered)
        try:
            for table in triggered:
                await target.execute(f"ALTER TABLE {_identifier(table)} DISABLE TRIGGER USER")
        except asyncpg.InsufficientPrivilegeError as exc:
            raise CopyError(
                f"{exc}: copy as the database user that owns kansou's tables there (the one kansou runs as)"
            ) from exc
        for table in ordered:
            copied = await self.copy_table(table)
            self.report.tables.append(copied)
            self.progress(f"  {table}: {plural(copied.rows, 'row')} ({copied.seconds:.1f} s)")
        for table in triggered:
            await target.execute(f"ALTER TABLE {_identifier(table)} ENABLE TRIGGER USER")
        self.report.sequences = await _reset_sequences(target, ordered)
        for table in ordered:
            have, want = await _count(target, table), await _count(self.source, table)
            if have != want:
                raise CopyError(f"{table} has {have:,} rows in the target but {want:,} in the source")
        await self.verify_aggregates(ordered)

    async def lock(self, tables: list[str]) -> None:
        """Hold every table for the whole copy, so nothing else writes to the target meanwhile."""
        await self.target.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        try:
            await self.target.execute(f"LOCK TABLE {', '.join(map(_identifier, tables))} IN ACCESS EXCLUSIVE MODE")
        except asyncpg.LockNotAvailableError as exc:
            raise CopyError("the target database is in use (is a kansou running on it?); stop it and retry") from exc

    async def copy_table(self, table: str) -> TableCopied:
        started = time.perf_counter()
        columns = await _source_columns(self.source, table)
        types = await _target_column_types(self.target, table)
        missing = [column for column in columns if column not in types]
        if missing:
            raise CopyError(f"the target's table {table} has no column {', '.join(missing)}: is it kansou's schema?")
        convert = _converter([types[column] for column in columns])
        total = await _count(self.source, table)
        copied = 0
        cursor = await self.source.execute(f"SELECT {', '.join(map(_identifier, columns))} FROM {_identifier(table)}")
        # The next batch is read from SQLite (in aiosqlite's thread) while this one goes into PostgreSQL.
        reading = asyncio.ensure_future(cursor.fetchmany(self.batch_rows))
        try:
            while batch := await reading:
                reading = asyncio.ensure_future(cursor.fetchmany(self.batch_rows))
                try:
                    records = list(batch) if convert is None else [convert(row) for row in batch]
                except (TypeError, ValueError) as exc:
                    raise CopyError(f"a row of {table} has a value PostgreSQL cannot take ({exc})") from exc
                try:
                    await self.target.copy_records_to_table(table, records=records, columns=columns)
                except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
                    raise CopyError(
                        f"copying {table} failed after {copied:,} rows ({exc}); nothing was committed"
                    ) from exc
                copied += len(records)
                if copied < total:
                    self.progress(f"  {table}: {copied:,} of {total:,} rows")
        finally:
            with contextlib.suppress(Exception):
                await reading  # a read still in flight finishes before its cursor closes
            await cursor.close()
        return TableCopied(table, copied, time.perf_counter() - started)

    async def verify_aggregates(self, tables: list[str]) -> None:
        """What the ratings add up to is equal on both sides, and each table the ratings' triggers keep equals
        it (rebuilt from the ratings where the source's had drifted: `check` reports that on the source)."""
        for derived in (d for d in DERIVED if d.table in tables):
            keys = len(derived.keys)
            expected = _figures(await _sqlite_rows(self.source, derived.recount()), keys)
            recounted = _figures(await self.target.fetch(derived.recount()), keys)
            if recounted != expected:
                differing = _differing(expected, recounted)
                raise CopyError(f"the copied ratings do not add up to the source's ({differing} in {derived.table})")
            drifted = _differing(_figures(await self.target.fetch(derived.stored()), keys), expected)
            if drifted:
                for statement in derived.rebuild():
                    await self.target.execute(statement)
                if _figures(await self.target.fetch(derived.stored()), keys) != expected:
                    raise CopyError(f"{derived.table} could not be rebuilt from the ratings")
                self.report.rebuilt[derived.table] = drifted
            self.report.verified[derived.table] = len(expected)


async def _in_one_transaction(target: asyncpg.Connection, work: Coroutine[Any, Any, None]) -> None:
    """Run `work` in one transaction on the target; on any failure it is rolled back (or dies with a lost
    connection), and the failure itself is what propagates."""
    transaction = target.transaction()
    await transaction.start()
    try:
        await work
    except BaseException:
        with contextlib.suppress(Exception):
            await transaction.rollback()
        raise
    await transaction.commit()


async def copy_sqlite_to_postgres(
    source_path: Path,
    target_url: str,
    *,
    force: bool = False,
    progress: Progress = lambda line: None,
    batch_rows: int = BATCH_ROWS,
) -> CopyReport:
    """Copy every table of the SQLite database at `source_path` into the (migrated) database at `target_url`.

    Refuses a target holding data unless `force` (which empties it first, in the same transaction).
    Raises CopyError with the reason; the target is then as it was.
    """
    started = time.perf_counter()
    source = await _open_source(source_path)
    try:
        tables, skipped = await _source_tables(source)
        target = await _connect_target(target_url)
        try:
            copy = _Copy(source, target, progress, batch_rows)
            copy.report.skipped = skipped
            await _in_one_transaction(target, copy.run(tables, force=force))
        except sqlite3.Error as exc:
            raise CopyError(f"reading {source_path} failed: {exc}") from exc
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise CopyError(f"the copy failed: {exc}") from exc
        finally:
            await target.close()
    finally:
        await source.close()  # the read transaction ends with it; nothing was written there
    copy.report.seconds = time.perf_counter() - started
    return copy.report
