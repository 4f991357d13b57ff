"""Servers' own titles on a real SQLite file: per-server names, the daily count, delete, and the
migration that gave every older local title to the server that used it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.errors import Conflict, NotFound
from bot.storage.db import Database, migrations, open_database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.ratings import RatingRepo
from bot.storage.titles import TitleRepo

G1, G2, G3 = 1001, 1002, 1003
NOW = 1_800_000_000.0


async def test_each_server_gets_its_own_title_for_the_same_name(db: Database) -> None:
    repo = LocalTitleRepo(db)
    mine = await repo.create("Qwxzzv Plorp", G1, user_id=1, at=NOW)
    again = await repo.create("qwxzzv  PLORP!", G1, user_id=2, at=NOW)
    theirs = await repo.create("Qwxzzv Plorp", G2, user_id=3, at=NOW)
    assert again.id == mine.id and theirs.id != mine.id
    assert (mine.local, mine.guild_id, theirs.guild_id) == (True, G1, G2)
    # Only an insert counts as a creation: member 2 reused member 1's title.
    assert await repo.creations_since(G1, 1, NOW - 60) == [NOW]
    assert await repo.creations_since(G1, 2, NOW - 60) == []


async def test_creations_older_than_the_window_are_not_counted(db: Database) -> None:
    repo = LocalTitleRepo(db)
    await repo.create("Old Show", G1, user_id=1, at=NOW - 25 * 3600)
    await repo.create("New Show", G1, user_id=1, at=NOW - 3600)
    assert await repo.creations_since(G1, 1, NOW - 24 * 3600) == [NOW - 3600]


async def test_delete_takes_scores_links_and_old_reviews_and_keeps_aggregates_exact(db: Database) -> None:
    repo = LocalTitleRepo(db)
    title = await repo.create("Doomed Show", G1, at=NOW)
    other = await repo.create("Other Show", G1, at=NOW)
    ratings = RatingRepo(db)
    await ratings.rate(G1, title.id, 1, 4)
    await ratings.rate(G1, other.id, 1, 8)
    await db.execute(
        "INSERT INTO reviews (guild_id, title_id, author_id, status, text) VALUES (?, ?, 1, 'deleted', 'old')",
        (G1, title.id),
    )
    deleted = await repo.delete(title.id, G1, moderator_id=9, at=NOW)
    assert (deleted.ratings, deleted.old_reviews) == (1, 1)
    assert await TitleRepo(db).get(title.id) is None
    totals = await db.fetchone("SELECT count, total FROM rating_totals WHERE guild_id = ?", (G1,))
    assert totals is not None and tuple(totals) == (1, 8)


async def test_delete_is_refused_with_a_current_review_and_for_another_servers_title(db: Database) -> None:
    repo = LocalTitleRepo(db)
    title = await repo.create("Reviewed Show", G1, at=NOW)
    await db.execute(
        "INSERT INTO reviews (guild_id, title_id, author_id, text) VALUES (?, ?, 1, 'good')", (G1, title.id)
    )
    with pytest.raises(Conflict):
        await repo.delete(title.id, G1, moderator_id=9, at=NOW)
    with pytest.raises(NotFound):
        await repo.delete(title.id, G2, moderator_id=9, at=NOW)
    assert await TitleRepo(db).get(title.id) is not None
    assert await repo.actions(G1) == []


async def test_the_migration_gives_each_older_local_title_to_the_server_that_used_it(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # a database from before local titles had a server
        for number, _, sql in migrations():
            if number >= 6:
                break
            conn.executescript(sql)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.executescript(
            """
            INSERT INTO titles (id, name, local) VALUES (1, 'Real Show', 0), (5, 'Shared Local', 1),
                (6, 'Only G2', 1), (7, 'Unused', 1);
            INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES
                (1001, 5, 1, 8), (1002, 5, 2, 4), (1002, 5, 3, 6), (1002, 6, 2, 9);
            INSERT INTO reviews (id, guild_id, title_id, author_id, text) VALUES (1, 1003, 1, 1, 'x');
            INSERT INTO comparison_edges (guild_id, review_id, title_id, other_title_id) VALUES (1003, 1, 1, 5);
            """
        )
    db = await open_database(path)
    try:
        titles = {(t.name, t.guild_id): t for t in await TitleRepo(db).local_titles()}
        assert set(titles) == {("Shared Local", G1), ("Shared Local", G2), ("Shared Local", G3), ("Only G2", G2)}
        assert titles["Shared Local", G1].id == 5  # the first server keeps the original
        ratings = RatingRepo(db)
        assert (await ratings.aggregate(G1, 5)).count == 1
        copy = titles["Shared Local", G2].id
        assert (await ratings.aggregate(G2, copy)).count == 2 and (await ratings.aggregate(G2, 5)).count == 0
        edge = await db.fetchone("SELECT other_title_id FROM comparison_edges WHERE guild_id = ?", (G3,))
        assert edge is not None and edge[0] == titles["Shared Local", G3].id
        assert await TitleRepo(db).get(7) is None  # used by no server
        problems = await db.fetchall("PRAGMA foreign_key_check")
        assert problems == []
    finally:
        await db.close()
