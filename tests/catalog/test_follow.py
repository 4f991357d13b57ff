"""Titles changed at run time in one process reach the catalog of another within moments: two Database
objects on one store, each with its CatalogService and CatalogFollower, are two processes of a sharded bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest

from bot.catalog.follow import CatalogFollower
from bot.catalog.models import CATALOG_CHANNEL, NEW_CATALOG, AniListMedia, TitleChange
from bot.catalog.service import CatalogService
from bot.config import Settings
from bot.storage.db import MISSED, Database, open_database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.titles import TitleRepo
from tests.catalog.sample import sample_titles
from tests.catalog.stores import StubAniList, catalog_service
from tests.conftest import quick_notices, seed_titles

G = 77
MOD = 5
PLUTO = AniListMedia(id=99088, site_url="https://anilist.co/anime/99088", romaji="PLUTO", english="Pluto")


STARTED: list[Process] = []


@dataclass
class Process:
    """One process's catalog, kept in step by its follower; `checks` records its catalog checks."""

    db: Database
    catalog: CatalogService
    follower: CatalogFollower
    checks: list[bool] = field(default_factory=list)


async def start(db: Database, anilist: StubAniList | None = None, *, follow: bool = True) -> Process:
    repo = TitleRepo(db)
    catalog = await catalog_service(db, anilist)
    checks: list[bool] = []

    async def check_catalog(*, announced: bool) -> bool:
        checks.append(announced)
        return False

    follower = CatalogFollower(catalog, repo, check_catalog=check_catalog)
    if follow:
        await follower.follow(db)
    STARTED.append(Process(db, catalog, follower, checks))
    return STARTED[-1]


@pytest.fixture
async def dbs(settings: Settings) -> AsyncIterator[tuple[Database, Database]]:
    """The sample catalog, seen by two processes; their followers stop before the databases close."""
    await seed_titles(settings.database, sample_titles())
    first = await open_database(settings.database, files=settings.db_path)
    second = await open_database(settings.database, files=settings.db_path)
    quick_notices(first, second)
    yield first, second
    for process in STARTED:
        await process.follower.close()
    STARTED.clear()
    await second.close()
    await first.close()


async def eventually(condition: Callable[[], object], within: float = 10.0) -> None:
    """Until condition() holds (bounded): the other process hears within moments, not at a fixed time."""
    for _ in range(int(within / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    assert condition()


async def offered(catalog: CatalogService, query: str, guild_id: int = G) -> list[str]:
    return [candidate.title.name for candidate in await catalog.complete(query, guild_id)]


async def test_a_servers_own_title_created_renamed_and_deleted_in_one_process_follows_in_the_other(
    dbs: tuple[Database, Database],
) -> None:
    here, there = await start(dbs[0]), await start(dbs[1])
    title = await here.catalog.create_local("Qwxzzv Plorp", G, user_id=1)
    await eventually(lambda: there.catalog.visible(title.id, G) is not None)
    assert await offered(there.catalog, "qwxzzv") == ["Qwxzzv Plorp"]
    assert await offered(there.catalog, "qwxzzv", guild_id=G + 1) == []  # still only its own server's

    renamed = await here.catalog.rename(title, "Qwxzzv Plorp Returns", G, MOD)
    await eventually(lambda: (there.catalog.get(title.id) or title).name == "Qwxzzv Plorp Returns")
    await here.catalog.delete_local(renamed, G, MOD)
    await eventually(lambda: there.catalog.get(title.id) is None)
    assert await offered(there.catalog, "qwxzzv") == []


async def test_a_title_merged_in_one_process_is_gone_from_the_other(dbs: tuple[Database, Database]) -> None:
    here, there = await start(dbs[0]), await start(dbs[1])
    local = await here.catalog.create_local("Monster Fan Cut", G, user_id=1)
    await eventually(lambda: there.catalog.get(local.id) is not None)
    monster = here.catalog.get(14)
    assert monster is not None and monster.name == "Monster"
    await here.catalog.merge_local(local, monster, G, MOD)
    await eventually(lambda: there.catalog.get(local.id) is None)
    assert there.catalog.get(14) == monster


async def test_a_title_one_process_found_on_anilist_is_known_to_the_other(dbs: tuple[Database, Database]) -> None:
    here = await start(dbs[0], StubAniList({"pluto": PLUTO}))
    there = await start(dbs[1])
    found = await here.catalog.lookup("Pluto", G)
    assert found is not None and not found.local
    await eventually(lambda: there.catalog.get(found.id) is not None)
    assert await there.catalog.confident("Pluto") == found


async def test_a_new_catalog_is_checked_at_once(dbs: tuple[Database, Database]) -> None:
    there = await start(dbs[1])
    await eventually(lambda: there.checks == [False])  # the catch-up after it started listening
    await dbs[0].notify(CATALOG_CHANNEL, NEW_CATALOG)
    await eventually(lambda: there.checks == [False, True])


async def test_what_it_did_not_hear_is_caught_up_when_it_starts_listening_and_after_missed(
    dbs: tuple[Database, Database],
) -> None:
    there = await start(dbs[1], follow=False)  # its catalog is read; it does not listen yet
    made_meanwhile = await LocalTitleRepo(dbs[0]).create("Made While Starting", G, at=0)
    await there.follower.follow(dbs[1])
    await eventually(lambda: there.catalog.get(made_meanwhile.id) is not None)

    # Changes whose announcements were lost (written without any), then MISSED from the backend: a title
    # created, and the newest one this process knew deleted.
    await dbs[0].execute("INSERT INTO titles (name, local, guild_id) VALUES ('Never Announced', 1, ?)", (G,))
    taken = await LocalTitleRepo(dbs[0]).create("Taken Away Quietly", G, at=0)
    await eventually(lambda: there.catalog.get(taken.id) is not None)
    await dbs[0].execute("DELETE FROM titles WHERE id = ?", (taken.id,))
    there.follower.heard(MISSED)
    await eventually(lambda: "Never Announced" in [t.name for t in there.catalog.locals.titles(G)])
    assert there.catalog.get(taken.id) is None
    assert there.checks == [False, False]  # each catch-up also looked for a new catalog


def test_an_announcement_reads_back_as_the_change_sent_and_other_text_as_none() -> None:
    for change in (TitleChange(12), TitleChange(12, into=7)):
        assert TitleChange.parse(change.payload) == change
    assert [TitleChange.parse(text) for text in ("", "12>", ">7", "x", "12>7>3", MISSED, NEW_CATALOG)] == [None] * 7
