"""A settings change made through one process drops the cached copies in the others: two Database objects
on one database are two processes (PostgreSQL: LISTEN/NOTIFY; SQLite: the notices table and its poller)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.scores.service import RatingService
from bot.settings.models import SETTINGS_CHANNEL
from bot.settings.service import SettingsService
from bot.storage.db import CheckViolation, Database, open_database
from bot.storage.ratings import RatingRepo
from bot.storage.settings import SettingsRepo
from bot.storage.sqlite import SQLiteDatabase
from tests.conftest import quick_notices

GUILD = 5


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """What another process would have: its own connection to the same database."""
    database = await open_database(db.target)
    quick_notices(db, database)
    yield database
    await database.close()


async def process(db: Database) -> tuple[SettingsService, RatingService]:
    """One process's settings service and rating service (whose settings cache never expires here)."""
    settings = SettingsService(SettingsRepo(db), bus=db)
    ratings = RatingService(RatingRepo(db), settings, clock=lambda: 1_000.0)
    settings.on_change(ratings.settings_changed)
    await settings.share_changes()
    return settings, ratings


async def test_a_change_through_one_process_reaches_the_others_cache(db: Database, other: Database) -> None:
    """The other process cached the old settings; after the change it reads the new ones, long before 30 s."""
    here, _ = await process(db)
    _, ratings_there = await process(other)
    assert (await ratings_there.guild_settings(GUILD)).rating_cooldown == 0
    await here.update(GUILD, rating_cooldown=60)
    for _ in range(500):
        if (await ratings_there.guild_settings(GUILD)).rating_cooldown == 60:
            break
        await asyncio.sleep(0.01)
    assert (await ratings_there.guild_settings(GUILD)).rating_cooldown == 60


async def test_without_sharing_the_cached_copy_stays(db: Database, other: Database) -> None:
    """The control: a service that does not listen keeps its cached copy (until the 30 s expire)."""
    here, _ = await process(db)
    lonely = RatingService(RatingRepo(other), SettingsService(SettingsRepo(other)), clock=lambda: 1_000.0)
    await lonely.guild_settings(GUILD)
    await here.update(GUILD, rating_cooldown=60)
    await asyncio.sleep(0.2)
    assert (await lonely.guild_settings(GUILD)).rating_cooldown == 0


async def test_a_change_that_is_refused_is_not_announced(db: Database, other: Database) -> None:
    """The announcement belongs to the change's transaction: a refused change (out of range) sends none,
    and the next one is heard alone."""
    heard: list[str] = []
    await other.listen(SETTINGS_CHANNEL, heard.append)
    with pytest.raises(CheckViolation):
        await SettingsRepo(db).update(GUILD, rating_cooldown=10**9)
    await SettingsRepo(db).update(GUILD + 1, rating_cooldown=5)
    for _ in range(500):
        if heard:
            break
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)
    assert heard == [str(GUILD + 1)]


@pytest.mark.sqlite_only
async def test_after_missed_announcements_every_cached_copy_is_dropped(db: Database, other: Database) -> None:
    """A process whose poller fell behind the pruning of notices hears MISSED and reads every server's settings
    again, even one whose own announcement it never saw."""
    assert isinstance(other, SQLiteDatabase) and isinstance(db, SQLiteDatabase)
    other.notice_poll_seconds = 3600  # it reads the notices when the test says so
    _, ratings_there = await process(other)
    assert (await ratings_there.guild_settings(GUILD)).rating_cooldown == 0
    # Stored, its announcement lost (as if pruned unread: written here without one).
    await db.execute("INSERT INTO guild_settings (guild_id, rating_cooldown) VALUES (?, 60)", (GUILD,))
    db.notice_keep_seconds = 0
    await db.notify("kansou_other", "one")
    await db.notify("kansou_other", "two")  # prunes "one" before the other process read it
    await other.deliver_notices()
    assert (await ratings_there.guild_settings(GUILD)).rating_cooldown == 60
