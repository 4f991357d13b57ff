"""SettingsService on a real SQLite file: changes are stored and announced to the features that cache them."""

from __future__ import annotations

from bot.settings.service import SettingsService
from bot.storage.db import Database
from bot.storage.settings import SettingsRepo

GUILD = 10


async def test_a_change_is_stored_and_announced_once(db: Database) -> None:
    service = SettingsService(SettingsRepo(db))
    told: list[int | None] = []
    service.on_change(told.append)
    assert (await service.get(GUILD)).min_votes == 3
    assert told == []  # reading announces nothing
    updated = await service.update(GUILD, min_votes=7, rating_cooldown=30)
    assert (updated.min_votes, updated.rating_cooldown) == (7, 30)
    assert told == [GUILD]
    assert (await SettingsRepo(db).get(GUILD)).min_votes == 7
