"""The real `python -m bot run` process against tests/fake_discord.py: start it, read its log, stop it.

Every process started here is killed at the latest when its `async with` block ends, so a failing
test never leaves one behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from pathlib import Path

from bot.catalog.models import Title
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles
from tests.fake_discord import FakeDiscord

ROOT = Path(__file__).resolve().parent.parent


class BotProcess:
    """One kansou process; its combined output is collected line by line."""

    def __init__(self, fake: FakeDiscord, db_path: Path, *, env: Mapping[str, str] | None = None) -> None:
        self.fake = fake
        self.db_path = db_path
        self.extra_env = dict(env or {})
        self.lines: list[str] = []
        self.proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._new_line = asyncio.Event()

    async def start(self, *args: str) -> None:
        self.fake.identified.clear()  # a fake reused across restarts: wait for this process's IDENTIFY
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(self.db_path.parent)),
            "PYTHONPATH": str(ROOT),
            "PYTHONUNBUFFERED": "1",
            "DISCORD_TOKEN": "fake-token-for-tests",
            "KANSOU_DB": str(self.db_path),
            "KANSOU_ANILIST": "0",
            "KANSOU_LOG_LEVEL": "INFO",
            "KANSOU_TEST_DISCORD_URL": self.fake.url,
            **self.extra_env,
        }
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "--env-file",
            os.devnull,
            *(args or ("run",)),
            cwd=self.db_path.parent,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for raw in self.proc.stdout:
            self.lines.append(raw.decode(errors="replace").rstrip("\n"))
            self._new_line.set()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    async def wait_for_line(self, text: str, within: float = 15.0) -> str:
        """The first output line containing text; AssertionError (with the output) after `within` seconds."""
        deadline = time.monotonic() + within
        while True:
            for line in self.lines:
                if text in line:
                    return line
            left = deadline - time.monotonic()
            if left <= 0 or (self.proc is not None and self.proc.returncode is not None and self._reader_done()):
                raise AssertionError(f"no line containing {text!r} within {within} s; output:\n{self.output}")
            self._new_line.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_line.wait(), min(left, 0.2))

    def _reader_done(self) -> bool:
        return self._reader is not None and self._reader.done()

    async def wait_connected(self, within: float = 30.0) -> None:
        """Until the bot has identified on the fake gateway (storage opened and commands checked by then)."""
        assert self.proc is not None
        identified = asyncio.create_task(self.fake.identified.wait())
        exited = asyncio.create_task(self.proc.wait())
        await asyncio.wait({identified, exited}, timeout=within, return_when=asyncio.FIRST_COMPLETED)
        identified.cancel()
        exited.cancel()
        if not self.fake.identified.is_set():
            await asyncio.sleep(0.2)  # the last lines of output
            raise AssertionError(f"the bot did not connect within {within} s; output:\n{self.output}")

    def signal(self, signum: int = signal.SIGTERM) -> None:
        assert self.proc is not None
        self.proc.send_signal(signum)

    async def wait_exit(self, within: float) -> int:
        """The exit code; AssertionError (with the output) if the process is still running after `within` seconds."""
        assert self.proc is not None
        try:
            code = await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            raise AssertionError(f"still running {within} s later; output:\n{self.output}") from None
        if self._reader is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._reader, 5)
        return code

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


@contextlib.asynccontextmanager
async def fake_discord(port: int = 0, *, also_in: Iterable[int] = ()) -> AsyncIterator[FakeDiscord]:
    """A started fake Discord; `also_in`: more servers the bot is in."""
    fake = FakeDiscord(also_in=also_in)
    await fake.start(port)
    try:
        yield fake
    finally:
        await fake.stop()


@contextlib.asynccontextmanager
async def bot_process(
    fake: FakeDiscord,
    db_path: Path,
    *args: str,
    env: Mapping[str, str] | None = None,
    catalog: Sequence[Title] = (),
) -> AsyncIterator[BotProcess]:
    """A started kansou process, killed (if still running) when the block ends.

    `catalog`: titles written into the database before the start (e.g. the show a test scores).
    """
    if catalog:
        await seed_titles(db_path, catalog)
    process = BotProcess(fake, db_path, env=env)
    await process.start(*args)
    try:
        yield process
    finally:
        await process.kill()


async def rate_burst(fake: FakeDiscord, count: int, *, title: str = "Frieren", first_user: int = 10) -> list:
    """Send `count` /rate interactions from different members at once; returns their Answers."""
    payloads: Sequence[dict] = [
        fake.slash_payload("rate", user_id=first_user + n, title=title, score=1 + n % 10) for n in range(count)
    ]
    return [await fake.send(payload) for payload in payloads]


def frieren() -> list[Title]:
    """A one-title catalog: the show the process tests score."""
    return [title for title in sample_titles() if title.name.startswith("Frieren")]
