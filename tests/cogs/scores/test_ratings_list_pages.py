"""/ratings list: every score of a member, however many, paged; each page is one query."""

from __future__ import annotations

import pytest

from bot.catalog.models import Title
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage.db import open_database
from tests.conftest import seed_titles

SCORES = 263  # more than the 250 the list used to stop at


@pytest.fixture
async def simcord_bot(settings: Settings) -> KansouBot:
    await seed_titles(settings.database, [Title(n, f"Show {n:03d}") for n in range(1, SCORES + 1)])
    return create_bot(settings)


async def test_every_score_is_listed_page_by_page(world, settings: Settings) -> None:
    fan = world.member("fan")
    db = await open_database(settings.database)
    await db.executemany(
        "INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, ?, ?, ?)",
        [(world.guild.id, n, fan.id, 1 + n % 10) for n in range(1, SCORES + 1)],
    )
    await db.close()
    shown = await fan.slash(world.channel, "ratings list")
    embed = shown.response.embeds[0]
    assert embed.description.startswith("**263 scores** given")
    assert embed.footer.text.startswith("263 scores")
    labels = [c.get("label") for row in shown.response.components for c in row.get("components", [])]
    assert "1 / 27" in labels
    turned = None
    for _ in range(26):
        turned = await fan.click(shown.response.message, custom_id="page:next")
    assert turned is not None
    last = turned.response.embeds[0].description.splitlines()
    assert len(last) == 3 and all(line.startswith("**1/10**") for line in last)
    assert "given" not in turned.response.embeds[0].description  # the profile heads the first page only
