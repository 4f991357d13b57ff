"""2,000 /rate interactions through simcord beside a no-op slash command run the same way.

Run: python -m benchmarks.rate_bench [--interactions N]

Measured per interaction: the bot's own handling time, read from the per-command log line
("... ok in X ms": from the moment the command starts to the reply being sent), and the process CPU
time (bot and simcord together, in one process). simcord's wall clock per action includes its idle
polling and is not reported. Target: /rate p50 handling time at most 2x the no-op's.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import discord
import simcord

from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.interactions.replies import reply
from bot.storage.sqlite import SQLiteDatabase

TITLES = 5_000
MEMBERS = 200
_HANDLED = re.compile(r"^/(\S+) .* ok in ([0-9.]+) ms$")


class HandlingTimes(logging.Handler):
    """Collects the handling time of each completed command from kansou's per-command log line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.by_command: dict[str, list[float]] = {}

    def emit(self, record: logging.LogRecord) -> None:
        match = _HANDLED.match(record.getMessage())
        if match:
            self.by_command.setdefault(match.group(1), []).append(float(match.group(2)))


async def seed(path: Path) -> None:
    db = await SQLiteDatabase.open(path)
    try:
        await db.executemany(
            "INSERT INTO titles (id, name) VALUES (?, ?)", [(i, f"Bench Title {i}") for i in range(1, TITLES + 1)]
        )
    finally:
        await db.close()


def build_bot(settings: Settings) -> KansouBot:
    bot = create_bot(settings)

    @bot.tree.command(name="noop", description="Benchmark baseline: replies and does nothing else")
    async def noop(interaction: discord.Interaction) -> None:
        await reply(interaction, "ok")

    return bot


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def summary(label: str, handling: list[float], cpu: list[float]) -> tuple[float, float]:
    p50, p99 = statistics.median(handling), percentile(handling, 0.99)
    cpu50, cpu99 = statistics.median(cpu), percentile(cpu, 0.99)
    print(
        f"{label:<6} handling p50 {p50:6.3f} ms  p99 {p99:6.3f} ms   "
        f"process CPU p50 {cpu50:6.3f} ms  p99 {cpu99:6.3f} ms   ({len(handling)} interactions)"
    )
    return p50, cpu50


async def run(interactions: int) -> float:
    times = HandlingTimes()
    commands_log = logging.getLogger("kansou.commands")
    commands_log.addHandler(times)
    commands_log.setLevel(logging.INFO)
    commands_log.propagate = False  # keep 4,000 log lines off the terminal
    rng = random.Random(2000)
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(token=None, db_path=Path(scratch) / "bench.db", anilist=False)
        await seed(settings.db_path)
        kansou = build_bot(settings)
        async with simcord.run(kansou) as env:
            guild = env.create_guild("Bench Club")
            channel = guild.create_text_channel("general")
            members = [guild.add_member(env.create_user(f"member{i}")) for i in range(MEMBERS)]
            cpu: dict[str, list[float]] = {"rate": [], "noop": []}
            plan = ["rate"] * interactions + ["noop"] * interactions
            rng.shuffle(plan)  # interleaved, so neither side gets a warmer cache or a later, bigger database
            for _ in range(50):  # warm-up, not measured
                await members[0].slash(channel, "noop")
                await members[0].slash(channel, "rate", title=f"t:{rng.randint(1, TITLES)}", score=5)
            times.by_command.clear()
            for command in plan:
                member = rng.choice(members)
                started = time.process_time()
                if command == "rate":
                    await member.slash(channel, "rate", title=f"t:{rng.randint(1, TITLES)}", score=rng.randint(1, 10))
                else:
                    await member.slash(channel, "noop")
                cpu[command].append((time.process_time() - started) * 1000)
        await kansou.db.close()  # simcord detaches without closing; an open connection blocks exit
    rate_p50, rate_cpu = summary("/rate", times.by_command["rate"], cpu["rate"])
    noop_p50, noop_cpu = summary("/noop", times.by_command["noop"], cpu["noop"])
    print(f"ratio /rate : no-op   handling p50 {rate_p50 / noop_p50:.2f}   process CPU p50 {rate_cpu / noop_cpu:.2f}")
    print("target: handling ratio <= 2")
    return rate_p50 / noop_p50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--interactions", type=int, default=2_000, help="of each command (default 2000)")
    ratio = asyncio.run(run(parser.parse_args().interactions))
    raise SystemExit(0 if ratio <= 2 else 1)


if __name__ == "__main__":
    main()
