"""/anime with AniList's card facts (a stub AniList): synopsis, cover, status, next episode, mean score,
genres and studios within Discord's limits; offline the catalog's facts; did-you-mean only when close."""

from __future__ import annotations

import dataclasses

import pytest

import bot.client
from bot.catalog.anilist import AniListMedia
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.errors import NotFound
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles

COWBOY_BEBOP = 18  # AniList id 1 in the sample catalog

DESCRIPTION = (
    "In the year 2071, humanity has colonized the solar system.<br><br>\n"
    "<i>Spike Spiegel</i> &amp; Jet Black hunt bounties. **Not bold** @everyone "
    "~!Spike dies at the end!~ and the crew drifts on.<br>\n(Source: Example Wiki)"
)
BEBOP = AniListMedia(
    id=1,
    site_url="https://anilist.co/anime/1",
    romaji="Cowboy Bebop",
    cover="https://img.example.invalid/bebop-large.jpg",
    genres=("Action", "Drama", "Sci-Fi"),
    studios=("Sunrise",),
    average_score=86,
    mean_score=88,
    description=DESCRIPTION,
    status="RELEASING",
    next_episode=12,
    next_airing_at=2_000_000_000,
)


class StubAniList:
    """Answers like AniListClient: the scripted media for every id, or None (AniList unreachable)."""

    enabled = True

    def __init__(self, media: AniListMedia | None) -> None:
        self.answer = media
        self.asked: list[int] = []

    async def media(self, anilist_id: int) -> AniListMedia | None:
        self.asked.append(anilist_id)
        return self.answer

    async def search(self, name: str) -> AniListMedia | None:
        return None

    async def close(self) -> None:
        return None


@pytest.fixture
def stub() -> StubAniList:
    return StubAniList(BEBOP)


@pytest.fixture
async def catalog_titles(settings: Settings) -> None:
    """The sample catalog without Your Name. (Kimi no Na wa), so that film is missing."""
    await seed_titles(settings.database, [t for t in sample_titles() if t.name != "Your Name."])


@pytest.fixture
def simcord_bot(
    settings: Settings, catalog_titles: None, stub: StubAniList, monkeypatch: pytest.MonkeyPatch
) -> KansouBot:
    monkeypatch.setattr(bot.client, "AniListClient", lambda **options: stub)
    return create_bot(dataclasses.replace(settings, anilist=True))


def fields(embed) -> dict[str, str]:
    return {field.name: field.value for field in embed.fields}


async def test_the_card_shows_anilists_synopsis_cover_status_score_genres_and_studios(world, stub) -> None:
    result = await world.member().slash(world.channel, "anime", title=f"t:{COWBOY_BEBOP}")
    [embed] = result.response.embeds
    assert stub.asked == [1]
    description = embed.description
    assert "In the year 2071, humanity has colonized the solar system." in description
    assert "Spike Spiegel & Jet Black hunt bounties." in description  # HTML gone, entities read
    assert "<i>" not in description and "<br>" not in description and "Source:" not in description
    assert "\\*\\*Not bold\\*\\*" in description  # markup from AniList is shown, not applied
    assert "||Spike dies at the end||" in description  # the spoiler stays hidden
    assert embed.thumbnail.url == "https://img.example.invalid/bebop-large.jpg"
    shown = fields(embed)
    assert shown["Status"] == "Airing · episode 12 <t:2000000000:R>"
    assert shown["AniList"] == "**88**% · mean of members' scores"
    assert shown["Genres"] == "Action, Drama, Sci-Fi"
    assert shown["Studios"]  # the catalog's studio list, else AniList's
    assert len(embed) <= 6000 and len(description) <= 4096


async def test_a_huge_synopsis_is_trimmed_without_cutting_a_spoiler(world, stub) -> None:
    stub.answer = dataclasses.replace(
        BEBOP, description="Words and more words. " * 40 + "~!" + "secret " * 200 + "!~" + " tail" * 500
    )
    result = await world.member().slash(world.channel, "anime", title=f"t:{COWBOY_BEBOP}")
    [embed] = result.response.embeds
    assert len(embed) <= 6000 and embed.description.endswith("…")
    assert embed.description.count("||") % 2 == 0 and "secret" not in embed.description


async def test_offline_the_card_shows_the_catalogs_facts(world, stub) -> None:
    stub.answer = None
    result = await world.member().slash(world.channel, "anime", title=f"t:{COWBOY_BEBOP}")
    [embed] = result.response.embeds
    shown = fields(embed)
    assert embed.title == "Cowboy Bebop" and "Type" in shown and "Tags" in shown
    assert "Status" not in shown and "AniList" not in shown and "Genres" not in shown


async def test_a_film_missing_from_the_catalog_is_not_found_not_three_unrelated_titles(world, simcord_env) -> None:
    result = await world.member().slash(world.channel, "anime", title="Kimi no Na wa")
    assert result.ephemeral
    assert result.response.content.startswith("Not found: I don't know a title called “Kimi no Na wa”")
    for unrelated in ("Fullmetal", "Shield Hero", "Code Geass", "Gundam", "Evangelion"):
        assert unrelated not in result.response.content
    assert [type(e.__cause__ or getattr(e, "original", e)) for e in simcord_env.errors] == [NotFound]


async def test_a_close_misspelling_still_gets_did_you_mean(world, simcord_env) -> None:
    result = await world.member().slash(world.channel, "anime", title="Fulmetal Alchemist")
    assert "Did you mean **Fullmetal Alchemist**" in result.response.content
    assert len(simcord_env.errors) == 1
