"""Merging local titles into real ones on a real SQLite file: nothing lost, aggregates exact."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pytest

from bot.catalog.models import CatalogEntry, Title
from bot.cli.catalog import add_catalog_parser
from bot.errors import NotFound
from bot.scores.stats import Aggregate
from bot.storage.db import Database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.merge import merge_local_titles, merge_title
from bot.storage.ratings import RatingRepo
from bot.storage.titles import TitleRepo

G1, G2 = 1001, 1002
FRIEREN = CatalogEntry(
    sources=("https://anilist.co/anime/154587", "https://myanimelist.net/anime/52991"),
    title="Sousou no Frieren",
    synonyms=("Frieren: Beyond Journey's End",),
)
MONSTER = CatalogEntry(sources=("https://anilist.co/anime/19",), title="Monster")


async def create_local(db: Database, name: str, guild_id: int = G1) -> Title:
    return await LocalTitleRepo(db).create(name, guild_id, at=time.time())


async def real_and_local(db: Database, local_name: str = "sousou no frieren") -> tuple[int, int, int]:
    """(real Frieren id, real Monster id, local title id)."""
    repo = TitleRepo(db)
    await repo.import_entries([FRIEREN, MONSTER])
    ids = {t.name: t.id for t in await repo.load_all()}
    local = await LocalTitleRepo(db).create(local_name, G1, at=time.time())
    return ids["Sousou no Frieren"], ids["Monster"], local.id


async def rate_at(db: Database, guild: int, title: int, user: int, score: int, *, when: str) -> None:
    await RatingRepo(db).rate(guild, title, user, score)
    await db.execute(
        "UPDATE ratings SET updated_at = ? WHERE guild_id = ? AND title_id = ? AND user_id = ?",
        (when, guild, title, user),
    )


async def add_review(db: Database, guild: int, title: int, author: int, text: str, *, status: str = "current") -> int:
    await db.execute(
        "INSERT INTO reviews (guild_id, title_id, author_id, status, score, text) VALUES (?, ?, ?, ?, 8, ?)",
        (guild, title, author, status, text),
    )
    row = await db.fetchone("SELECT MAX(id) FROM reviews")
    assert row is not None
    review_id = int(row[0])
    await db.execute(
        "INSERT INTO review_revisions (review_id, text, editor_id) VALUES (?, ?, ?)",
        (review_id, f"draft of {text}", author),
    )
    return review_id


async def add_edge(db: Database, guild: int, review: int, title: int, other: int) -> None:
    await db.execute(
        "INSERT INTO comparison_edges (guild_id, review_id, title_id, other_title_id) VALUES (?, ?, ?, ?)",
        (guild, review, title, other),
    )


async def test_ratings_move_and_the_more_recent_score_of_a_member_wins(db: Database) -> None:
    real, _, local = await real_and_local(db)
    await rate_at(db, G1, real, 1, 4, when="2024-01-01T00:00:00.000Z")  # older than the local score
    await rate_at(db, G1, local, 1, 9, when="2024-06-01T00:00:00.000Z")
    await rate_at(db, G1, real, 2, 7, when="2024-09-01T00:00:00.000Z")  # newer than the local score
    await rate_at(db, G1, local, 2, 2, when="2024-03-01T00:00:00.000Z")
    await rate_at(db, G1, local, 3, 10, when="2024-03-01T00:00:00.000Z")
    await rate_at(db, G2, local, 1, 6, when="2024-03-01T00:00:00.000Z")

    report = await merge_title(db, local, real)

    ratings = RatingRepo(db)
    assert await ratings.get_user_score(G1, real, 1) == 9
    assert await ratings.get_user_score(G1, real, 2) == 7
    assert await ratings.get_user_score(G1, real, 3) == 10
    assert await ratings.get_user_score(G2, real, 1) == 6
    assert await ratings.aggregate(G1, real) == Aggregate.of([9, 7, 10])
    assert await ratings.aggregate(G2, real) == Aggregate.of([6])
    assert await ratings.aggregate(G1, local) == Aggregate()
    assert await ratings.recompute_drift() == []
    assert await ratings.count() == 4
    assert await ratings.server_mean(G1) == pytest.approx((9 + 7 + 10) / 3)
    assert (report.ratings_moved, report.ratings_dropped) == (3, 2)


async def test_the_local_title_is_deleted_with_its_names_and_the_real_one_kept(db: Database) -> None:
    real, _, local = await real_and_local(db)
    await merge_title(db, local, real)
    repo = TitleRepo(db)
    assert await repo.get(local) is None
    kept = await repo.get(real)
    assert kept is not None and kept.aliases == ("Frieren: Beyond Journey's End",)
    assert await repo.local_titles() == []


async def test_reviews_move_and_the_real_current_review_stays_current(db: Database) -> None:
    real, _, local = await real_and_local(db)
    real_review = await add_review(db, G1, real, 10, "real review")
    clash = await add_review(db, G1, local, 11, "local review, same server")
    alone = await add_review(db, G2, local, 12, "local review, other server")
    old = await add_review(db, G2, local, 12, "older local review", status="replaced")

    report = await merge_title(db, local, real)

    rows = {r["id"]: (r["title_id"], r["status"]) for r in await db.fetchall("SELECT * FROM reviews")}
    assert rows == {
        real_review: (real, "current"),
        clash: (real, "replaced"),
        alone: (real, "current"),
        old: (real, "replaced"),
    }
    revisions = await db.fetchall("SELECT review_id FROM review_revisions ORDER BY review_id")
    assert [r[0] for r in revisions] == sorted([real_review, clash, alone, old])
    assert (report.reviews_moved, report.reviews_replaced) == (3, 1)


async def test_comparison_links_move_without_self_links_or_duplicates(db: Database) -> None:
    real, monster, local = await real_and_local(db)
    on_monster = await add_review(db, G1, monster, 10, "Monster review")
    on_local = await add_review(db, G2, local, 11, "local review")
    await add_edge(db, G1, on_monster, monster, local)  # becomes monster -> real
    await add_edge(db, G1, on_monster, monster, real)  # already there: the local copy is dropped
    monster_review_2 = await add_review(db, G2, monster, 12, "second Monster review")
    await add_edge(db, G2, monster_review_2, monster, local)  # moves
    await add_edge(db, G2, on_local, local, monster)  # the reviewed title moves
    await add_edge(db, G2, on_local, local, real)  # would link the title to itself

    report = await merge_title(db, local, real)

    edges = await db.fetchall("SELECT guild_id, review_id, title_id, other_title_id FROM comparison_edges ORDER BY id")
    assert [tuple(e) for e in edges] == [
        (G1, on_monster, monster, real),
        (G2, monster_review_2, monster, real),
        (G2, on_local, real, monster),
    ]
    assert (report.edges_moved, report.edges_dropped) == (2, 2)


async def test_a_failed_merge_changes_nothing(db: Database) -> None:
    real, _, local = await real_and_local(db)
    await rate_at(db, G1, local, 1, 9, when="2024-06-01T00:00:00.000Z")
    with pytest.raises(NotFound):
        await merge_title(db, real, local)  # backwards: the "local" one is real
    with pytest.raises(NotFound):
        await merge_title(db, local, 999_999)
    assert await RatingRepo(db).get_user_score(G1, local, 1) == 9
    assert await TitleRepo(db).get(local) is not None


async def test_merge_local_titles_merges_every_local_title_that_now_has_a_real_entry(db: Database) -> None:
    real, monster, local = await real_and_local(db)
    unknown = await create_local(db, "A Show Nobody Catalogued")
    monster_local = await create_local(db, "MONSTER")
    await rate_at(db, G1, local, 1, 8, when="2024-06-01T00:00:00.000Z")
    await rate_at(db, G1, monster_local.id, 1, 5, when="2024-06-01T00:00:00.000Z")

    reports = await merge_local_titles(db)

    assert sorted((r.local_id, r.real_id) for r in reports) == sorted([(local, real), (monster_local.id, monster)])
    assert [t.id for t in await TitleRepo(db).local_titles()] == [unknown.id]
    assert await RatingRepo(db).aggregate(G1, real) == Aggregate.of([8])
    assert await RatingRepo(db).aggregate(G1, monster) == Aggregate.of([5])
    assert await RatingRepo(db).recompute_drift() == []


async def test_catalog_import_merges_local_titles_and_says_how_many(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = await create_local(db, "Mushishi")
    await rate_at(db, G1, local.id, 1, 10, when="2024-06-01T00:00:00.000Z")
    path = tmp_path / "catalog.json"
    entry = {"sources": ["https://anilist.co/anime/457"], "title": "Mushishi", "synonyms": ["Mushi-Shi"]}
    path.write_text(json.dumps({"data": [entry]}))
    parser = argparse.ArgumentParser()
    add_catalog_parser(parser.add_subparsers())
    args = parser.parse_args(["catalog", "import", str(path)])

    assert await args.func(args, db) == 0

    assert "Local titles merged into catalog entries: 1." in capsys.readouterr().out
    (title,) = await TitleRepo(db).load_all()
    assert (title.name, title.local) == ("Mushishi", False)
    assert await RatingRepo(db).aggregate(G1, title.id) == Aggregate.of([10])
