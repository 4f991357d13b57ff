"""/rate, /score, /top and /similar at 1M and 10M ratings on SQLite and PostgreSQL, side by side, and
concurrent writers (4 processes on PostgreSQL against one SQLite process).

Data: benchmarks/ratings_data.py (5,000 titles, 20,000 members, one server, popular titles scored far
more often, tags and review comparisons for /similar). The SQLite databases are built once and cached
(KANSOU_BENCH_CACHE, else <tmp>/kansou-bench); PostgreSQL runs in a throwaway cluster
(tests/pg_cluster.py) and is loaded from the cached SQLite file with COPY on every run.

Measured, per command, the database work a command does through the real repositories and services:
  /rate     RatingRepo.rate: a new score from a member who has none there (removed again afterwards)
  /score    RatingRepo.score_card (one query: votes, own score, the official review)
  /top      RatingRepo.top (30 titles, one query) and the asker's own scores on them
  /similar  ComparisonService.similar on titles picked at random, with no cached neighbours
Quality: for some titles /similar's list is also computed from the same raters' ratings by the plain
reference loop (bot.comparisons.corating.reference_co_rating_sums) and the two lists compared.

Run: python -m benchmarks scale [--ratings 1000000 10000000] [--backends sqlite postgresql]
Targets at every size: /similar p50 <= 200 ms and p99 <= 400 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.ratings_data import GUILD, Shape, cached_sqlite
from bot.comparisons.cache import NeighbourCache
from bot.comparisons.corating import reference_co_rating_sums
from bot.comparisons.ranking import rank_related
from bot.comparisons.service import ComparisonService
from bot.comparisons.similarity import neighbours_from_sums
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import Database, open_database
from bot.storage.ratings import RatingRepo
from bot.storage.reviews import ReviewRepo
from bot.storage.titles import TitleRepo

SIMILAR_P50_MS = 200.0
SIMILAR_P99_MS = 400.0
# Members who rate during the benchmark have ids above every generated member's, so removing them
# afterwards (forget_user) leaves the data exactly as it was built.
BENCH_MEMBERS = 10_000_000
WRITER_PROCESSES = 4
COMMANDS = ("/rate", "/score", "/top", "/similar")


@dataclass(frozen=True, slots=True)
class Figures:
    """Milliseconds of one command's runs."""

    samples: tuple[float, ...]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]

    def cell(self) -> str:
        return f"{self.p50:7.2f} / {self.p99:7.2f}"


async def timed(runs: int, action: Callable[[int], Awaitable[object]], warm_up: int = 5) -> Figures:
    for i in range(warm_up):
        await action(-1 - i)
    samples = []
    for i in range(runs):
        started = time.perf_counter()
        await action(i)
        samples.append((time.perf_counter() - started) * 1000)
    return Figures(tuple(samples))


async def measure(db: Database, shape: Shape, runs: dict[str, int], quality: int) -> tuple[dict[str, Figures], str]:
    """Every command's figures on one database, and the quality line for /similar."""
    repo = RatingRepo(db)
    titles = {title.id: title for title in await TitleRepo(db).load_all()}
    service = ComparisonService(
        ComparisonRepo(db), repo, titles, reviews=ReviewRepo(db), cache=NeighbourCache(max_entries=0)
    )
    rng = random.Random(11)
    members = shape.members

    async def score(_: int) -> None:
        await repo.score_card(GUILD, rng.randint(1, shape.titles), rng.randint(1, members))

    async def top(_: int) -> None:
        page = await repo.top(GUILD, m=3, min_votes=3, limit=30)
        await repo.scores_for(GUILD, rng.randint(1, members), [row.title_id for row in page.rows])

    async def similar(_: int) -> None:
        await service.similar(GUILD, rng.randint(1, shape.titles), rng.randint(1, members))

    async def rate(i: int) -> None:
        await repo.rate(GUILD, rng.randint(1, shape.titles), BENCH_MEMBERS + i, rng.randint(1, 10))

    found = {
        "/score": await timed(runs["/score"], score),
        "/top": await timed(runs["/top"], top),
        "/similar": await timed(runs["/similar"], similar),
    }
    try:
        found["/rate"] = await timed(runs["/rate"], rate)
    finally:
        for i in range(-5, runs["/rate"]):
            await repo.forget_user(GUILD, BENCH_MEMBERS + i)
    return found, await compare_quality(service, {tid: title.name for tid, title in titles.items()}, shape, quality)


async def compare_quality(service: ComparisonService, names: dict[int, str], shape: Shape, titles: int) -> str:
    """How many of /similar's lists (titles picked at random) the numpy sums and the reference loop agree on."""
    if not titles:
        return "quality not checked"
    rng = random.Random(29)
    same = members_same = 0
    for _ in range(titles):
        title_id = rng.randint(1, shape.titles)
        new = await service.neighbours(GUILD, title_id)
        old = neighbours_from_sums(
            reference_co_rating_sums(title_id, await service.ratings.member_ratings(GUILD, title_id))
        )
        members_same += [n.title_id for n in new[:10]] == [n.title_id for n in old[:10]]
        edges = await service.live_edges(GUILD, title_id)
        lists = [
            [r.title_id for r in rank_related(title_id, names=names, edges=edges, neighbours=n)] for n in (new, old)
        ]
        same += lists[0] == lists[1]
    return (
        f"/similar lists identical to the reference loop's: {same}/{titles} "
        f"(member-neighbour top 10: {members_same}/{titles})"
    )


# -- concurrent writers -----------------------------------------------------------------------------


def _writer(target: str, shape: Shape, first_member: int, seconds: float, results: multiprocessing.Queue) -> None:
    results.put(asyncio.run(_write_for(target, shape, first_member, seconds)))


async def _write_for(target: str, shape: Shape, first_member: int, seconds: float) -> int:
    db = await open_database(target)
    repo = RatingRepo(db)
    rng = random.Random(first_member)
    done = 0
    try:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            # 200 members per writer, each scoring random titles (rescoring some): /rate's real mix.
            await repo.rate(GUILD, rng.randint(1, shape.titles), first_member + done % 200, rng.randint(1, 10))
            done += 1
    finally:
        await db.close()
    return done


def writers_throughput(target: str, shape: Shape, processes: int, seconds: float) -> float:
    """Scores per second from `processes` processes writing at once for `seconds`."""
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue = context.Queue()
    workers = [
        context.Process(target=_writer, args=(target, shape, BENCH_MEMBERS + 1_000 * (k + 1), seconds, results))
        for k in range(processes)
    ]
    for worker in workers:
        worker.start()
    total = sum(results.get(timeout=seconds + 120) for _ in workers)
    for worker in workers:
        worker.join()
    asyncio.run(_forget_writers(target, processes))
    return total / seconds


async def _forget_writers(target: str, processes: int) -> None:
    db = await open_database(target)
    try:
        for k in range(processes):
            for member in range(200):
                await RatingRepo(db).forget_user(GUILD, BENCH_MEMBERS + 1_000 * (k + 1) + member)
    finally:
        await db.close()


# -- PostgreSQL -------------------------------------------------------------------------------------


@contextmanager
def postgres_cluster() -> Iterator[object | None]:
    """A throwaway cluster sized for the benchmark, or None (with the reason printed) when there is none."""
    try:
        from tests.pg_cluster import running_cluster
    except ImportError as exc:  # the benchmark runs from a checkout: tests/ is beside benchmarks/
        print(f"PostgreSQL skipped: {exc}")
        yield None
        return
    try:
        with running_cluster(
            {"shared_buffers": "512MB", "work_mem": "64MB", "maintenance_work_mem": "512MB"}
        ) as cluster:
            yield cluster
    except Exception as exc:
        print(f"PostgreSQL skipped: {exc}")
        yield None


async def load_postgres(dsn: str, source: Path) -> None:
    """The schema by the real migrations, then every table's rows from the cached SQLite file (COPY)."""
    import asyncpg

    await (await open_database(dsn)).close()
    conn = await asyncpg.connect(dsn)
    lite = sqlite3.connect(source)
    try:
        await conn.execute("ALTER TABLE ratings DISABLE TRIGGER USER")
        for table, columns in (
            ("titles", "id, name, tags"),
            ("title_sources", "url, title_id"),
            ("ratings", "guild_id, title_id, user_id, score, created_at, updated_at"),
            (
                "rating_aggregates",
                "guild_id, title_id, count, total, total_sq, h1, h2, h3, h4, h5, h6, h7, h8, h9, h10",
            ),
            ("rating_totals", "guild_id, count, total"),
            ("reviews", "id, guild_id, title_id, author_id, text, score"),
            ("comparison_edges", None),
        ):
            names = columns or ", ".join(row[1] for row in lite.execute(f"PRAGMA table_info({table})"))
            cursor = lite.execute(f"SELECT {names} FROM {table}")
            while batch := cursor.fetchmany(200_000):
                await conn.copy_records_to_table(table, records=batch, columns=[n.strip() for n in names.split(",")])
        await conn.execute("ALTER TABLE ratings ENABLE TRIGGER USER")
        # What autovacuum would do soon after a bulk load: statistics, and the visibility map that lets
        # index-only scans skip the table.
        await conn.execute("VACUUM ANALYZE")
    finally:
        lite.close()
        await conn.close()


# -- the run ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ratings", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--backends", nargs="+", choices=("sqlite", "postgresql"), default=["sqlite", "postgresql"])
    parser.add_argument("--similar-runs", type=int, default=60)
    parser.add_argument("--quality", type=int, default=10, help="titles whose /similar list is checked (0: none)")
    parser.add_argument("--writers-seconds", type=float, default=10.0, help="0: no concurrent-writer run")
    args = parser.parse_args()
    runs = {"/rate": 300, "/score": 1_000, "/top": 100, "/similar": args.similar_runs}
    results: dict[tuple[str, int], dict[str, Figures]] = {}
    notes: list[str] = []
    shapes = [Shape(ratings) for ratings in args.ratings]
    paths = {shape: cached_sqlite(shape) for shape in shapes}
    writes: dict[str, float] = {}
    if "sqlite" in args.backends:
        for shape in shapes:
            found, quality = asyncio.run(_measure_at(str(paths[shape]), shape, runs, args.quality))
            results[("sqlite", shape.ratings)] = found
            notes.append(f"sqlite {shape.ratings:>11,}: {quality}")
        if args.writers_seconds:
            writes["sqlite, 1 process"] = writers_throughput(str(paths[shapes[0]]), shapes[0], 1, args.writers_seconds)
    if "postgresql" in args.backends:
        with postgres_cluster() as cluster:
            if cluster is not None:
                for shape in shapes:
                    name = f"bench_{shape.ratings}"
                    dsn = cluster.create_database(name)  # type: ignore[attr-defined]
                    started = time.perf_counter()
                    asyncio.run(load_postgres(dsn, paths[shape]))
                    print(f"postgresql: loaded {shape.ratings:,} ratings in {time.perf_counter() - started:.0f} s")
                    found, quality = asyncio.run(_measure_at(dsn, shape, runs, args.quality))
                    results[("postgresql", shape.ratings)] = found
                    notes.append(f"postgresql {shape.ratings:>7,}: {quality}")
                    if args.writers_seconds and shape == shapes[0]:
                        label = f"postgresql, {WRITER_PROCESSES} processes"
                        writes[label] = writers_throughput(dsn, shape, WRITER_PROCESSES, args.writers_seconds)
                    cluster.drop_database(name)  # type: ignore[attr-defined]
    return report(results, notes, writes)


async def _measure_at(target: str, shape: Shape, runs: dict[str, int], quality: int) -> tuple[dict[str, Figures], str]:
    db = await open_database(target)
    try:
        return await measure(db, shape, runs, quality)
    finally:
        await db.close()


def report(results: dict[tuple[str, int], dict[str, Figures]], notes: list[str], writes: dict[str, float]) -> int:
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs; p50 / p99 in ms")
    columns = sorted(results)
    print(f"{'command':<10}" + "".join(f"{f'{backend} {ratings / 1e6:g}M':>20}" for backend, ratings in columns))
    for command in COMMANDS:
        print(f"{command:<10}" + "".join(f"{results[column][command].cell():>20}" for column in columns))
    for note in notes:
        print(note)
    for label, per_second in writes.items():
        print(f"concurrent writers, {label}: {per_second:,.0f} scores/s")
    missed = [
        f"{backend} {ratings:,}"
        for (backend, ratings), found in results.items()
        if found["/similar"].p50 > SIMILAR_P50_MS or found["/similar"].p99 > SIMILAR_P99_MS
    ]
    print(
        f"/similar target p50 <= {SIMILAR_P50_MS:.0f} ms, p99 <= {SIMILAR_P99_MS:.0f} ms: "
        + ("met everywhere" if not missed else "MISSED at " + ", ".join(missed))
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
