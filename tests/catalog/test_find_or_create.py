"""CatalogService.lookup, create_local and merges: the index, AniList (a stub) and the store kept in step."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.catalog.models import AniListMedia, Title
from bot.catalog.service import CatalogService, same_show
from bot.config import Settings
from bot.errors import InvalidInput
from bot.storage.db import Database, open_database
from bot.storage.ratings import RatingRepo
from bot.storage.titles import TitleRepo
from tests.catalog.sample import sample_titles
from tests.catalog.stores import StubAniList, catalog_service
from tests.conftest import seed_titles

G = 77
PLUTO = AniListMedia(
    id=99088,
    site_url="https://anilist.co/anime/99088",
    id_mal=35737,
    romaji="PLUTO",
    english="Pluto",
    native="プルートウ",
    synonyms=("Pluto (2023)",),
    format="ONA",
    season="FALL",
    season_year=2023,
    episodes=8,
    cover="https://img.anili.st/pluto.jpg",
    genres=("Mystery", "Sci-Fi"),
    studios=("Studio M2",),
    average_score=84,
)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    path = settings.database
    await seed_titles(path, sample_titles())
    database = await open_database(path)
    yield database
    await database.close()


async def find_or_create(catalog: CatalogService, name: str, guild_id: int = G) -> Title:
    """What /rate does once the member confirmed: the known title, else a new one of the server."""
    return await catalog.lookup(name, guild_id) or await catalog.create_local(name, guild_id, user_id=1)


async def test_a_name_the_catalog_knows_never_asks_anilist(db: Database) -> None:
    stub = StubAniList({"monster": PLUTO})
    title = await (await catalog_service(db, stub)).lookup("Monster", G)
    assert title is not None and (title.id, title.name) == (14, "Monster")
    assert stub.asked == []


async def test_a_show_anilist_knows_becomes_a_real_catalog_title(db: Database) -> None:
    catalog = await catalog_service(db, StubAniList({"pluto": PLUTO}))
    before = await TitleRepo(db).count()
    title = await catalog.lookup("Pluto", G)
    assert title is not None and not title.local
    assert title.name == "PLUTO" and set(title.aliases) == {"Pluto", "プルートウ", "Pluto (2023)"}
    assert (title.type, title.year, title.season, title.episodes) == ("ONA", 2023, "FALL", 8)
    assert title.sources == ("https://anilist.co/anime/99088", "https://myanimelist.net/anime/35737")
    assert title.studios == ("Studio M2",) and title.tags == ("mystery", "sci-fi")
    assert title.picture == "https://img.anili.st/pluto.jpg"
    assert await TitleRepo(db).count() == before + 1
    assert catalog.get(title.id) == title and await catalog.confident("プルートウ") == title


async def test_the_same_anilist_show_is_never_stored_twice(db: Database) -> None:
    repo = TitleRepo(db)
    first = await repo.create_from_anilist(PLUTO)
    again = await repo.create_from_anilist(PLUTO)
    assert again.id == first.id
    bebop = AniListMedia(id=1, site_url="https://anilist.co/anime/1", romaji="Cowboy Bebop")
    assert (await repo.create_from_anilist(bebop)).id == 18  # the sample catalog's Cowboy Bebop


async def test_an_unknown_show_becomes_a_local_title(db: Database) -> None:
    catalog = await catalog_service(db, StubAniList())
    title = await find_or_create(catalog, "  Our  Club's Fan Film ")
    assert title.local and title.name == "Our Club's Fan Film" and title.sources == ()
    assert await catalog.confident("our club's fan film", guild_id=G) == title


async def test_anilists_guess_for_a_different_name_is_not_taken(db: Database) -> None:
    catalog = await catalog_service(db, StubAniList({"plutonium dreams": PLUTO}))
    assert await catalog.lookup("Plutonium Dreams", G) is None
    title = await find_or_create(catalog, "Plutonium Dreams")
    assert title.local and title.name == "Plutonium Dreams"
    assert not same_show("Plutonium Dreams", PLUTO) and same_show("pluto!", PLUTO)


async def test_without_anilist_an_unknown_show_becomes_a_local_title(db: Database) -> None:
    catalog = await catalog_service(db, None)
    assert await catalog.lookup("Pluto", G) is None
    assert (await find_or_create(catalog, "Pluto")).local


@pytest.mark.parametrize("typed", ["", "   ", "x" * 500, "🎉🎉", "**__**", "@everyone", "<@&123>", "\x00\x1b"])
async def test_bad_names_are_refused_and_nothing_is_stored(db: Database, typed: str) -> None:
    stub = StubAniList({"pluto": PLUTO})
    catalog = await catalog_service(db, stub)
    before = await TitleRepo(db).count()
    with pytest.raises(InvalidInput):
        await find_or_create(catalog, typed)
    assert await TitleRepo(db).count() == before and len(catalog) == before
    assert stub.asked == []


async def test_a_local_title_anilist_later_finds_is_merged_with_its_ratings(db: Database) -> None:
    offline = await catalog_service(db, StubAniList())
    local = await find_or_create(offline, "Pluto")
    await RatingRepo(db).rate(G, local.id, 1, 9)
    catalog = await catalog_service(db, StubAniList({"pluto": PLUTO}))
    assert await catalog.guild_title_ids(G) == {local.id}

    merged = await catalog.lookup_local_titles()

    real = await catalog.confident("Pluto", guild_id=G)
    assert merged == 1  # the sample's own local title is unknown to AniList and stays local
    assert real is not None and not real.local
    assert catalog.get(local.id) is None and await TitleRepo(db).get(local.id) is None
    assert await RatingRepo(db).get_user_score(G, real.id, 1) == 9
    assert await catalog.guild_title_ids(G) == {real.id}
    assert [t.name for t in await TitleRepo(db).local_titles()] == ["Midnight Lanterns & Co."]
