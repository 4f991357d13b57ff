"""Local titles through simcord: confirmation and daily limit on /rate, per-server visibility, bad names."""

from __future__ import annotations

import pytest

from bot.catalog.service import DAILY_NEW_TITLES
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.errors import InvalidInput, NotFound, OnCooldown
from bot.storage.ratings import RatingRepo
from bot.storage.titles import TitleRepo
from tests.catalog.sample import LOCAL_TITLE


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles) -> KansouBot:
    return create_bot(settings)


def user_errors(env) -> list[BaseException]:
    return [error.__cause__ or getattr(error, "original", None) or error for error in env.errors]


def button_ids(result) -> list[str]:
    return [c["custom_id"] for row in result.response.components for c in row["components"] if "custom_id" in c]


# Made-up shows, none like another or like a sample catalog title.
NAMES = [
    "Quixotic Vortex",
    "Brambleton Fjord",
    "Snorkel Diplomacy",
    "Waffle Meridian",
    "Jigsaw Tundra",
    "Obelisk Kazoo",
    "Marmalade Protocol",
    "Ziggurat Pudding",
    "Lantern Wobble",
    "Hopscotch Nebula",
    "Turnip Cathedral",
    "Velvet Mongoose",
]


async def add_title(member, channel, name: str, score: int = 7):
    """/rate an unknown name, then press Add; the answer to the click."""
    asked = await member.slash(channel, "rate", title=name, score=score)
    assert button_ids(asked) == ["confirm:yes", "confirm:no"], asked.response.content
    return await member.click(asked.response.message, custom_id="confirm:yes")


async def local_named(bot: KansouBot, name: str):
    return [t for t in await TitleRepo(bot.db).local_titles() if t.name == name]


async def test_cancel_adds_nothing_and_stores_no_score(world, simcord_bot) -> None:
    member = world.member()
    asked = await member.slash(world.channel, "rate", title="Qwxzzv Plorp", score=7)
    cancelled = await member.click(asked.response.message, custom_id="confirm:no")
    assert "nothing was changed" in cancelled.response.content
    assert await local_named(simcord_bot, "Qwxzzv Plorp") == []


async def test_a_member_may_add_a_few_titles_a_day_then_gets_a_friendly_refusal(
    world, simcord_bot, simcord_env
) -> None:
    member = world.member()
    for name in NAMES[:DAILY_NEW_TITLES]:
        added = await add_title(member, world.channel, name)
        assert "Saved your" in added.response.content
    refused = await member.slash(world.channel, "rate", title="Zorblax Chronicle", score=5)
    assert refused.ephemeral and f"added {DAILY_NEW_TITLES} new titles" in refused.response.content
    assert "try again in about 24 h" in refused.response.content.lower()
    assert [type(e) for e in user_errors(simcord_env)] == [OnCooldown]
    assert await local_named(simcord_bot, "Zorblax Chronicle") == []
    # Another member, and a moderator, are not held back by this member's count.
    assert "Saved your" in (await add_title(world.member(), world.channel, "Zorblax Chronicle")).response.content
    moderator = world.moderator()
    for name in NAMES[DAILY_NEW_TITLES : 2 * DAILY_NEW_TITLES + 1]:
        assert "Saved your" in (await add_title(moderator, world.channel, name)).response.content


async def test_a_local_title_is_seen_only_in_the_server_that_added_it(world, simcord_bot, simcord_env) -> None:
    await add_title(world.member(), world.channel, "Qwxzzv Plorp")
    [title] = await local_named(simcord_bot, "Qwxzzv Plorp")
    other_guild = simcord_env.create_guild("Other Club")
    other_channel = other_guild.create_text_channel("general")
    stranger = other_guild.add_member(simcord_env.create_user("stranger"))

    mine = await world.member().autocomplete(world.channel, "rate", "title", "qwxzzv")
    assert [c["value"] for c in mine] == [f"t:{title.id}"]
    assert await stranger.autocomplete(other_channel, "rate", "title", "qwxzzv") == []
    # The sample's own local title belongs to the test world's server too.
    assert await stranger.autocomplete(other_channel, "anime", "title", "midnight lanterns") == []

    card = await world.member().slash(world.channel, "anime", title="Qwxzzv Plorp")
    assert card.response.embeds[0].title == "Qwxzzv Plorp"
    for typed in ("Qwxzzv Plorp", f"t:{title.id}", f"t:{LOCAL_TITLE.id}"):
        answer = await stranger.slash(other_channel, "anime", title=typed)
        assert answer.ephemeral and not answer.response.embeds, typed
    assert [type(e) for e in user_errors(simcord_env)] == [NotFound] * 3
    # The other server may add its own title with the same name: a separate one, with its own scores.
    theirs = await add_title(stranger, other_channel, "Qwxzzv Plorp", score=2)
    assert "Saved your **2/10**" in theirs.response.content
    both = await local_named(simcord_bot, "Qwxzzv Plorp")
    assert sorted(t.guild_id for t in both) == sorted([world.guild.id, other_guild.id])
    assert (await RatingRepo(simcord_bot.db).aggregate(world.guild.id, title.id)).count == 1


async def test_a_stale_choice_is_no_longer_known_and_never_becomes_a_title(world, simcord_bot, simcord_env) -> None:
    before = await TitleRepo(simcord_bot.db).count()
    answer = await world.member().slash(world.channel, "rate", title="t:999999999", score=6)
    assert answer.ephemeral and "no longer known" in answer.response.content
    assert await TitleRepo(simcord_bot.db).count() == before
    assert [type(e) for e in user_errors(simcord_env)] == [NotFound]


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("   ", "empty"),
        ("x" * 500, "at most"),
        ("🎉🎉🎉", "no letters or digits"),
        ("\u200b\u200d\u200b", "empty"),
        ("@everyone look", "cannot contain mentions"),
        ("<@123456789012345678> show", "cannot contain mentions"),
        ("**Bold Show**", "formatting"),
        ("```py\nprint(1)\n```", "formatting"),
        ("Show\x00\x07\x1b", None),  # control characters are removed: the rest is a fine name
        ("?!?! x !?!?", "mostly symbols"),
    ],
)
async def test_bad_names_get_a_clear_private_answer_and_nothing_is_stored(
    world, simcord_bot, simcord_env, typed: str, says: str | None
) -> None:
    before = await TitleRepo(simcord_bot.db).count()
    answer = await world.member().slash(world.channel, "rate", title=typed, score=5)
    assert answer.ephemeral
    if says is None:
        assert answer.response.content.startswith("Not found. Add *Show* as a new title")
    else:
        assert says in answer.response.content, answer.response.content
        assert [type(e) for e in user_errors(simcord_env)] == [InvalidInput]
    assert await TitleRepo(simcord_bot.db).count() == before


async def test_text_that_looks_like_sql_is_stored_as_plain_text(world, simcord_bot) -> None:
    name = "x'); DROP TABLE ratings;--"
    added = await add_title(world.member(), world.channel, name, score=4)
    assert "Saved your **4/10**" in added.response.content
    [title] = await local_named(simcord_bot, name)
    assert (await RatingRepo(simcord_bot.db).aggregate(world.guild.id, title.id)).count == 1


async def test_a_member_whose_show_only_looks_like_a_known_one_can_still_add_it(world, simcord_bot) -> None:
    member = world.member()
    asked = await member.slash(world.channel, "rate", title="Cowboy Bebop Remix", score=8)
    assert "Did you mean" in asked.response.content and "rate:new" in button_ids(asked)
    offered = await member.click(asked.response.message, custom_id="rate:new")
    assert offered.response.content.startswith("Not found. Add *Cowboy Bebop Remix* as a new title")
    added = await member.click(asked.response.message, custom_id="confirm:yes")
    assert "Saved your **8/10**" in added.response.content
    [title] = await local_named(simcord_bot, "Cowboy Bebop Remix")
    assert title.guild_id == world.guild.id


async def test_no_new_title_button_for_a_name_unfit_to_be_one(world, simcord_bot) -> None:
    asked = await world.member().slash(world.channel, "rate", title="**Cowboy Bebopp**", score=8)
    assert "Did you mean" in asked.response.content and "rate:new" not in button_ids(asked)
