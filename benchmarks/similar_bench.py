"""/similar's work (graph, member-score similarity, tags, ranking) on a real SQLite file, full size.

Data: the scores benchmark's 1,000,000 ratings over 5,000 titles and 20,000 members in one server
(popular titles are scored by most members), plus 2 to 6 catalog tags per title and 1,500
official reviews comparing 1 to 4 titles each.

Run: python -m benchmarks.similar_bench [--ratings N] [--runs N] [--keep PATH]
Target: median <= 200 ms over titles picked uniformly at random.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.scores_bench import GUILD, MEMBERS, RATINGS, TITLES, build_ratings_db
from bot.comparisons.graph import EdgeKind
from bot.comparisons.service import ComparisonService
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import Database
from bot.storage.ratings import RatingRepo
from bot.storage.reviews import ReviewRepo
from bot.storage.sqlite import SQLiteDatabase
from bot.storage.titles import TitleRepo

TARGET_MS = 200.0
TAGS = [f"tag{i:02d}" for i in range(40)]
REVIEWS = 1_500


async def add_tags_and_reviews(db: Database, seed: int = 5) -> None:
    """Tags on every title and the comparison edges of some official reviews."""
    rng = random.Random(seed)
    await db.executemany(
        "UPDATE titles SET tags = ? WHERE id = ?",
        [(json.dumps(rng.sample(TAGS, rng.randint(2, 6))), i) for i in range(1, TITLES + 1)],
    )
    reviewed = rng.sample(range(1, TITLES + 1), REVIEWS)
    await db.executemany(
        "INSERT INTO reviews (id, guild_id, title_id, author_id, text, score) VALUES (?, ?, ?, 1, 'text', 8)",
        [(review_id, GUILD, title_id) for review_id, title_id in enumerate(reviewed, start=1)],
    )
    repo = ComparisonRepo(db)
    for review_id, title_id in enumerate(reviewed, start=1):
        others = rng.sample(range(1, TITLES + 1), rng.randint(1, 4))
        refs: list[tuple[int, EdgeKind, str]] = [
            (other, "comparison", "It feels a lot like that one.") for other in others if other != title_id
        ]
        await repo.replace_review_edges(GUILD, review_id, title_id, refs)


def summary(label: str, samples: list[float]) -> float:
    samples = sorted(samples)
    median = statistics.median(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    figures = f"median {median:7.1f} ms   p95 {p95:7.1f} ms   max {samples[-1]:7.1f} ms"
    print(f"{label:<34} {figures}  ({len(samples)} runs)")
    return median


async def measure(path: Path, runs: int) -> float:
    db = await SQLiteDatabase.open(path)
    try:
        titles = {title.id: title for title in await TitleRepo(db).load_all()}
        repo = ComparisonRepo(db)
        service = ComparisonService(repo, RatingRepo(db), titles, reviews=ReviewRepo(db))
        rng = random.Random(3)

        async def once(title_id: int) -> float:
            started = time.perf_counter()
            await service.similar(GUILD, title_id, rng.randint(1, MEMBERS))
            return (time.perf_counter() - started) * 1000

        most_scored = [
            row[0]
            for row in await db.fetchall(
                "SELECT title_id FROM rating_aggregates WHERE guild_id = ? ORDER BY count DESC LIMIT 10",
                (GUILD,),
            )
        ]
        for title_id in range(100, 110):  # warm-up: page cache and code paths
            await once(title_id)
        uniform = [await once(rng.randint(1, TITLES)) for _ in range(runs)]
        cold = [await once(title_id) for title_id in most_scored]
        warm = [await once(title_id) for title_id in most_scored]
        ratings = await service.ratings.member_ratings(GUILD, most_scored[0])
        print(f"most scored title: {len(ratings):,} ratings read from {ratings.members:,} of its raters")
        median = summary("/similar, titles picked at random", uniform)
        summary("/similar, 10 most scored, uncached", cold)
        summary("/similar, 10 most scored, cached", warm)
        return median
    finally:
        await db.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ratings", type=int, default=RATINGS)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the database at this path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        path = args.keep or Path(scratch) / "similar.db"
        if not path.exists():
            await build_ratings_db(path, args.ratings, extra=add_tags_and_reviews)
        median = await measure(path, args.runs)
    ok = median <= TARGET_MS
    print(f"/similar {'OK' if ok else 'OVER'} (target median {TARGET_MS:.0f} ms)")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    asyncio.run(main())
