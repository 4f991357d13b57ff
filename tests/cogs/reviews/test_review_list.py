"""/review list: every review, however many, paged; each page is one query."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.models import Title
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage.db import Database, open_database
from tests.conftest import seed_titles

REVIEWS = 263  # more than the 250 the list used to stop at


@pytest.fixture
async def simcord_bot(settings: Settings) -> KansouBot:
    await seed_titles(settings.database, [Title(n, f"Show {n:03d}") for n in range(1, REVIEWS + 1)])
    return create_bot(settings)


async def add_reviews(path: str | Path, guild_id: int) -> None:
    """REVIEWS current reviews, Show 001 the oldest; two members scored Show 263."""
    db = await open_database(path)
    await db.executemany(
        "INSERT INTO reviews (guild_id, title_id, author_id, score, text, channel_id, message_id, created_at) "
        "VALUES (?, ?, 5, 7.5, 'text', 10, ?, ?)",
        [(guild_id, n, 1000 + n, f"2026-01-01T00:00:{n // 60:02d}.{n % 60:03d}Z") for n in range(1, REVIEWS + 1)],
    )
    await db.executemany(
        "INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, ?, ?, ?)",
        [(guild_id, REVIEWS, 1, 9), (guild_id, REVIEWS, 2, 8)],
    )
    await db.close()


def count_queries(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    for name in ("fetchall", "fetchone"):
        original = getattr(db, name)

        async def counted(sql: str, params=(), *, _original=original):
            seen.append(sql)
            return await _original(sql, params)

        monkeypatch.setattr(db, name, counted)
    return seen


async def test_every_review_is_listed_page_by_page_with_one_query_per_page(
    world, simcord_bot: KansouBot, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_reviews(settings.database, world.guild.id)
    member = world.member("reader")
    queries = count_queries(simcord_bot.db, monkeypatch)
    shown = await member.slash(world.channel, "review list")
    assert shown.ephemeral and len(queries) == 1
    embed = shown.response.embeds[0]
    lines = embed.description.splitlines()
    assert len(lines) == 10 and "Show 263" in lines[0] and "· community 8.50 (2 votes) ·" in lines[0]
    assert "· no community scores yet ·" in lines[1] and "community No" not in embed.description
    assert embed.footer.text == f"{REVIEWS} reviews · newest first"
    labels = [c.get("label") for row in shown.response.components for c in row.get("components", [])]
    assert "1 / 27" in labels
    message = shown.response.message
    turned = None
    for _ in range(26):
        turned = await member.click(message, custom_id="page:next")
    assert turned is not None
    last = turned.response.embeds[0].description.splitlines()
    assert len(last) == 3 and "Show 001" in last[-1]
    assert len(queries) == 27  # one per page, each read when it is first shown
    back = await member.click(message, custom_id="page:prev")
    assert "Show 004" in back.response.embeds[0].description and len(queries) == 27  # kept, not read again
