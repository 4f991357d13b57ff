"""`kansou db copy SQLITE_PATH postgresql://…`: move a SQLite database into PostgreSQL, verified."""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

from bot.config import Settings, without_password
from bot.errors import StorageUnavailable
from bot.plural import plural
from bot.storage.copy import (
    CopyError,
    CopyReport,
    check_source,
    copy_sqlite_to_postgres,
    probe_target,
)
from bot.storage.db import StorageError, is_url, open_database

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def add_copy_parser(db_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    copy_parser = db_sub.add_parser(
        "copy",
        help="copy a SQLite database into a PostgreSQL one, in one transaction, and verify it",
        description=(
            "Copy every table of a SQLite database (stop the bot first) into a PostgreSQL database: its "
            "schema is created or upgraded, everything is copied in one transaction and checked (row counts, "
            "score aggregates) before it is committed."
        ),
    )
    copy_parser.add_argument("source", type=Path, help="the SQLite database file (KANSOU_DB until now)")
    copy_parser.add_argument("target", help="the PostgreSQL database, as a postgresql://user@host/name URL")
    copy_parser.add_argument(
        "--force", action="store_true", help="replace whatever the target holds (emptied in the same transaction)"
    )
    copy_parser.set_defaults(func=copy_database)


async def copy_database(args: argparse.Namespace, settings: Settings) -> int:
    source, target = Path(args.source), str(args.target)
    if not is_url(target):
        print(f"kansou db copy: the target must be a postgresql:// URL, not {target!r}", file=sys.stderr)
        return EXIT_USAGE
    if is_url(str(args.source)):
        print("kansou db copy: the source must be a SQLite database file", file=sys.stderr)
        return EXIT_USAGE
    shown = without_password(target)
    try:
        await check_source(source)
        await probe_target(target)
        db = await open_database(target)  # creates or upgrades kansou's schema there; refuses a newer one
        await db.close()
        print(f"copying {source} into {shown}")
        report = await copy_sqlite_to_postgres(source, target, force=args.force, progress=_say)
    except CopyError as exc:
        print(f"db copy: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    except (StorageError, StorageUnavailable) as exc:
        print(f"db copy: cannot use the PostgreSQL database {shown}: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    except asyncio.CancelledError:  # Ctrl-C: the transaction is rolled back as the connection closes
        print("db copy interrupted: nothing was committed, the target is as it was", file=sys.stderr, flush=True)
        raise
    print_summary(report, shown)
    return EXIT_OK


def _say(line: str) -> None:
    print(line, flush=True)  # progress shows as it happens, also through a pipe


def print_summary(report: CopyReport, target: str) -> None:
    print(
        f"copied {plural(len(report.tables), 'table')} ({report.rows:,} rows) into {target} "
        f"in {report.seconds:.1f} s, in one transaction"
    )
    if report.emptied:
        print(f"--force: first emptied {', '.join(report.emptied)}")
    checked = ", ".join(f"{table} ({rows:,})" for table, rows in report.verified.items())
    print(
        "verified: every table has as many rows as the source, and what the ratings add up to equals, in the "
        f"source and in the copy, the figures kept in {checked}"
    )
    for table, rows in report.rebuilt.items():
        print(f"note: {plural(rows, 'row')} of {table} had drifted from the ratings in the source; rebuilt in the copy")
    if report.skipped:
        print(f"not copied: {', '.join(report.skipped)} (SQLite search indexes; PostgreSQL keeps its own)")
    print(f"next: set KANSOU_DB={target} (with its password, if any) and start kansou")


def pg_dump_guidance(url: str, path: Path) -> str:
    """How to back up (and restore) the PostgreSQL database at `url` with PostgreSQL's own tools."""
    shown = shlex.quote(_password_left_out(url))
    file = shlex.quote(str(path))
    return (
        "kansou does not copy a PostgreSQL database itself: PostgreSQL's pg_dump makes a consistent backup, "
        "safe while the bot runs. Run:\n\n"
        f"  pg_dump --format=custom --file={file} {shown}\n\n"
        "It asks for the password, or reads it from PGPASSWORD or ~/.pgpass. To restore it into a new, "
        "empty database:\n\n"
        f"  pg_restore --no-owner --dbname=URL_OF_THE_NEW_DATABASE {file}\n"
    )


def _password_left_out(url: str) -> str:
    """The URL with no password at all (pg_dump then asks for it), unlike without_password's mask."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", "@", 1)).geturl()
