"""Leftover Discord posts and threads: recorded, listed oldest first (bounded), forgotten once deleted."""

from __future__ import annotations

from bot.config import Settings
from bot.storage.db import open_database
from bot.storage.leftovers import Leftover, LeftoverRepo


async def test_leftovers_are_kept_across_a_reopen_listed_oldest_first_and_forgotten(
    settings: Settings,
) -> None:
    db = await open_database(settings.database)
    repo = LeftoverRepo(db)
    await repo.record(10, 11, None)
    await repo.record(20, None, 22)
    await repo.record(30, 31, 31)
    await db.close()
    db = await open_database(settings.database)
    repo = LeftoverRepo(db)
    try:
        first_two = await repo.oldest(2)
        assert [(x.channel_id, x.message_id, x.thread_id) for x in first_two] == [(10, 11, None), (20, None, 22)]
        await repo.forget(first_two[0].id)
        assert [x.channel_id for x in await repo.oldest(10)] == [20, 30]
        assert all(isinstance(x, Leftover) for x in await repo.oldest(10))
    finally:
        await db.close()
