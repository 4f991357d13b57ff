"""`kansou sandbox [--db PATH] [--reset] [--no-browser] [--port N]`, and the sandbox as the token-less default."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.sandbox import missing_extra_message, missing_modules
from bot.storage.db import StorageError

DEFAULT_DB = Path("kansou-sandbox.db")
EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2

SANDBOX_INSTEAD = "No DISCORD_TOKEN is set, so kansou starts in sandbox mode: a pretend server in your browser."
GO_LIVE = """\
To run kansou on Discord instead:
  1. Create an application at https://discord.com/developers/applications and add a bot (Bot tab).
  2. Put its token in a file named .env here:  DISCORD_TOKEN=your-token-here
  3. Invite it with the `bot` and `applications.commands` scopes (the README lists the permissions).
Then start kansou again (`python -m bot run` never falls back to the sandbox)."""


def add_sandbox_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `sandbox`: the real bot in a demo server shown as a local web page (no token needed)."""
    parser = subparsers.add_parser(
        "sandbox",
        help="try kansou in your browser: a demo server on this machine, no Discord token needed",
        description="Run the real kansou bot in an emulated Discord server, served as a page on 127.0.0.1.",
    )
    parser.add_argument(
        "--db", type=Path, default=DEFAULT_DB, help=f"the sandbox's own database file (default: {DEFAULT_DB})"
    )
    parser.add_argument("--reset", action="store_true", help="delete the sandbox database first and start over")
    parser.add_argument("--no-browser", action="store_true", help="print the address but do not open a browser")
    parser.add_argument("--port", type=port_number, default=None, help="the loopback port (default: any free port)")
    parser.set_defaults(func=run_sandbox)
    return parser


def port_number(text: str) -> int:
    """A TCP port for argparse: 1 to 65535."""
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"a port is a number from 1 to 65535, not {text!r}")
    return int(text)


def database_problem(db_path: Path, settings: Settings) -> str | None:
    """Why the sandbox may not use this database file, if it may not."""
    if db_path.resolve() == settings.db_path.resolve():
        return (
            f"{db_path} is kansou's own database (KANSOU_DB); the sandbox writes demo data "
            "and --reset deletes its file, so give it another --db."
        )
    if not db_path.parent.exists():
        return f"the directory {db_path.parent} does not exist"
    return None


def interactive() -> bool:
    """Someone is at a terminal (not a service manager, a pipe or a cron job)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


async def run_sandbox(args: argparse.Namespace, settings: Settings) -> int:
    """Serve the sandbox until Ctrl-C; EXIT_USAGE with the install command when the extra is missing."""
    missing = missing_modules()
    if missing:
        print(missing_extra_message(missing), file=sys.stderr)
        return EXIT_USAGE
    db_path: Path = getattr(args, "db", DEFAULT_DB)
    problem = database_problem(db_path, settings)
    if problem:
        print(f"kansou sandbox: {problem}", file=sys.stderr)
        return EXIT_USAGE
    _quiet_logs(settings.log_level)  # before importing simcord, which builds a probe client on import
    from simcord import SetupError

    from bot.sandbox.app import SandboxOptions, serve
    from bot.sandbox.seed import SeedError

    options = SandboxOptions(
        db_path=db_path,
        reset=getattr(args, "reset", False),
        open_browser=not getattr(args, "no_browser", False),
        port=getattr(args, "port", None),
    )
    try:
        return await serve(options, say=_say, log_level=settings.log_level)
    except SeedError as exc:
        print(f"kansou sandbox: setting up the demo failed: {exc}\nStart over with --reset.", file=sys.stderr)
        return EXIT_PROBLEM
    except StorageError as exc:
        print(f"kansou sandbox cannot use its database {db_path}: {exc}\nStart over with --reset.", file=sys.stderr)
        return EXIT_PROBLEM
    except (OSError, SetupError) as exc:  # above all: the port asked for is taken
        hint = f" (is another program using port {options.port}? Without --port any free one is used)"
        print(f"kansou sandbox could not start: {exc}{hint if options.port else ''}", file=sys.stderr)
        return EXIT_PROBLEM


async def sandbox_instead_of_discord(args: argparse.Namespace, settings: Settings) -> int:
    """`python -m bot` with no token on a terminal: say so first, with the way to go live, then the sandbox."""
    _say(SANDBOX_INSTEAD)
    _say(GO_LIVE)
    return await run_sandbox(args, settings)


def _say(text: str) -> None:
    print(text, flush=True)


def _quiet_logs(level: str) -> None:
    """The terminal is the sandbox's console: warnings, and one line per command used on the page."""
    if logging.getLevelName(level) >= logging.WARNING:
        return
    for name in ("", "discord.http"):
        logging.getLogger(name).setLevel(logging.WARNING)
    # discord.py's start-up notes (voice support, intents) are about a real gateway, not the sandbox.
    logging.getLogger("discord").setLevel(logging.ERROR)
    logging.getLogger("kansou.commands").setLevel(logging.INFO)
