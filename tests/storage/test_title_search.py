"""Titles found by name in the database (what answers while the index is built)."""

from __future__ import annotations

import time

from bot.catalog.models import Title
from bot.config import Settings
from bot.storage.db import Database, open_database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.title_search import TitleSearchRepo, words_pattern
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles


async def open_seeded(settings: Settings, titles: list[Title]) -> Database:
    """The test's database (SQLite, or PostgreSQL under KANSOU_TEST_DB=postgresql) holding these titles."""
    await seed_titles(settings.database, titles)
    return await open_database(settings.database, files=settings.db_path)


async def test_names_are_found_by_words_in_order_main_and_other_names_alike(settings: Settings) -> None:
    db = await open_seeded(settings, sample_titles())
    try:
        search = TitleSearchRepo(db)
        found = await search.names_with(["frieren"], anywhere=True, limit=10)
        assert (24, "Frieren", False) in found and (24, "Sousou no Frieren", False) in found
        assert (24, "Frieren: Beyond Journey's End", True) in found
        assert [name for _, name, _ in found] == sorted((name for _, name, _ in found), key=len)  # shortest first
        starting = await search.names_with(["fullmetal", "alch"], anywhere=False, limit=10)
        assert {title_id for title_id, _, _ in starting} == {11, 12}
        assert await search.names_with(["alchemist", "fullmetal"], anywhere=True, limit=10) == []
    finally:
        await db.close()


async def test_percent_and_underscore_are_matched_as_written_not_as_wildcards(settings: Settings) -> None:
    titles = [
        Title(id=1, name="100% Pascal"),
        Title(id=2, name="1000 Pascal"),
        Title(id=3, name="A_B"),
        Title(id=4, name="AxB"),
    ]
    db = await open_seeded(settings, titles)
    try:
        search = TitleSearchRepo(db)
        assert [name for _, name, _ in await search.names_with(["100%"], anywhere=False, limit=10)] == ["100% Pascal"]
        assert [name for _, name, _ in await search.names_with(["a_b"], anywhere=True, limit=10)] == ["A_B"]
        assert words_pattern(["a\\b"], anywhere=False) == "a\\\\b%"
    finally:
        await db.close()


async def test_local_titles_are_left_out_and_catalog_titles_come_with_sources_but_not_other_names(
    settings: Settings,
) -> None:
    db = await open_seeded(settings, sample_titles())
    try:
        await LocalTitleRepo(db).create("Frieren Fan Film", 1001, at=time.time())
        search = TitleSearchRepo(db)
        assert all(
            name != "Frieren Fan Film" for _, name, _ in await search.names_with(["frieren"], anywhere=True, limit=50)
        )
        batches = [batch async for batch in search.catalog_titles(batch=7)]
        assert {len(batch) for batch in batches[:-1]} == {7}  # read a few at a time, by id
        titles = {title.id: title for batch in batches for title in batch}
        assert sorted(titles) == [title.id for title in sample_titles() if not title.local]
        assert titles[24].name == "Frieren: Beyond Journey's End" and titles[24].aliases == ()
        assert titles[24].sources == ("https://anilist.co/anime/154587", "https://myanimelist.net/anime/52991")
        assert titles[24].studios == ("Madhouse",) and titles[24].year == 2023
    finally:
        await db.close()
