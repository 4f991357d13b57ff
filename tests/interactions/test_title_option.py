"""Title autocomplete through simcord: at most 25 choices, 100-character names, this server's titles first."""

from __future__ import annotations

import pytest

from bot.catalog.models import Title
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage.ratings import RatingRepo
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles

DEATH_PARADE, DEATH_NOTE, MONSTER, KAIBA = 8, 21, 14, 39
LONG_ID = 41


@pytest.fixture
async def catalog_titles(settings: Settings) -> list[Title]:
    """The sample catalog, then (id 41) a title whose name and aliases are 500 characters long."""
    await seed_titles(settings.database, sample_titles())
    long_title = Title(
        id=LONG_ID,
        name="Quokka " + "Endless Title Words " * 25,
        aliases=("Quokka Alias " + "y" * 487,),
        sources=("https://anilist.co/anime/999999",),
    )
    return await seed_titles(settings.database, [long_title])


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles: list[Title]) -> KansouBot:
    return create_bot(settings)


def ids(choices: list[dict]) -> list[int]:
    return [int(choice["value"].removeprefix("t:")) for choice in choices]


async def test_an_empty_query_offers_25_of_the_41_titles_within_discords_limits(world) -> None:
    choices = await world.member().autocomplete(world.channel, "anime", "title", "")
    assert len(choices) == 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)


async def test_a_500_character_title_is_offered_with_a_name_cut_to_100_characters(world) -> None:
    for typed in ("quokka", "Quokka Alias yyy"):
        choices = await world.member().autocomplete(world.channel, "anime", "title", typed)
        assert ids(choices)[0] == LONG_ID
        assert len(choices[0]["name"]) <= 100 and choices[0]["name"].endswith("…")


async def test_a_500_character_query_still_gets_an_answer(world) -> None:
    choices = await world.member().autocomplete(world.channel, "anime", "title", "Quokka " * 70)
    assert len(choices) <= 25
    assert all(len(c["name"]) <= 100 for c in choices)


async def test_best_match_comes_first(world) -> None:
    choices = await world.member().autocomplete(world.channel, "anime", "title", "death")
    assert ids(choices)[:2] == [DEATH_NOTE, DEATH_PARADE]


async def test_titles_this_server_rated_rank_above_the_rest(world, simcord_bot, simcord_env) -> None:
    await RatingRepo(simcord_bot.db).rate(world.guild.id, DEATH_PARADE, 1, 9)
    choices = await world.member().autocomplete(world.channel, "anime", "title", "death")
    assert ids(choices)[:2] == [DEATH_PARADE, DEATH_NOTE]
    # Another server has rated nothing: its ranking is the catalog's own.
    other = simcord_env.create_guild("Other Club")
    channel = other.create_text_channel("general")
    stranger = other.add_member(simcord_env.create_user("stranger"))
    assert ids(await stranger.autocomplete(channel, "anime", "title", "death"))[:2] == [DEATH_NOTE, DEATH_PARADE]


async def test_titles_this_server_reviewed_come_first_on_an_empty_query(world, simcord_bot) -> None:
    await simcord_bot.db.execute(
        "INSERT INTO reviews (guild_id, title_id, author_id, score, text) VALUES (?, ?, 1, 9, 'odd and great')",
        (world.guild.id, KAIBA),
    )
    await RatingRepo(simcord_bot.db).rate(world.guild.id, MONSTER, 1, 10)
    choices = await world.member().autocomplete(world.channel, "anime", "title", "")
    assert ids(choices)[:2] == [KAIBA, MONSTER]


async def test_a_typed_misspelling_is_offered_the_right_title(world) -> None:
    choices = await world.member().autocomplete(world.channel, "anime", "title", "cowboy bebp")
    assert choices and choices[0]["name"].startswith("Cowboy Bebop")


async def test_a_picked_choice_opens_that_titles_card(world) -> None:
    member = world.member()
    choices = await member.autocomplete(world.channel, "anime", "title", "frieren")
    result = await member.slash(world.channel, "anime", title=choices[0]["value"])
    assert result.response.embeds[0].title == "Frieren: Beyond Journey's End"
