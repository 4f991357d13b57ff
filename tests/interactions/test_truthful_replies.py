"""When a command changed something and a later step failed (Discord refused the reply), the user is told what
was changed, never only "something went wrong"; where nobody can be told, the log says it."""

from __future__ import annotations

import logging

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.storage.db import open_database
from tests.cogs.reviews.review_support import button_id, corpus, posts

ROUGE = "t:9"
pytestmark = pytest.mark.simcord(settle_timeout=2.0)  # the review post's 5 s refresh timer may wait
CALLBACK = "/interactions/*/callback"
REFUSED = "but Discord did not accept the reply."


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles):
    return create_bot(settings)


async def scores(settings: Settings) -> list[tuple[int, int]]:
    db = await open_database(settings.database)
    try:
        return [(r["user_id"], r["score"]) for r in await db.fetchall("SELECT user_id, score FROM ratings")]
    finally:
        await db.close()


async def test_a_saved_score_whose_reply_failed_says_it_was_saved(world, simcord_env, settings, caplog) -> None:
    caplog.set_level(logging.INFO, logger="kansou.commands")
    alice = world.member("alice")
    simcord_env.inject_error("POST", CALLBACK, status=500)
    rated = await alice.slash(world.channel, "rate", title=ROUGE, score=9)
    assert rated.ephemeral
    assert rated.response.content == f"Your score of **9/10** for **Metallic Rouge** was saved, {REFUSED}"
    assert await scores(settings) == [(alice.id, 9)]
    assert not [r for r in caplog.records if "incident" in r.getMessage()]
    simcord_env.errors  # noqa: B018 - acknowledge the injected failure discord.py raised


async def test_unrate_settings_and_removal_say_what_changed_when_the_reply_fails(world, simcord_env, settings) -> None:
    alice, admin, mod = world.member("alice"), world.admin(), world.moderator()
    await alice.slash(world.channel, "rate", title=ROUGE, score=7)
    simcord_env.inject_error("POST", CALLBACK, status=503)
    unrated = await alice.slash(world.channel, "unrate", title=ROUGE)
    assert unrated.response.content == f"Your score for **Metallic Rouge** was removed, {REFUSED}"
    simcord_env.inject_error("POST", CALLBACK, status=500)
    setting = await admin.slash(world.channel, "settings min-votes", votes=3)
    assert setting.response.content == f"The setting was saved, {REFUSED}"
    await alice.slash(world.channel, "rate", title=ROUGE, score=5)
    simcord_env.inject_error("POST", CALLBACK, status=500)
    removed = await mod.slash(world.channel, "mod ratings remove", member=alice, title=ROUGE)
    assert removed.response.content == f"{alice.mention}'s score for **Metallic Rouge** was removed, {REFUSED}"
    assert await scores(settings) == []
    simcord_env.errors  # noqa: B018


async def test_when_nobody_can_be_told_the_log_says_the_score_was_saved(world, simcord_env, settings, caplog) -> None:
    caplog.set_level(logging.INFO, logger="kansou.commands")
    alice = world.member("alice")
    simcord_env.inject_error("POST", CALLBACK, status=500, times=None)
    await alice.slash(world.channel, "rate", title=ROUGE, score=8)
    assert await scores(settings) == [(alice.id, 8)]
    lines = [r.getMessage() for r in caplog.records]
    assert any("was saved, and the user could not be told" in line for line in lines)
    assert not any("incident" in line for line in lines)
    simcord_env.errors  # noqa: B018


async def test_a_score_from_a_review_posts_panel_whose_reply_failed_says_it_was_saved(
    world, simcord_env, settings
) -> None:
    mod, alice = world.moderator(), world.member("alice")
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    preview = await mod.submit_modal(shown, {"text": corpus("02_metallic_rouge_prose.md")})
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    [post] = posts(world.channel)
    simcord_env.inject_error("POST", CALLBACK, status=500)
    chose = await alice.select(post, ["6"], custom_id="review:rate")
    assert chose.response.content == f"Your score of **6/10** for **Metallic Rouge** was saved, {REFUSED}"
    assert await scores(settings) == [(alice.id, 6)]
    simcord_env.errors  # noqa: B018
