"""Bad input to /review post: a clear ephemeral answer or a valid preview, never a traceback, nothing stored."""

from __future__ import annotations

import pytest
from simcord.http.client import FakeHTTPClient

from bot.client import create_bot
from bot.config import Settings
from bot.errors import InvalidInput, UserFacingError
from bot.reviews.intake import split_for_form
from bot.storage.db import open_database
from tests.cogs.reviews.review_support import METALLIC_ROUGE, answered_errors, seed_catalog

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

ROUGE = f"t:{METALLIC_ROUGE}"


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


async def stored(settings: Settings) -> int:
    db = await open_database(settings.database)
    try:
        row = await db.fetchone("SELECT count(*) AS n FROM reviews")
        return int(row["n"]) if row else 0
    finally:
        await db.close()


async def test_a_file_that_arrives_bigger_than_declared_is_refused(world, simcord_env, settings, monkeypatch) -> None:
    """The declared size is checked before the download and what arrives must match it."""
    original = FakeHTTPClient.get_from_cdn

    async def padded(self: FakeHTTPClient, url: str) -> bytes:
        return await original(self, url) + b" and a lot more" * 1_000

    monkeypatch.setattr(FakeHTTPClient, "get_from_cdn", padded)
    mod = world.moderator()
    result = await mod.slash(world.channel, "mod review post", title=ROUGE, file=("review.txt", b"Good show. 8/10"))
    assert result.ephemeral and "announced as 15" in result.response.content
    assert answered_errors(simcord_env) == [InvalidInput]
    assert await stored(settings) == 0


async def test_an_oversized_file_is_refused_before_it_is_downloaded(world, simcord_env, monkeypatch) -> None:
    downloads: list[str] = []
    original = FakeHTTPClient.get_from_cdn

    async def counting(self: FakeHTTPClient, url: str) -> bytes:
        downloads.append(url)
        return await original(self, url)

    monkeypatch.setattr(FakeHTTPClient, "get_from_cdn", counting)
    mod = world.moderator()
    result = await mod.slash(world.channel, "mod review post", title=ROUGE, file=("review.md", b"word " * 60_000))
    assert result.ephemeral and "at most 200 KB" in result.response.content
    assert downloads == []
    assert answered_errors(simcord_env) == [InvalidInput]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("8/10", "no words"),
        ("||The hero dies at the end and the villain wins.||", "**Read:**"),
        ("great " * 2_000, "**Read:** 12,000 characters from the form ("),
    ],
)
async def test_odd_reviews_get_a_clear_answer_and_store_nothing(world, simcord_env, settings, text, says) -> None:
    """Only a score (refused: no words), only spoilers, 12,000 characters of one word (a preview that says
    what was read)."""
    mod = world.moderator()
    parts = split_for_form(text) or []
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    result = await mod.submit_modal(shown, dict(zip(["text", "text2", "text3", "text4"], parts, strict=False)))
    assert result.ephemeral and says in result.response.content
    assert all(issubclass(kind, UserFacingError) for kind in answered_errors(simcord_env))
    assert len(result.response.content) <= 2_000
    assert await stored(settings) == 0


async def test_only_emoji_is_refused_clearly(world, simcord_env, settings) -> None:
    mod = world.moderator()
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    result = await mod.submit_modal(shown, {"text": "🔥🔥🔥", "text2": "😂💯"})
    assert result.ephemeral and "no words" in result.response.content
    assert answered_errors(simcord_env) == [InvalidInput]
    assert await stored(settings) == 0
