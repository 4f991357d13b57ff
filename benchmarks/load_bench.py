"""Load over the wire: the real `python -m bot run` process against the fake Discord (tests/fake_discord.py).

Run: python -m benchmarks.load_bench [--seconds S] [--rates 200,400,...] [--repeat N]

Open-loop load: interactions are sent over the fake gateway at a fixed rate for S seconds, whether or
not earlier ones were answered, the way Discord delivers them. The answer time of each is measured at
the fake, from sending the INTERACTION_CREATE to receiving the bot's callback (a message, choices or a
deferral). A rate is sustained when every interaction was answered and p99 <= 1 s. Two loads: /rate
only, and a mix (40 % /rate, 25 % /score, 10 % /top, 25 % title autocomplete). The bot process and
this process (fake Discord and load generator) share the machine's cores: figures are for the whole.

Target: >= 500 /rate per second sustained with p99 <= 1 s. LOAD_BOT_LOG_LEVEL=WARNING runs the bot without its
per-command log line (at INFO, the default, the bot writes one line per interaction into this process's pipe).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import signal
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.storage.sqlite import SQLiteDatabase
from tests.bot_process import BotProcess
from tests.fake_discord import Answer, FakeDiscord

TITLES = 5_000
MEMBERS = 20_000
TARGET_RATE, TARGET_P99 = 500, 1.0
DEFAULT_RATES = (200, 300, 400, 500, 600, 800, 1000)


async def seed(path: Path) -> None:
    db = await SQLiteDatabase.open(path)
    try:
        await db.executemany(
            "INSERT INTO titles (id, name) VALUES (?, ?)", [(i, f"Bench Title {i}") for i in range(1, TITLES + 1)]
        )
    finally:
        await db.close()


Payload = Callable[[FakeDiscord, random.Random, int], dict[str, Any]]


def rate(fake: FakeDiscord, rng: random.Random, n: int) -> dict[str, Any]:
    return fake.slash_payload(
        "rate", user_id=10 + n % MEMBERS, title=f"t:{rng.randint(1, TITLES)}", score=rng.randint(1, 10)
    )


def score(fake: FakeDiscord, rng: random.Random, n: int) -> dict[str, Any]:
    return fake.slash_payload("score", user_id=10 + n % MEMBERS, title=f"t:{rng.randint(1, TITLES)}")


def top(fake: FakeDiscord, rng: random.Random, n: int) -> dict[str, Any]:
    return fake.slash_payload("top", user_id=10 + n % MEMBERS)


def autocomplete(fake: FakeDiscord, rng: random.Random, n: int) -> dict[str, Any]:
    return fake.autocomplete_payload("score", "title", f"bench title {rng.randint(1, 999)}", user_id=10 + n % MEMBERS)


MIXES: dict[str, list[tuple[Payload, float]]] = {
    "rate": [(rate, 1.0)],
    "mixed": [(rate, 0.40), (score, 0.25), (top, 0.10), (autocomplete, 0.25)],
}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


async def one_step(fake: FakeDiscord, mix: str, per_second: int, seconds: float, seed_: int) -> tuple[float, int, int]:
    """Send `per_second` interactions a second for `seconds`; (p99 answer time, answered, sent)."""
    rng = random.Random(seed_)
    kinds, weights = zip(*MIXES[mix], strict=True)
    total = int(per_second * seconds)
    payloads = [rng.choices(kinds, weights)[0](fake, rng, seed_ * 1_000_000 + n) for n in range(total)]
    answers: list[Answer] = []
    loop = asyncio.get_running_loop()
    started = loop.time()
    for n, payload in enumerate(payloads):
        due = started + n / per_second
        if due > loop.time():
            await asyncio.sleep(due - loop.time())
        answers.append(await fake.send(payload))
    deadline = loop.time() + 10
    for answer in answers:  # bounded: whatever is not answered 10 s after the last send counts as lost
        left = deadline - loop.time()
        if left > 0 and not answer.done.is_set():
            try:
                await asyncio.wait_for(answer.done.wait(), left)
            except TimeoutError:
                break
    times = [first_callback_seconds(answer) for answer in answers]
    answered = [t for t in times if t is not None]
    p99 = percentile(answered, 0.99) if answered else float("inf")
    if mix != "rate":
        by_kind: dict[str, list[float]] = {}
        for payload, seconds_ in zip(payloads, times, strict=True):
            kind = ("autocomplete " if payload["type"] == 4 else "/") + payload["data"]["name"]
            by_kind.setdefault(kind, []).append(float("inf") if seconds_ is None else seconds_)
        print(
            "    p50/p99 by kind: "
            + ", ".join(
                f"{kind} {statistics.median(v) * 1000:.0f}/{percentile(v, 0.99) * 1000:.0f} ms"
                for kind, v in sorted(by_kind.items())
            )
        )
    return p99, len(answered), total


def first_callback_seconds(answer: Answer) -> float | None:
    """Seconds from sending to the bot's first callback (the user sees an answer or "thinking…")."""
    stamp = answer.first_callback_at
    return None if stamp is None else stamp - answer.sent_at


async def run(seconds: float, rates: tuple[int, ...], repeat: int) -> int:
    # The generator and the fake hold every payload and answer of a step: a full collection of that heap
    # would stall this process, and the stall would be counted against the bot.
    gc.disable()
    results: dict[str, list[int]] = {mix: [] for mix in MIXES}
    with tempfile.TemporaryDirectory() as scratch:
        db_path = Path(scratch) / "kansou.db"
        await seed(db_path)
        fake = FakeDiscord()
        await fake.start()
        bot = BotProcess(fake, db_path, env={"KANSOU_LOG_LEVEL": os.environ.get("LOAD_BOT_LOG_LEVEL", "INFO")})
        await bot.start()
        try:
            await bot.wait_connected(within=60)
            step = 0
            for round_ in range(repeat):
                for mix in MIXES:
                    best = 0
                    for per_second in rates:
                        step += 1
                        p99, answered, sent = await one_step(fake, mix, per_second, seconds, step)
                        ok = answered == sent and p99 <= TARGET_P99
                        print(
                            f"round {round_ + 1} {mix:<6} {per_second:>5}/s for {seconds:.0f} s: "
                            f"answered {answered}/{sent}  p99 {p99 * 1000:7.1f} ms  {'ok' if ok else 'over'}",
                            flush=True,
                        )
                        fake.answers.clear()  # the generator's own heap must not grow from step to step
                        fake.requests.clear()
                        await asyncio.sleep(2)  # let the bot drain before the next step
                        if not ok:
                            break
                        best = per_second
                    results[mix].append(best)
            bot.signal(signal.SIGTERM)
            await bot.wait_exit(30)
        finally:
            await bot.kill()
            await fake.stop()
    load = os.getloadavg()
    print(
        f"\nload average while running (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; cores: {os.cpu_count()}"
    )
    for mix, bests in results.items():
        print(
            f"{mix:<6} highest rate sustained with p99 <= 1 s: min {min(bests)}/s  "
            f"median {statistics.median(bests):.0f}/s  max {max(bests)}/s  ({repeat} rounds)"
        )
    if "rate" not in results:
        return 0
    met = statistics.median(results["rate"]) >= TARGET_RATE
    print(f"target: /rate >= {TARGET_RATE}/s with p99 <= 1 s: {'met' if met else 'MISSED'}")
    return 0 if met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rates", default=",".join(map(str, DEFAULT_RATES)))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=sorted(MIXES), help="run one of the two loads")
    args = parser.parse_args()
    if args.only:
        for other in [mix for mix in MIXES if mix != args.only]:
            del MIXES[other]
    rates = tuple(int(r) for r in args.rates.split(","))
    return asyncio.run(run(args.seconds, rates, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
