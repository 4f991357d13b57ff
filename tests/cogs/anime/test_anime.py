"""/anime through simcord: the card, this server's scores on it, Discord's limits, AniList on and off."""

from __future__ import annotations

import dataclasses

import pytest

import bot.client
from bot.catalog.anilist import AniListClient, AniListMedia
from bot.catalog.models import Title
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.errors import InvalidInput, NotFound
from bot.storage.ratings import RatingRepo
from bot.storage.titles import TitleRepo
from cogs.anime.render import card_embed
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles

FRIEREN, COWBOY_BEBOP, KAIBA, LOCAL = 24, 18, 39, 40
HUGE_ID = 41


def huge_title() -> Title:
    """A title whose every field is far past what one embed can show."""
    return Title(
        id=HUGE_ID,
        name="Zyxw " + "Very Long Name " * 33,  # about 500 characters
        aliases=tuple(f"Alias {n} " + "x" * 490 for n in range(50)),
        type="TV",
        year=2020,
        season="SPRING",
        episodes=9999,
        studios=tuple(f"Studio {n} " + "s" * 200 for n in range(40)),
        tags=tuple(f"tag {n} " + "t" * 90 for n in range(300)),
        picture="https://cdn.example.invalid/huge.jpg",
        sources=tuple(f"https://site{n}.example.invalid/anime/" + "9" * 150 for n in range(100)),
    )


class StubAniList:
    """Answers like AniListClient without a network: one known anime, or nothing (unreachable)."""

    enabled = True

    def __init__(self, media: AniListMedia | None) -> None:
        self.answer = media
        self.asked: list[int] = []

    async def media(self, anilist_id: int) -> AniListMedia | None:
        self.asked.append(anilist_id)
        return self.answer

    async def search(self, name: str) -> AniListMedia | None:
        return self.answer

    async def close(self) -> None:
        return None


@pytest.fixture
async def catalog_titles(settings: Settings) -> list[Title]:
    """The sample catalog, then (id 41) a title with 500-character names, 300 tags and 100 links."""
    await seed_titles(settings.database, sample_titles())
    return await seed_titles(settings.database, [huge_title()])


@pytest.fixture
def anilist_stub(request: pytest.FixtureRequest) -> StubAniList | None:
    """None (AniList off, the default), or the stub the bot gets as its AniList client when parametrized."""
    return getattr(request, "param", None)


@pytest.fixture
def settings(settings: Settings, anilist_stub: StubAniList | None) -> Settings:
    return dataclasses.replace(settings, anilist=anilist_stub is not None)


@pytest.fixture
def simcord_bot(
    settings: Settings, catalog_titles: list[Title], anilist_stub: StubAniList | None, monkeypatch: pytest.MonkeyPatch
) -> KansouBot:
    if anilist_stub is not None:
        monkeypatch.setattr(bot.client, "AniListClient", lambda **options: anilist_stub)
    return create_bot(settings)


def user_errors(env) -> list[BaseException]:
    """The errors the bot raised and answered, unwrapped; reading env.errors acknowledges them."""
    return [error.__cause__ or getattr(error, "original", None) or error for error in env.errors]


def fields(result) -> dict[str, str]:
    return {field.name: field.value for field in result.response.embeds[0].fields}


async def test_the_card_shows_names_facts_tags_links_and_the_cover(world) -> None:
    result = await world.member().slash(world.channel, "anime", title=f"t:{FRIEREN}")
    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Frieren: Beyond Journey's End"
    assert embed.url == "https://anilist.co/anime/154587"
    assert "Sousou no Frieren" in embed.description and "葬送のフリーレン" in embed.description
    assert embed.thumbnail.url == "https://cdn.myanimelist.net/images/anime/52991.jpg"
    shown = fields(result)
    assert (shown["Type"], shown["Season"], shown["Episodes"]) == ("TV", "Fall 2023", "28")
    assert shown["Studios"] == "Madhouse"
    assert shown["Tags"] == "adventure, drama, fantasy"
    assert shown["Links"] == (
        "[AniList](<https://anilist.co/anime/154587>) · [MyAnimeList](<https://myanimelist.net/anime/52991>)"
    )
    assert "Community" not in shown and "This server's review" not in shown


async def test_a_typed_alias_resolves_to_its_title(world) -> None:
    result = await world.member().slash(world.channel, "anime", title="AoT")
    assert result.response.embeds[0].title == "Attack on Titan"


async def test_a_misspelled_title_gets_the_not_sure_answer(world, simcord_env) -> None:
    result = await world.member().slash(world.channel, "anime", title="Cowboy Bebopp")
    assert result.ephemeral
    assert "not sure which title you mean" in result.response.content
    assert "**Cowboy Bebop**" in result.response.content
    assert [type(error) for error in user_errors(simcord_env)] == [NotFound]


async def test_the_card_shows_this_servers_review_and_community_average(world, simcord_bot) -> None:
    ratings = RatingRepo(simcord_bot.db)
    for user, score in ((1, 8), (2, 9), (3, 6)):
        await ratings.rate(world.guild.id, COWBOY_BEBOP, user, score)
    await ratings.rate(world.guild.id + 1, COWBOY_BEBOP, 4, 1)  # another server's vote stays out
    await simcord_bot.db.execute(
        "INSERT INTO reviews (guild_id, title_id, author_id, score, text, channel_id, message_id) "
        "VALUES (?, ?, 1, 9.5, 'See you space cowboy', 55, 66)",
        (world.guild.id, COWBOY_BEBOP),
    )
    shown = fields(await world.member().slash(world.channel, "anime", title=f"t:{COWBOY_BEBOP}"))
    assert shown["Community"] == "**7.67** / 10 · 3 votes"
    assert shown["This server's review"] == (
        f"**9.5** / 10 · [read the review](<https://discord.com/channels/{world.guild.id}/55/66>)"
    )


async def test_a_title_without_an_anilist_page_links_to_myanimelist(world) -> None:
    shown = fields(await world.member().slash(world.channel, "anime", title="Kaiba"))
    assert shown["Links"] == "[MyAnimeList](<https://myanimelist.net/anime/3701>)"


async def test_a_local_title_card_links_to_an_anilist_search(world) -> None:
    result = await world.member().slash(world.channel, "anime", title=f"t:{LOCAL}")
    embed = result.response.embeds[0]
    assert embed.title == "Midnight Lanterns & Co."
    assert embed.url.startswith("https://anilist.co/search/anime?search=Midnight")
    assert "Not in the catalog yet" in embed.description
    assert fields(result)["Links"].startswith("[Search on AniList](<https://anilist.co/search/anime?search=")


async def test_the_card_of_a_huge_title_stays_within_discords_limits(world) -> None:
    result = await world.member().slash(world.channel, "anime", title=f"t:{HUGE_ID}")
    embed = result.response.embeds[0]
    assert len(embed) <= 6000
    assert len(embed.title) <= 256 and embed.title.endswith("…")
    assert len(embed.description) <= 4096 and "+45 more" in embed.description
    shown = fields(result)
    assert all(len(value) <= 1024 for value in shown.values())
    assert shown["Tags"].endswith("+290 more") and shown["Tags"].count(",") == 10
    assert "more" in shown["Links"] and "more" in shown["Studios"]


async def test_with_anilist_on_the_card_adds_anilists_score_and_genres(world, simcord_bot) -> None:
    media = AniListMedia(id=1, site_url="https://anilist.co/anime/1", average_score=86, genres=("Action", "Noir"))
    stub = StubAniList(media)
    simcord_bot.anilist = stub
    result = await world.member().slash(world.channel, "anime", title=f"t:{COWBOY_BEBOP}")
    shown = fields(result)
    assert stub.asked == [1]
    assert shown["AniList"] == "**86**% · weighted average"  # no mean score from AniList: its average
    assert shown["Genres"] == "Action, Noir"
    assert shown["Tags"] == "sci-fi, space, adult cast"


async def test_with_anilist_unreachable_the_card_shows_the_catalog(world, simcord_bot) -> None:
    # Port 9 (discard) on this machine refuses connections at once: the real client gives up, no wait.
    simcord_bot.anilist = AniListClient(enabled=True, base_url="http://127.0.0.1:9/", timeout=1.0)
    try:
        result = await world.member().slash(world.channel, "anime", title=f"t:{FRIEREN}")
    finally:
        await simcord_bot.anilist.close()
    shown = fields(result)
    assert "AniList" not in shown
    assert shown["Studios"] == "Madhouse"


async def test_with_anilist_off_the_card_never_asks_anilist(world, simcord_bot) -> None:
    assert simcord_bot.anilist.enabled is False
    result = await world.member().slash(world.channel, "anime", title=f"t:{FRIEREN}")
    assert not result.deferred
    assert "AniList" not in fields(result)


async def test_in_direct_messages_the_card_has_no_server_scores(simcord_env) -> None:
    result = await simcord_env.create_user("solo").slash("anime", title=f"t:{FRIEREN}")
    shown = fields(result)
    assert result.response.embeds[0].title == "Frieren: Beyond Journey's End"
    assert "Community" not in shown and "This server's review" not in shown


async def test_bad_titles_get_an_ephemeral_answer_and_store_nothing(world, simcord_bot, simcord_env) -> None:
    titles = TitleRepo(simcord_bot.db)
    before = await titles.count()
    member = world.member()
    for typed, expected in (
        ("   ", "empty"),
        ("x" * 500, "at most 200"),
        ("🎉🎉🎉", "no letters or digits"),
        ("**__~~||**", "no letters or digits"),
        ("@everyone", "cannot contain mentions"),
        ("<@123456789012345678>", "cannot contain mentions"),
        ("\x00\x07\x1b", "empty"),
    ):
        result = await member.slash(world.channel, "anime", title=typed)
        assert result.ephemeral, typed
        assert expected in result.response.content, (typed, result.response.content)
    assert await titles.count() == before
    assert len(simcord_bot.catalog) == before
    errors = user_errors(simcord_env)
    assert len(errors) == 7 and all(isinstance(error, InvalidInput) for error in errors)


LANTERNS = AniListMedia(id=424242, site_url="https://anilist.co/anime/424242", romaji="Midnight Lanterns & Co.")


@pytest.mark.parametrize("anilist_stub", [StubAniList(LANTERNS)], indirect=True)
async def test_at_start_with_anilist_on_a_local_title_it_knows_is_merged(world, simcord_bot) -> None:
    assert await simcord_bot._local_lookup == 1
    title = await simcord_bot.catalog.confident("Midnight Lanterns & Co.")
    assert title is not None and not title.local and title.id != LOCAL
    assert LOCAL not in simcord_bot.catalog.index
    assert await TitleRepo(simcord_bot.db).local_titles() == []
    result = await world.member().slash(world.channel, "anime", title="Midnight Lanterns & Co.")
    assert result.response.embeds[0].url == "https://anilist.co/anime/424242"


def test_a_local_title_with_a_long_japanese_name_keeps_its_search_link_within_a_field() -> None:
    title = Title(id=7, name="真夜中のランタン" * 25, local=True)  # 200 characters, 9 bytes each encoded
    embed = card_embed(title)
    links = {field.name: field.value for field in embed.fields}["Links"]
    assert links is not None
    assert len(links) <= 1024 and links.startswith("[Search on AniList](<https://anilist.co/search/anime?search=")
    assert embed.url is None or len(embed.url) <= 2000
    assert len(embed) <= 6000
