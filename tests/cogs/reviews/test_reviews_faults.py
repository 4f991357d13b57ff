"""Publish and edit when Discord fails part-way (a refusal or a dropped connection): nothing is left
half-done (no post or thread without a stored review), what could not be removed at once is removed at the
next start, and the moderator is told what actually happened."""

from __future__ import annotations

from typing import Any

import aiohttp
import discord
import pytest

from bot.client import create_bot
from bot.config import Settings
from tests.cogs.reviews.review_support import METALLIC_ROUGE, button_id, corpus, posts, rows, seed_catalog

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

ROUGE = f"t:{METALLIC_ROUGE}"
REVIEW = corpus("02_metallic_rouge_prose.md")
DROPPED = "the connection to Discord dropped"


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


def drop(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, *, after_sending: bool = False) -> None:
    """`cls.name` loses its connection: before the request, or (after_sending) once Discord acted on it."""
    original = getattr(cls, name)

    async def dropped(*args: Any, **kwargs: Any) -> Any:
        if after_sending:
            await original(*args, **kwargs)
        raise aiohttp.ClientConnectionError("Connection reset by peer")

    monkeypatch.setattr(cls, name, dropped)


async def preview(world, mod, text: str = REVIEW, command: str = "mod review post", *, replace: bool = False):
    shown = await mod.slash(world.channel, command, title=ROUGE)
    if replace:
        shown = await mod.click(shown.response.message, custom_id="confirm:yes")
    return await mod.submit_modal(shown, {"text": text})


async def publish(world, mod, shown) -> str:
    result = await mod.click(shown.response.message, custom_id=button_id(shown, "publish"))
    return result.response.content


async def nothing_published(world, settings: Settings) -> None:
    assert posts(world.channel) == []
    assert world.channel.threads == []
    assert await rows(settings, "SELECT count(*) FROM reviews") == [(0,)]


async def test_a_dropped_connection_while_opening_the_thread_takes_the_post_down(world, settings, monkeypatch) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    drop(monkeypatch, discord.Message, "create_thread")
    said = await publish(world, mod, shown)
    assert "Nothing was published" in said and DROPPED in said and "took the post down again" in said
    await nothing_published(world, settings)


async def test_a_thread_created_but_its_reply_lost_goes_with_the_post(world, settings, monkeypatch) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    drop(monkeypatch, discord.Message, "create_thread", after_sending=True)
    said = await publish(world, mod, shown)
    assert "Nothing was published" in said and DROPPED in said
    await nothing_published(world, settings)


async def test_a_dropped_connection_while_writing_the_thread_takes_thread_and_post_down(
    world, settings, monkeypatch
) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    drop(monkeypatch, discord.Thread, "send")
    said = await publish(world, mod, shown)
    assert "Nothing was published" in said and DROPPED in said
    await nothing_published(world, settings)


async def test_a_post_created_but_its_reply_lost_is_found_and_taken_down(world, settings, monkeypatch) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    drop(monkeypatch, discord.TextChannel, "send", after_sending=True)
    said = await publish(world, mod, shown)
    assert "Nothing was published" in said and DROPPED in said and "took it down again" in said
    await nothing_published(world, settings)


async def test_a_post_never_created_is_reported_as_such(world, settings, monkeypatch) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    drop(monkeypatch, discord.TextChannel, "send")
    said = await publish(world, mod, shown)
    assert "Nothing was published" in said and "No post was created" in said
    await nothing_published(world, settings)


async def test_a_post_that_cannot_be_taken_down_is_deleted_at_the_next_start(world, simcord_env, settings) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    simcord_env.inject_error("POST", f"/channels/{world.channel.id}/messages/*/threads", status=500)
    simcord_env.inject_error("DELETE", f"/channels/{world.channel.id}/messages/*", status=503)
    said = await publish(world, mod, shown)
    assert "Nothing was published" in said and "will take the post down at my next start" in said
    [left] = posts(world.channel)
    assert await rows(settings, "SELECT channel_id, message_id FROM discord_leftovers") == [(world.channel.id, left.id)]
    assert await rows(settings, "SELECT count(*) FROM reviews") == [(0,)]
    bot = create_bot(settings)
    await simcord_env.restart_bot(bot)
    cog: Any = bot.get_cog("Reviews")
    await cog.sweeping
    await nothing_published(world, settings)
    assert await rows(settings, "SELECT count(*) FROM discord_leftovers") == [(0,)]


async def test_a_replacing_publish_whose_old_post_cannot_go_says_published_and_sweeps_it_later(
    world, simcord_env, settings, monkeypatch
) -> None:
    mod = world.moderator()
    first = await preview(world, mod, "A first short review; it is worth watching. Score: 6/10")
    await publish(world, mod, first)
    [old_post] = posts(world.channel)
    second = await preview(world, mod, replace=True)
    drop(monkeypatch, discord.PartialMessage, "delete")
    drop(monkeypatch, discord.http.HTTPClient, "delete_channel")
    said = await publish(world, mod, second)
    assert said.startswith("Replaced the official review")
    assert await rows(settings, "SELECT status FROM reviews ORDER BY id") == [("replaced",), ("current",)]
    assert old_post.id in [p.id for p in posts(world.channel)]
    monkeypatch.undo()
    bot = create_bot(settings)
    await simcord_env.restart_bot(bot)
    cog: Any = bot.get_cog("Reviews")
    await cog.sweeping
    assert old_post.id not in [p.id for p in posts(world.channel)]
    assert len(posts(world.channel)) == 1 and len(world.channel.threads) == 1
    assert await rows(settings, "SELECT count(*) FROM discord_leftovers") == [(0,)]


async def test_an_edit_whose_post_update_drops_is_put_back_and_says_not_changed(world, settings, monkeypatch) -> None:
    mod = world.moderator()
    await publish(world, mod, await preview(world, mod))
    [post] = posts(world.channel)
    before = post.embeds[0].description
    edit = await preview(world, mod, "Rewritten: the story is great and it is worth watching. 9/10", "mod review edit")
    original = discord.PartialMessage.edit
    calls = []

    async def first_drops(self: discord.PartialMessage, **kwargs: Any) -> Any:
        calls.append(kwargs)
        if len(calls) == 1:
            raise aiohttp.ClientConnectionError("Connection reset by peer")
        return await original(self, **kwargs)

    monkeypatch.setattr(discord.PartialMessage, "edit", first_drops)
    said = await publish(world, mod, edit)
    assert said.startswith("Not changed") and DROPPED in said and "left as it was" in said
    [same] = posts(world.channel)
    assert same.embeds[0].description == before
    assert await rows(settings, "SELECT score FROM reviews") == [(5.5,)]
    assert await rows(settings, "SELECT count(*) FROM review_revisions") == [(0,)]
