"""Command line: `python -m bot [run]`, `sandbox`, `check`, `db backup PATH`, `catalog import|update`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot import __version__
from bot.cli.catalog import add_catalog_parser
from bot.cli.db import add_copy_parser, pg_dump_guidance
from bot.cli.sandbox import add_sandbox_parser, interactive, sandbox_instead_of_discord
from bot.config import MISSING_TOKEN_HELP, ConfigError, Settings, load_settings
from bot.discord_token import token_shape
from bot.errors import StorageUnavailable
from bot.logs import configure_logging
from bot.plural import plural
from bot.storage.db import Database, StorageError, latest_version, open_database
from bot.storage.ratings import RatingRepo
from bot.storage.state import StateRepo
from bot.storage.titles import TitleRepo

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger("kansou")
# Raised by the first requests when the network or DNS is down (the gateway reconnects on its own).
NETWORK_ERRORS = (aiohttp.ClientConnectionError, discord.DiscordServerError, TimeoutError)
STORAGE_AT_START = {
    "busy": "another program keeps it locked",
    "full": "the disk holding it is full",
    "read-only": "it cannot be written (read-only file, directory or disk)",
    "failing": "the disk reported an error reading or writing it (a full disk can cause this too)",
    "unreachable": "the PostgreSQL server does not answer",
}

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

# A coroutine function, not any awaitable: main() hands its result to asyncio.run.
Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


async def run_bot(args: argparse.Namespace, settings: Settings) -> int:
    """Run until SIGTERM or Ctrl-C, then stop gracefully (bot.shutdown); a second signal exits at once."""
    from bot.client import create_bot
    from bot.loopback import use_test_discord

    if not settings.token:
        print(MISSING_TOKEN_HELP, file=sys.stderr)
        return EXIT_USAGE
    try:
        use_test_discord()
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if empty_database(settings.db_path) and not getattr(args, "init", False):
        print(
            f"The database file {settings.db_path} is empty (0 bytes): its data may have been lost, or the file "
            "was created by mistake. Restore a backup there, or start once with `run --init` to begin a new database.",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    stop = asyncio.Event()
    install_stop_signals(stop)
    delay = 1.0
    while True:
        try:
            await run_until_stopped(create_bot(settings), settings.token, stop)
        except discord.LoginFailure:
            print(
                "Discord rejected the token in DISCORD_TOKEN: copy it again from the developer portal "
                "(Bot tab, Reset Token) into .env.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        except StorageError as exc:
            print(f"kansou cannot use its database: {exc}", file=sys.stderr)
            return EXIT_PROBLEM
        except StorageUnavailable as exc:
            reason = STORAGE_AT_START.get(exc.reason, exc.reason)
            print(
                f"kansou cannot use its database {settings.describe_database()}: {reason} ({exc.detail})",
                file=sys.stderr,
            )
            return EXIT_PROBLEM
        except NETWORK_ERRORS as exc:
            # No network (DNS, refused, timed out) before the gateway is up: one line, then a fresh try.
            log.warning("cannot reach Discord (%s); trying again in %.0f s", describe_network_error(exc), delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                break
            delay = min(delay * 2, 60.0)
            continue
        break
    logging.getLogger("kansou").info("stopped")
    return EXIT_OK


async def run_until_stopped(bot: KansouBot, token: str, stop: asyncio.Event) -> None:
    """Start the bot; when `stop` is set, drain and close it. Start-up errors propagate (the bot closed)."""
    async with bot:
        runner = asyncio.create_task(bot.start(token), name="kansou-run")
        stopping = asyncio.create_task(stop.wait(), name="kansou-stop")
        await asyncio.wait({runner, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stop.is_set():
            await stop_bot(bot, runner)
        else:
            stopping.cancel()
        await runner


def empty_database(path: Path) -> bool:
    return path.is_file() and path.stat().st_size == 0


def describe_network_error(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:200] + "…"


def install_stop_signals(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set `stop`; a second one ends the process at once."""
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            logging.getLogger("kansou").warning("second %s: exiting at once", signal.Signals(signum).name)
            os._exit(128 + signum)
        logging.getLogger("kansou").info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # signal handlers are not available on Windows
            loop.add_signal_handler(signum, on_signal, signum)


async def stop_bot(bot: KansouBot, runner: asyncio.Task[None]) -> None:
    """Drain and close a running bot; one still starting up is cancelled, then closed."""
    if bot.ws is None and not runner.done():  # not connected yet: nothing is in flight
        runner.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await runner
    await bot.shutdown()


async def check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the configuration and the database; print what was found; non-zero on a problem."""
    problems: list[str] = []
    print(f"kansou {__version__}")
    problems.extend(check_token(settings.token))
    print(f"database: {settings.describe_database()}")
    print(f"development server: {settings.dev_guild or 'none (global commands)'}")
    if settings.db_url is None and not settings.db_path.exists():
        print("database file does not exist yet: it is created on the first start")
    else:
        try:
            db = await open_database(settings.database, migrate=False, files=settings.db_path)
        except StorageError as exc:
            problems.append(str(exc))
        else:
            try:
                problems.extend(await check_database(db))
            finally:
                await db.close()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("ok" if not problems else plural(len(problems), "problem"))
    return EXIT_OK if not problems else EXIT_PROBLEM


def check_token(token: str | None) -> list[str]:
    """Print what was checked about DISCORD_TOKEN (offline: its shape, not its validity); the problems."""
    if not token:
        print("token: MISSING")
        return ["DISCORD_TOKEN is not set (see .env.example)"]
    shape = token_shape(token)
    if shape.problem is not None:
        print("token: set, but not shaped like a Discord bot token")
        return [f"DISCORD_TOKEN does not look like a bot token: {shape.problem}"]
    print(
        f"token: shaped like a bot token (three dot-separated segments; the first encodes bot id {shape.bot_id}); "
        "checked offline: Discord itself accepts or rejects it when kansou starts"
    )
    return []


async def check_database(db: Database) -> list[str]:
    problems = []
    version, latest = await db.schema_version(), latest_version()
    print(f"schema version: {version} (this kansou: {latest})")
    if version > latest:
        problems.append(f"the database is from a newer kansou (schema {version} > {latest})")
        return problems
    if version < latest:
        print("the database will be upgraded in place on the next start")
    state = StateRepo(db)
    integrity = await state.integrity()
    print(f"integrity: {integrity}")
    if integrity != "ok":
        problems.append(f"{db.dialect} integrity check failed: {integrity}")
    if version == latest:
        for label, count in (await state.counts()).items():
            print(f"{label}: {count:,}")
        drift = await RatingRepo(db).recompute_drift()
        print(f"score aggregates: {'exact' if not drift else f'{len(drift)} drifted'}")
        problems.extend(f"score aggregate drift: {d.describe()}" for d in drift)
        pending = await TitleRepo(db).find_local_matches()
        if pending:
            print(f"local titles that the next catalog import will merge: {len(pending)}")
    return problems


async def backup(args: argparse.Namespace, settings: Settings) -> int:
    if settings.db_url is not None:  # PostgreSQL's own pg_dump does it; no backup was made here
        print(pg_dump_guidance(settings.db_url, args.path))
        return EXIT_PROBLEM
    if not settings.db_path.exists():
        print(f"there is no database at {settings.db_path} to back up", file=sys.stderr)
        return EXIT_PROBLEM
    db = await open_database(settings.database, migrate=False, files=settings.db_path)
    try:
        target = await db.backup(args.path)
    except StorageError as exc:
        print(f"backup failed: {exc}", file=sys.stderr)
        return EXIT_PROBLEM
    finally:
        await db.close()
    print(f"backed up {settings.describe_database()} to {target}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kansou", description="kansou, a Discord bot for anime communities.")
    parser.add_argument("--version", action="version", version=f"kansou {__version__}")
    parser.add_argument(
        "--env-file", default=None, help="settings file to read; it must exist (default: .env, when there is one)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run_parser = sub.add_parser("run", help="run the bot on Discord (needs DISCORD_TOKEN)")
    run_parser.add_argument(
        "--init", action="store_true", help="accept an empty (0-byte) database file and start a new database in it"
    )
    run_parser.set_defaults(func=run_bot)
    add_sandbox_parser(sub)
    sub.add_parser("check", help="validate the configuration and the database").set_defaults(func=check)
    db_parser = sub.add_parser("db", help="database maintenance")
    db_sub = db_parser.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    backup_parser = db_sub.add_parser("backup", help="a consistent copy of the database, safe while the bot runs")
    backup_parser.add_argument("path", type=Path, help="the new file to write")
    backup_parser.set_defaults(func=backup)
    add_copy_parser(db_sub)
    add_catalog_parser(sub)
    return parser


def with_database(job: Callable[[argparse.Namespace, Database], Awaitable[int]]) -> Command:
    """Run a maintenance job on the migrated database, closing it afterwards."""

    async def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            db = await open_database(settings.database, files=settings.db_path)
        except StorageError as exc:
            print(f"kansou cannot use its database: {exc}", file=sys.stderr)
            return EXIT_PROBLEM
        try:
            return await job(args, db)
        finally:
            await db.close()

    return run


def default_command(settings: Settings) -> Command:
    """No subcommand: Discord when a token is set; else the sandbox for someone at a terminal; else the token help."""
    if settings.token or not interactive():
        return run_bot
    return sandbox_instead_of_discord


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.env_file is not None and not (Path(args.env_file).exists() and not Path(args.env_file).is_dir()):
        print(f"kansou: the settings file given with --env-file does not exist: {args.env_file}", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = load_settings(args.env_file or ".env")
    except ConfigError as exc:
        print(f"kansou's configuration has a problem:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    func: Command = getattr(args, "func", None) or default_command(settings)
    if getattr(args, "needs_db", False):
        func = with_database(args.func)
    configure_logging(settings.log_level)
    try:
        return asyncio.run(func(args, settings))
    except KeyboardInterrupt:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
