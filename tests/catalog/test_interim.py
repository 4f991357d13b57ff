"""Answers from the database while the index is built: the index's result shape, plainer matching."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.catalog.index import CONFIDENT, CatalogIndex
from bot.catalog.interim import StoreLookup
from bot.config import Settings
from bot.storage.db import open_database
from bot.storage.title_search import TitleSearchRepo
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles


@pytest.fixture
async def lookup(settings: Settings) -> AsyncIterator[StoreLookup]:
    await seed_titles(settings.database, sample_titles())
    db = await open_database(settings.database, files=settings.db_path)
    search = TitleSearchRepo(db)
    yield await StoreLookup.load(search)
    await db.close()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Frieren: Beyond Journey's End", 24),  # the main name
        ("sousou no frieren", 24),  # another name, any case
        ("進撃の巨人", 1),  # native
        ("Steins Gate", 17),
        ("Carol & Tuesday", 10),
    ],
)
async def test_a_stored_name_typed_whole_is_resolved_surely(lookup: StoreLookup, typed: str, expected: int) -> None:
    best = (await lookup.resolve(typed))[0]
    assert best.title.id == expected and best.confidence >= CONFIDENT


async def test_a_misspelling_is_offered_but_not_taken_for_sure(lookup: StoreLookup) -> None:
    best = (await lookup.resolve("Frieran"))[0]
    assert best.title.id == 24 and best.confidence < CONFIDENT
    assert (await lookup.resolve("Cowboy Bebob"))[0].title.id == 18


async def test_a_name_two_titles_share_is_not_taken_for_sure(settings: Settings) -> None:
    from bot.catalog.models import Title

    await seed_titles(settings.database, [Title(id=1, name="Twins"), Title(id=2, name="Twins")])
    db = await open_database(settings.database, files=settings.db_path)
    try:
        search = TitleSearchRepo(db)
        found = await (await StoreLookup.load(search)).resolve("twins")
        assert {c.title.id for c in found} == {1, 2} and found[0].confidence < CONFIDENT
    finally:
        await db.close()


async def test_autocomplete_matches_what_the_index_offers_first(lookup: StoreLookup) -> None:
    """For names as members type them, the database's first choice is the index's first choice."""
    index = CatalogIndex([title for title in sample_titles() if not title.local])
    for typed in ("frie", "metallic r", "chainsaw", "death", "gund", "evangelion", "code ge", "mob psycho"):
        from_store = await lookup.complete(typed)
        assert from_store, typed
        assert from_store[0].title.id == index.complete(typed)[0].title.id, typed


async def test_autocomplete_puts_the_server_titles_first_and_fits_discord(lookup: StoreLookup) -> None:
    assert [c.title.name for c in await lookup.complete("death", prefer={8})][:2] == ["Death Parade", "Death Note"]
    assert len(await lookup.complete("a", limit=100)) <= 25
    assert [c.title.id for c in await lookup.complete("", prefer={21, 8})] == [21, 8]  # by name


async def test_nothing_like_what_was_typed_gives_nothing(lookup: StoreLookup) -> None:
    assert await lookup.resolve("zzqqxx") == []
    assert await lookup.complete("zzqqxx") == []
    assert await lookup.complete("%") == [] and await lookup.resolve("___") == []
