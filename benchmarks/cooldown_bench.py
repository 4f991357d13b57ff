"""The stored /rate cooldown: one take (check and stamp) at 0 / 10,000 / 50,000 stamps in the table.

Run: python -m benchmarks.cooldown_bench

The cooldown is kept in the database (rating_cooldowns) so that every process of a sharded bot
enforces it; a take is one upsert on the member's row. Measures CooldownRepo.take on a SQLite file,
500 new members per round, 5 rounds per size: min / median / max of the mean per call.
Target: at 50,000 stamps the median stays under 1 ms per take (the table's size must not matter).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.storage.cooldowns import CooldownRepo
from bot.storage.db import open_database

SIZES = (0, 10_000, 50_000)
CALLS = 500
ROUNDS = 5
TARGET_MS = 1.0


async def mean_take_ms(directory: Path, size: int) -> float:
    db = await open_database(directory / f"cooldowns-{size}-{time.perf_counter_ns()}.db")
    try:
        await db.executemany(
            "INSERT INTO rating_cooldowns (guild_id, user_id, rated_at) VALUES (1, ?, 1000.0)",
            ((member,) for member in range(size)),
        )
        repo = CooldownRepo(db)
        started = time.perf_counter()
        for member in range(size, size + CALLS):
            await repo.take(1, member, 2000.0, 60)
        return (time.perf_counter() - started) / CALLS * 1e3
    finally:
        await db.close()


async def measure() -> dict[int, list[float]]:
    with tempfile.TemporaryDirectory() as directory:
        return {size: [await mean_take_ms(Path(directory), size) for _ in range(ROUNDS)] for size in SIZES}


def main() -> int:
    results = asyncio.run(measure())
    for size, samples in results.items():
        print(
            f"{size:>6,} stamps: per take min {min(samples):6.3f} ms  median {statistics.median(samples):6.3f} ms  "
            f"max {max(samples):6.3f} ms"
        )
    worst = statistics.median(results[SIZES[-1]])
    met = worst <= TARGET_MS
    print(f"target: median at {SIZES[-1]:,} stamps <= {TARGET_MS} ms per take: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
