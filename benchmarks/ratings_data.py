"""Generated ratings for the scores, similar and scale benchmarks, built once and cached by parameters.

One server (GUILD) with TITLES titles and MEMBERS members; each member scores ratings/MEMBERS titles,
popular titles (low ids) far more often, each title with its own taste. A built database is kept in
the cache directory (KANSOU_BENCH_CACHE, else <tmp>/kansou-bench) under a name made of the parameters
and a hash of the migrations, so a rerun with the same sizes starts at once and a schema change
rebuilds.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import bot.storage
from bot.comparisons.graph import EdgeKind
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import Database, open_database
from bot.storage.ratings import RatingRepo

GUILD = 1
TITLES = 5_000
MEMBERS = 20_000
TAGS = [f"tag{i:02d}" for i in range(40)]
REVIEWS = 1_500
# Bump when the generated data changes, so cached databases of the old shape are not reused.
GENERATOR_VERSION = 1
# Ratings are spread over a year before this instant (so "the most recent raters" means something).
EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z
YEAR = 365 * 86_400


@dataclass(frozen=True, slots=True)
class Shape:
    """What a generated data set is made of; equal shapes give identical data."""

    ratings: int
    titles: int = TITLES
    members: int = MEMBERS
    seed: int = 7

    @property
    def label(self) -> str:
        return f"r{self.ratings}-t{self.titles}-m{self.members}-s{self.seed}"


def rating_rows(shape: Shape) -> Iterator[tuple[int, int, int, int, int]]:
    """(guild, title, user, score, seconds before EPOCH) with distinct (title, user) pairs."""
    rng = random.Random(shape.seed)
    taste = [rng.gauss(6.5, 1.3) for _ in range(shape.titles + 1)]
    per_member, extra = divmod(shape.ratings, shape.members)
    titles = shape.titles
    pareto, randint, gauss = rng.paretovariate, rng.randint, rng.gauss
    for user in range(1, shape.members + 1):
        wanted = min(titles, per_member + (1 if user <= extra else 0))
        picked: set[int] = set()
        while len(picked) < wanted:
            # Popular titles (low ids) are picked more often, as in a real server.
            picked.add(min(titles, 1 + int(pareto(0.6)) % titles))
            if len(picked) < wanted:
                picked.add(randint(1, titles))
        for title in picked:
            score = round(gauss(taste[title], 1.6))
            yield (GUILD, title, user, 10 if score > 10 else 1 if score < 1 else score, randint(0, YEAR))


def cache_dir() -> Path:
    place = os.environ.get("KANSOU_BENCH_CACHE")
    path = Path(place) if place else Path(tempfile.gettempdir()) / "kansou-bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def schema_key(folder: str = "migrations") -> str:
    """A short hash of a backend's migration files: a cached database is only reused by the same schema."""
    digest = hashlib.sha256()
    for path in sorted((Path(bot.storage.__file__).parent / folder).glob("*.sql")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def cached_sqlite(shape: Shape) -> Path:
    """The SQLite database of this shape, built (once) in the cache directory."""
    path = cache_dir() / f"sqlite-{shape.label}-g{GENERATOR_VERSION}-{schema_key()}.db"
    if path.exists():
        return path
    building = path.with_suffix(f".{os.getpid()}.building")
    started = time.perf_counter()
    asyncio.run(_build_sqlite(building, shape))
    building.rename(path)
    print(f"built {path.name}: {shape.ratings:,} ratings in {time.perf_counter() - started:.0f} s", flush=True)
    return path


async def _build_sqlite(path: Path, shape: Shape) -> None:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    await (await open_database(path)).close()  # the schema, by the real migrations
    bulk_load_sqlite(path, shape)
    db = await open_database(path)
    try:
        await RatingRepo(db).rebuild_aggregates()
        await add_tags_and_reviews(db, shape)
        await db.execute("ANALYZE")
    finally:
        await db.close()


def bulk_load_sqlite(path: Path, shape: Shape) -> None:
    """Titles and ratings in one transaction, with the per-row triggers and the member index set aside
    (recreated after; the aggregates are rebuilt by the caller, as `python -m bot check --repair` does)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA cache_size = -512000")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO titles (id, name) VALUES (?, ?)", ((i, f"Title {i}") for i in range(1, shape.titles + 1))
        )
        conn.executemany(
            "INSERT INTO title_sources (url, title_id) VALUES (?, ?)",
            ((f"https://anilist.co/anime/{i}", i) for i in range(1, shape.titles + 1)),
        )
        set_aside = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'ratings' AND sql IS NOT NULL "
            "AND type IN ('trigger', 'index')"
        ).fetchall()
        for name, sql in set_aside:
            conn.execute(f"DROP {'TRIGGER' if sql.lstrip().upper().startswith('CREATE TRIGGER') else 'INDEX'} {name}")
        conn.executemany(
            "INSERT INTO ratings (guild_id, title_id, user_id, score, created_at, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', ?6 - ?5, 'unixepoch'), "
            "strftime('%Y-%m-%dT%H:%M:%fZ', ?6 - ?5, 'unixepoch'))",
            ((*row, EPOCH) for row in rating_rows(shape)),
        )
        for _, sql in set_aside:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.close()


async def add_tags_and_reviews(db: Database, shape: Shape, seed: int = 5) -> None:
    """Tags on every title and the comparison edges of some official reviews (what /similar blends in)."""
    rng = random.Random(seed)
    await db.executemany(
        "UPDATE titles SET tags = ? WHERE id = ?",
        [(json.dumps(rng.sample(TAGS, rng.randint(2, 6))), i) for i in range(1, shape.titles + 1)],
    )
    reviewed = rng.sample(range(1, shape.titles + 1), min(REVIEWS, shape.titles))
    await db.executemany(
        "INSERT INTO reviews (id, guild_id, title_id, author_id, text, score) VALUES (?, ?, ?, 1, 'text', 8)",
        [(review_id, GUILD, title_id) for review_id, title_id in enumerate(reviewed, start=1)],
    )
    repo = ComparisonRepo(db)
    for review_id, title_id in enumerate(reviewed, start=1):
        others = rng.sample(range(1, shape.titles + 1), rng.randint(1, 4))
        refs: list[tuple[int, EdgeKind, str]] = [
            (other, "comparison", "It feels a lot like that one.") for other in others if other != title_id
        ]
        await repo.replace_review_edges(GUILD, review_id, title_id, refs)
