"""Run the sandbox: the real bot on its own database, inside simcord, served as a local page until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
import webbrowser
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from simcord import Env

from bot.cli.catalog import import_catalog
from bot.client import COMMAND_HASH_KEY, KansouBot, create_bot
from bot.config import Settings
from bot.sandbox.seed import REVIEWED, seed
from bot.sandbox.world import DemoServer, build_demo_server, name_the_bot
from bot.storage.sqlite import SQLiteDatabase
from bot.storage.state import StateRepo

log = logging.getLogger(__name__)

DEFAULT_DB = Path("kansou-sandbox.db")
DEMO_CATALOG = resources.files("bot.sandbox").joinpath("demo_catalog.jsonl")
SEEDED_KEY = "sandbox_seeded"
# The Community field of a review post is refreshed on a 5 s timer; a shorter settle timeout lets
# simcord treat that waiting timer as parked instead of waiting for it after every command.
SETTLE_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    db_path: Path = DEFAULT_DB
    reset: bool = False
    open_browser: bool = True
    port: int | None = None  # None: any free loopback port


Say = Callable[[str], None]


def sandbox_settings(options: SandboxOptions, log_level: str = "INFO") -> Settings:
    """Production settings, except: no token, its own database, no AniList (the demo stays offline)."""
    return Settings(token=None, db_path=options.db_path, log_level=log_level, anilist=False)


async def prepare_database(path: Path, reset: bool) -> bool:
    """Create (or with reset, recreate) the sandbox database with the demo catalog; True when it is new."""
    if reset:
        await asyncio.to_thread(delete_database, path)
    db = await SQLiteDatabase.open(path)
    try:
        state = StateRepo(db)
        # The emulated Discord starts empty every run: make the bot sync its commands as on a first start.
        await state.set(COMMAND_HASH_KEY, "")
        if await state.get(SEEDED_KEY):
            return False
        with resources.as_file(DEMO_CATALOG) as catalog:
            await import_catalog(db, catalog, progress=False)  # what `kansou catalog import` does
        return True
    finally:
        await db.close()


def delete_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def mark_seeded(bot: KansouBot) -> None:
    await StateRepo(bot.db).set(SEEDED_KEY, datetime.now(UTC).isoformat())


async def catch_up_with_the_clock(env: Env) -> None:
    """simcord's clock starts on a fixed day; move it to now so messages carry today's date and fresh ids."""
    behind = (datetime.now(UTC) - env.now()).total_seconds()
    if behind > 0:
        await env.advance_time(behind)


async def welcome(server: DemoServer) -> None:
    """A first message from the admin that tells a visitor what to try."""
    await server.admin.send(
        server.reviews,
        "Welcome to the kansou sandbox! This is a pretend Discord server on your machine, running the real "
        "kansou bot.\n"
        "Type `/` in the message box below to see its commands, for example `/rate`, `/score`, `/top`, "
        "`/compare`, `/similar` or `/review show` (try Cowboy Bebop: it has an official review).\n"
        "**Viewing as** (top left) switches between the people here: Ren is a moderator and can post a review "
        "with `/mod review post`; Yuki, Haru, Mei and Sora are members.",
    )


async def serve(options: SandboxOptions, say: Say = print, log_level: str = "INFO") -> int:
    """Run the sandbox until the page's session ends, Ctrl-C or SIGTERM; 0 on a clean stop."""
    new = await prepare_database(options.db_path, options.reset)
    bot = create_bot(sandbox_settings(options, log_level))
    env = Env(bot, check_errors=False, settle_timeout=SETTLE_TIMEOUT)
    name_the_bot(env)
    # Built before the bot starts, so its ids never depend on what start-up allocates: the same every run.
    server = build_demo_server(env)
    stop = _stop_on_sigterm()
    try:
        await env.start()
        await catch_up_with_the_clock(env)
        await welcome(server)
        if new:
            say(f"Setting up the demo server (first run: scores and the official review of {REVIEWED})...")
            with _quiet_commands():  # the terminal shows what the visitor does, not the seeding
                await seed(server)
            await mark_seeded(bot)
        async with env.preview(server.reviews, viewers=server.people, layout="channel", port=options.port) as page:
            say(ready_text(page.url, options.db_path, new))
            if options.open_browser:
                _open_browser(page.url)
            await _first(page.wait_closed(), stop.wait())
        return 0
    finally:
        _restore_sigterm()
        await env.shutdown()
        await bot.close()
        say("kansou sandbox stopped.")


def ready_text(url: str, db_path: Path, new: bool) -> str:
    kept = (
        "Scores, reviews and settings are kept in"
        if new
        else "Welcome back: scores, reviews and settings from earlier runs are in"
    )
    return (
        f"kansou sandbox ready: open {url}\n"
        "  (loopback only; the link carries a secret token: it is for you alone, on this machine)\n"
        f"  {kept} {db_path} (--reset starts over; messages are not kept between runs).\n"
        "  Press Ctrl-C to stop."
    )


def graphical_browser_likely(environ: Mapping[str, str], platform: str) -> bool:
    """Whether opening a browser can show a window. On a Linux console webbrowser would fall back to a
    text browser (lynx, w3m) that takes over the terminal, so there only with a display or an explicit BROWSER."""
    if environ.get("BROWSER"):
        return True
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
    return True


def _open_browser(url: str) -> None:
    """Open the page where a browser is available. A daemon thread: some browsers block until they exit,
    and neither the sandbox nor its Ctrl-C should wait for that."""
    if graphical_browser_likely(os.environ, sys.platform):
        threading.Thread(target=_open_quietly, args=(url,), name="kansou-browser", daemon=True).start()


def _open_quietly(url: str) -> None:
    with contextlib.suppress(Exception):
        webbrowser.open(url, new=2)


async def _first(*waits: Awaitable[object]) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


@contextlib.contextmanager
def _quiet_commands() -> Iterator[None]:
    commands = logging.getLogger("kansou.commands")
    level = commands.level
    commands.setLevel(logging.WARNING)
    try:
        yield
    finally:
        commands.setLevel(level)


def _stop_on_sigterm() -> asyncio.Event:
    stop = asyncio.Event()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signal handlers on Windows
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    return stop


def _restore_sigterm() -> None:
    with contextlib.suppress(NotImplementedError, RuntimeError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM)
