"""Publish and edit store everything in one transaction; when storing fails, the cog undoes its Discord side."""

from __future__ import annotations

import sqlite3

import pytest

from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage import reviews as reviews_storage
from tests.cogs.reviews.review_support import (
    METALLIC_ROUGE,
    MONSTER,
    button_id,
    corpus,
    fields,
    posts,
    rows,
    seed_catalog,
)

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

ROUGE = f"t:{METALLIC_ROUGE}"
REVIEW = corpus("02_metallic_rouge_prose.md")


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


def edges_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """Storing the review's comparison edges fails, after the review row was written in the same transaction."""

    async def failing(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(reviews_storage, "write_review_edges", failing)


async def preview(world, mod, text: str = REVIEW, command: str = "mod review post"):
    shown = await mod.slash(world.channel, command, title=ROUGE)
    return await mod.submit_modal(shown, {"text": text})


async def test_a_publish_the_store_refuses_takes_post_and_thread_down_and_stores_nothing(
    world, settings, monkeypatch
) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    edges_fail(monkeypatch)
    result = await mod.click(shown.response.message, custom_id=button_id(shown, "publish"))
    assert "could not save the review" in result.response.content and "Nothing was published" in result.response.content
    assert posts(world.channel) == []
    assert world.channel.threads == []
    for table in ("reviews", "review_revisions", "comparison_edges"):
        assert await rows(settings, f"SELECT count(*) FROM {table}") == [(0,)], table


async def test_a_replacing_publish_the_store_refuses_leaves_the_old_review_and_post(
    world, settings, monkeypatch
) -> None:
    mod = world.moderator()
    first = await preview(world, mod, "A first short review; it is worth watching. Score: 6/10")
    await mod.click(first.response.message, custom_id=button_id(first, "publish"))
    [old_post] = posts(world.channel)
    asked = await mod.slash(world.channel, "mod review post", title=ROUGE)
    form = await mod.click(asked.response.message, custom_id="confirm:yes")
    second = await mod.submit_modal(form, {"text": REVIEW})
    edges_fail(monkeypatch)
    result = await mod.click(second.response.message, custom_id=button_id(second, "publish"))
    assert "could not save the review" in result.response.content
    assert [p.id for p in posts(world.channel)] == [old_post.id]
    assert await rows(settings, "SELECT status, score FROM reviews") == [("current", 6.0)]
    assert await rows(settings, "SELECT count(*) FROM review_revisions") == [(0,)]


async def test_an_edit_the_store_refuses_puts_post_and_thread_back(world, settings, monkeypatch) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    await mod.click(shown.response.message, custom_id=button_id(shown, "publish"))
    [post] = posts(world.channel)
    before = post.embeds[0].description
    [thread] = world.channel.threads
    thread_before = [m.content for m in thread.history()]
    edit = await preview(world, mod, "Rewritten: the story is great and it is worth watching. 9/10", "mod review edit")
    edges_fail(monkeypatch)
    result = await mod.click(edit.response.message, custom_id=button_id(edit, "publish"))
    assert "could not save the edit" in result.response.content and "left as it was" in result.response.content
    [same] = posts(world.channel)
    assert same.embeds[0].description == before
    assert [m.content for m in thread.history()] == thread_before
    assert await rows(settings, "SELECT count(*) FROM review_revisions") == [(0,)]
    assert await rows(settings, "SELECT score FROM reviews") == [(5.5,)]


async def test_an_edit_keeps_a_moderators_link_on_the_post(world, simcord_bot: KansouBot) -> None:
    """The edited post is rendered before it is stored: it shows the links the store will keep."""
    mod = world.moderator()
    shown = await preview(world, mod)
    await mod.click(shown.response.message, custom_id=button_id(shown, "publish"))
    await mod.slash(world.channel, "mod review compare", title=ROUGE, other=f"t:{MONSTER}")
    edit = await preview(world, mod, "Rewritten: the story is great and it is worth watching. 9/10", "mod review edit")
    await mod.click(edit.response.message, custom_id=button_id(edit, "publish"))
    [post] = posts(world.channel)
    assert "9 / 10" in post.embeds[0].description
    assert "Monster" in fields(post.embeds[0])["Compared to:"]
