"""/similar's neighbour cache in two processes on one database: each entry is checked against the target's
votes as stored, so a vote given through one process makes the other's cached neighbours recompute."""

from __future__ import annotations

import pytest

import bot.comparisons.service as service_module
from bot.comparisons.service import ComparisonService
from bot.config import Settings
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import Database, open_database
from bot.storage.ratings import RatingRepo
from bot.storage.reviews import ReviewRepo
from tests.comparisons.test_service import GUILD, TASTE, TITLES


def process(db: Database) -> ComparisonService:
    return ComparisonService(ComparisonRepo(db), RatingRepo(db), TITLES, reviews=ReviewRepo(db))


async def test_a_vote_through_one_process_refreshes_the_others_cached_neighbours(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service_module, "CACHE_MIN_RATINGS", 0)  # cache even this tiny server
    first, second = await open_database(settings.database), await open_database(settings.database)
    try:
        rows = [(t.id, t.name) for t in TITLES.values()]
        await first.executemany("INSERT INTO titles (id, name) VALUES (?, ?)", rows)
        here, there = process(first), process(second)
        for user, title, score in TASTE:
            await here.ratings.rate(GUILD, title, user, score)
        before = {n.title_id: n.overlap for n in await there.neighbours(GUILD, 1)}
        assert len(there.cache) == 1
        for title, score in ((1, 9), (3, 8), (4, 1)):
            await here.ratings.rate(GUILD, title, 15, score)
        after = {n.title_id: n.overlap for n in await there.neighbours(GUILD, 1)}
        assert (before[3], after[3]) == (4, 5)
    finally:
        await first.close()
        await second.close()
