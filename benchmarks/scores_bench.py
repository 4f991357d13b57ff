"""Database time of /score and /top with 1,000,000 ratings over 5,000 titles and 20,000 members in one server.

Run: python -m benchmarks.scores_bench [--ratings N] [--keep PATH]
Targets: /score median <= 5 ms, /top median <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.storage.db import Database
from bot.storage.ratings import RatingRepo
from bot.storage.sqlite import SQLiteDatabase

GUILD = 1
TITLES = 5_000
MEMBERS = 20_000
RATINGS = 1_000_000
SCORE_TARGET_MS = 5.0
TOP_TARGET_MS = 50.0


def rating_rows(ratings: int, seed: int = 7) -> list[tuple[int, int, int, int]]:
    """(guild, title, user, score) with distinct (title, user) pairs; each title has its own taste."""
    rng = random.Random(seed)
    taste = [rng.gauss(6.5, 1.3) for _ in range(TITLES + 1)]
    per_member, extra = divmod(ratings, MEMBERS)
    rows = []
    for user in range(1, MEMBERS + 1):
        # Popular titles (low ids) are picked more often, as in a real server.
        wanted = per_member + (1 if user <= extra else 0)
        picked: set[int] = set()
        while len(picked) < wanted:
            picked.add(min(TITLES, 1 + int(rng.paretovariate(0.6)) % TITLES))
            if len(picked) < wanted:
                picked.add(rng.randint(1, TITLES))
        for title in picked:
            score = round(rng.gauss(taste[title], 1.6))
            rows.append((GUILD, title, user, min(10, max(1, score))))
    return rows


def bulk_load(path: Path, ratings: int) -> None:
    """Titles and ratings in one transaction, the per-row triggers set aside; aggregates are rebuilt after."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO titles (id, name) VALUES (?, ?)", ((i, f"Title {i}") for i in range(1, TITLES + 1))
        )
        conn.executemany(
            "INSERT INTO title_sources (url, title_id) VALUES (?, ?)",
            ((f"https://anilist.co/anime/{i}", i) for i in range(1, TITLES + 1)),
        )
        # A bulk load is not the live path: the per-row triggers are set aside for it and the aggregates
        # rebuilt once afterwards (RatingRepo.rebuild_aggregates), as `python -m bot check --repair` would.
        triggers = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'ratings'"
        ).fetchall()
        for name, _ in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.executemany(
            "INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, ?, ?, ?)",
            rating_rows(ratings),
        )
        for _, sql in triggers:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


async def timed(label: str, runs: int, action: Callable[[int], Awaitable[object]]) -> float:
    """Median milliseconds of `runs` calls after a short warm-up."""
    for i in range(20):
        await action(i)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        await action(i)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    median = statistics.median(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"{label:<8} median {median:7.3f} ms   p99 {p99:7.3f} ms   ({runs} runs)")
    return median


async def measure(path: Path) -> tuple[float, float]:
    db = await SQLiteDatabase.open(path)
    repo = RatingRepo(db)
    rng = random.Random(11)
    try:
        print(f"ratings: {await repo.count():,}  drift: {len(await repo.recompute_drift())} rows")

        async def score(_: int) -> None:
            # /score's database work: one query for the votes, the asker's own score and the official review
            # (the title's links come from the catalog in memory).
            await repo.score_card(GUILD, rng.randint(1, TITLES), rng.randint(1, MEMBERS))

        async def top(i: int) -> None:
            await repo.top(GUILD, m=3, min_votes=3, limit=10, offset=(i % 5) * 10)

        return await timed("/score", 2_000, score), await timed("/top", 200, top)
    finally:
        await db.close()


async def build_ratings_db(
    path: Path, ratings: int, extra: Callable[[Database], Awaitable[None]] | None = None
) -> None:
    """The schema by the real migrations, the bulk ratings, exact aggregates, then `extra` (if any)."""
    await (await SQLiteDatabase.open(path)).close()
    started = time.perf_counter()
    bulk_load(path, ratings)
    db = await SQLiteDatabase.open(path)
    try:
        await RatingRepo(db).rebuild_aggregates()
        if extra is not None:
            await extra(db)
        await db.execute("ANALYZE")
    finally:
        await db.close()
    print(f"loaded {ratings:,} ratings in {time.perf_counter() - started:.1f} s")


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ratings", type=int, default=RATINGS)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.keep or Path(scratch) / "bench.db"
        if not path.exists():
            await build_ratings_db(path, args.ratings)
        score_ms, top_ms = await measure(path)
    print(f"/score {'OK' if score_ms <= SCORE_TARGET_MS else 'OVER'} (target {SCORE_TARGET_MS} ms)")
    print(f"/top   {'OK' if top_ms <= TOP_TARGET_MS else 'OVER'} (target {TOP_TARGET_MS} ms)")
    return 0 if score_ms <= SCORE_TARGET_MS and top_ms <= TOP_TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
