"""AniList answers kept in SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.storage.anilist_cache import AniListCache
from bot.storage.db import open_database


@pytest.fixture
async def cache(settings: Settings) -> AsyncIterator[AniListCache]:
    db = await open_database(settings.database)
    yield AniListCache(db)
    await db.close()


async def test_a_stored_answer_is_read_back_with_its_time(cache: AniListCache) -> None:
    await cache.put("media:1", '{"id": 1}', 1000.0)
    assert await cache.get("media:1") == ('{"id": 1}', 1000.0)


async def test_unknown_key_is_none(cache: AniListCache) -> None:
    assert await cache.get("media:2") is None


async def test_put_replaces_the_previous_answer(cache: AniListCache) -> None:
    await cache.put("search:frieren", "null", 1000.0)
    await cache.put("search:frieren", '{"id": 3}', 2000.0)
    assert await cache.get("search:frieren") == ('{"id": 3}', 2000.0)


async def test_purge_forgets_only_old_answers(cache: AniListCache) -> None:
    await cache.put("old", "null", 100.0)
    await cache.put("new", "null", 900.0)
    assert await cache.purge(older_than=500.0) == 1
    assert await cache.get("old") is None
    assert await cache.get("new") is not None
