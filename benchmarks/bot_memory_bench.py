"""Start-up time and resident memory of the real bot with the full-size catalog, over the wire.

Run: python -m benchmarks.bot_memory_bench [--titles N] [--starts N]

The catalog is imported by the command line first (`catalog import`, which also saves the title
index beside the database). Then the real `python -m bot run` is started several times against the
local fake of Discord (tests/fake_discord.py), and each start is timed from spawning the process to:
the gateway session (READY), the first autocomplete answered, and the first command answered
(`/score` of the title picked from that autocomplete). The process's resident memory (VmRSS) is read
once it has answered. Reported as min / median / max with the load average beside each start.

Then the same starts without a usable saved index (deleted: a first start; or damaged): the bot
must still connect and answer at once (from the database) while it builds the index in the
background, and use the index once it is built.

Targets (issue 12): answering <= 2 s after the process starts, <= 120 MB resident.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.synthetic import write_catalog
from bot.catalog.loading import snapshot_path
from tests.bot_process import BotProcess
from tests.fake_discord import FakeDiscord

READY_SECONDS = 2.0
TARGET_MB = 120
# Typed into the /score title option: a partial word, as members type it.
TYPED = "kimi"


@dataclass
class Start:
    ready: float  # seconds from spawning the process to READY on the gateway
    completed: float  # ... to the first autocomplete answered
    commanded: float  # ... to the first /score answered
    rss_mb: float
    choices: int
    load: str
    indexed: float | None = None  # without a saved index: ... to the index built and in use
    indexed_mb: float | None = None  # ... and the resident memory then


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one_start(fake: FakeDiscord, db_path: Path, *, wait_for_index: bool = False) -> Start:
    """Start `python -m bot run`, time it to answering, read its memory, stop it."""
    load = load_average()
    bot = BotProcess(fake, db_path, env={"KANSOU_LOG_LEVEL": "INFO"})
    spawned = time.perf_counter()
    await bot.start()
    try:
        await bot.wait_connected(within=120)
        ready = time.perf_counter() - spawned
        completion = await fake.ask(fake.autocomplete_payload("score", "title", TYPED), within=30)
        completed = time.perf_counter() - spawned
        choices = completion.choices or []
        picked = choices[0]["value"] if choices else TYPED
        await fake.ask(fake.slash_payload("score", title=picked), within=30)
        commanded = time.perf_counter() - spawned
        assert bot.proc is not None
        memory = rss_mb(bot.proc.pid)
        indexed = indexed_mb = None
        if wait_for_index:
            await bot.wait_for_line("catalog index in use", within=300)
            indexed = time.perf_counter() - spawned
            after = await fake.ask(fake.autocomplete_payload("score", "title", TYPED), within=30)
            if not after.choices:
                raise AssertionError(f"no choices once the index was built; output:\n{bot.output}")
            indexed_mb = rss_mb(bot.proc.pid)
        bot.signal(signal.SIGTERM)
        await bot.wait_exit(30)
    finally:
        await bot.kill()
    return Start(ready, completed, commanded, memory, len(choices), load, indexed, indexed_mb)


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    return f"{min(values):.{digits}f} / {statistics.median(values):.{digits}f} / {max(values):.{digits}f} {unit}"


def report(label: str, starts: list[Start]) -> None:
    print(f"\n{label} ({len(starts)} starts; min / median / max)")
    print(f"  process start -> READY               {spread([s.ready for s in starts], 's')}")
    print(f"  process start -> autocomplete answer {spread([s.completed for s in starts], 's')}")
    print(f"  process start -> /score answered     {spread([s.commanded for s in starts], 's')}")
    print(f"  resident memory of the bot           {spread([s.rss_mb for s in starts], 'MB', 0)}")
    if all(s.indexed is not None for s in starts):
        print(f"  process start -> index in use        {spread([s.indexed or 0.0 for s in starts], 's')}")
        print(f"  resident memory, index in use        {spread([s.indexed_mb or 0.0 for s in starts], 'MB', 0)}")


async def run(titles: int, repeat: int) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        catalog, db_path = Path(scratch) / "catalog.json", Path(scratch) / "kansou.db"
        write_catalog(catalog, n_titles=titles)
        env = {**os.environ, "KANSOU_DB": str(db_path), "KANSOU_LOG_LEVEL": "WARNING"}
        started = time.perf_counter()
        command = [sys.executable, "-m", "bot", "catalog", "import", str(catalog)]
        await asyncio.to_thread(subprocess.run, command, env=env, check=True, stdout=subprocess.DEVNULL)
        print(f"catalog import of {titles:,} titles, with the saved index: {time.perf_counter() - started:.1f} s")
        saved = snapshot_path(db_path)
        assert saved is not None and saved.exists()
        kept = saved.read_bytes()
        fake = FakeDiscord()
        await fake.start()
        try:
            warm: list[Start] = []
            for n in range(repeat):
                warm.append(await one_start(fake, db_path))
                print(_line(f"start {n + 1} with the saved index", warm[-1]), flush=True)
            cold: list[Start] = []
            for n in range(repeat):
                saved.unlink()  # a first start: the index is built in the background
                cold.append(await one_start(fake, db_path, wait_for_index=True))
                print(_line(f"start {n + 1} without a saved index", cold[-1]), flush=True)
            saved.write_bytes(kept)
        finally:
            await fake.stop()
    report("with the saved index", warm)
    report("without a usable saved index (built in the background)", cold)
    answering = statistics.median(s.commanded for s in warm)
    memory = statistics.median(s.rss_mb for s in warm)
    cold_answering = statistics.median(s.commanded for s in cold)
    checks = {
        f"answering <= {READY_SECONDS:.0f} s after the process starts": answering <= READY_SECONDS,
        f"<= {TARGET_MB} MB resident": memory <= TARGET_MB,
        f"answering <= {READY_SECONDS:.0f} s without a saved index too": cold_answering <= READY_SECONDS,
        "autocomplete offered titles on every start": all(s.choices for s in (*warm, *cold)),
    }
    print()
    for check, ok in checks.items():
        print(f"  {check}: {'ok' if ok else 'MISSED'}")
    return 0 if all(checks.values()) else 1


def _line(label: str, start: Start) -> str:
    indexed = f", index in use {start.indexed:.2f} s ({start.indexed_mb:.0f} MB)" if start.indexed is not None else ""
    return (
        f"{label}: READY {start.ready:.2f} s, autocomplete {start.completed:.2f} s, /score {start.commanded:.2f} s"
        f"{indexed}, {start.rss_mb:.0f} MB (load average {start.load})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=40_000)
    parser.add_argument("--starts", type=int, default=3)
    args = parser.parse_args()
    return asyncio.run(run(args.titles, args.starts))


if __name__ == "__main__":
    sys.exit(main())
