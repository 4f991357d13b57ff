"""A start without a usable saved index: the bot answers from the database at once, and from the index
once it is built in the background (driven through simcord)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from simcord import Env

from bot import client
from bot.catalog.index import CatalogIndex
from bot.catalog.loading import build_snapshot, snapshot_path
from bot.catalog.models import Title
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage.db import open_database
from bot.storage.titles import TitleRepo

real_open_index = client.open_index


class Held:
    """The background build waits for the test: `release` lets it finish."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.env: Env | None = None

    async def wait(self) -> None:
        assert self.env is not None
        await self.env.external_wait(self.release.wait(), reason="the test holds the catalog index build")


@pytest.fixture
def held() -> Held:
    return Held()


@pytest.fixture
async def simcord_env(simcord_bot: KansouBot, held: Held) -> AsyncIterator[Env]:
    """As simcord's own fixture, with the held build told which Env it runs in (declared as external input)."""
    env = Env(simcord_bot)
    held.env = env
    await env.start()
    try:
        yield env
    finally:
        await env.shutdown()
    assert not env.errors


@pytest.fixture(params=["missing", "truncated"])
async def simcord_bot(
    request: pytest.FixtureRequest,
    settings: Settings,
    catalog_titles: list[Title],
    held: Held,
    monkeypatch: pytest.MonkeyPatch,
) -> KansouBot:
    """The bot on a catalog whose saved index is missing (a first start) or cut short; its build is held."""
    path = snapshot_path(settings.db_path)
    assert path is not None
    if request.param == "truncated":
        db = await open_database(settings.database, files=settings.db_path)
        try:
            await build_snapshot(TitleRepo(db), path)
        finally:
            await db.close()
        path.write_bytes(path.read_bytes()[:-100])

    async def held_open_index(*args: object, **kwargs: object) -> CatalogIndex:
        await held.wait()
        return await real_open_index(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(client, "BACKGROUND_INDEX_TITLES", 1)  # the sample catalog counts as big
    monkeypatch.setattr(client, "open_index", held_open_index)
    return create_bot(settings)


async def offered(world, query: str) -> list[str]:
    return [choice["name"] for choice in await world.member().autocomplete(world.channel, "rate", "title", query)]


async def test_commands_answer_while_the_index_is_built_and_use_it_after(
    world, simcord_bot: KansouBot, settings: Settings, held: Held
) -> None:
    catalog = simcord_bot.catalog
    assert catalog.loading and len(catalog.index) == 0
    assert (await offered(world, "frie"))[0].startswith("Frieren: Beyond Journey's End")
    rated = await world.member("alice").slash(world.channel, "rate", title="Sousou no Frieren", score=9)
    assert "Saved your **9/10**" in rated.response.content and "Frieren" in rated.response.content
    rated = await world.member("bob").slash(world.channel, "rate", title="Metalic Rouge", score=7)
    assert "Did you mean" in rated.response.content and "Metallic Rouge" in str(rated.response.components)
    assert catalog.get(9) is not None and catalog.get(9).name == "Metallic Rouge"  # type: ignore[union-attr]

    held.release.set()
    build = simcord_bot._catalog_build
    assert build is not None
    await asyncio.wait_for(build, 30)
    assert not catalog.loading and len(catalog.index) == 39
    assert catalog.index.get(24) is not None and catalog.index.get(24).aliases
    assert (await offered(world, "frie"))[0].startswith("Frieren: Beyond Journey's End")
    saved = snapshot_path(settings.db_path)
    assert saved is not None and saved.stat().st_size > 1000  # saved whole for the next start
    assert not await simcord_bot.check_catalog()  # the index in use is for the current catalog


async def test_stopping_during_the_build_leaves_nothing_running(world, simcord_bot: KansouBot) -> None:
    build = simcord_bot._catalog_build
    assert build is not None and not build.done()
    await simcord_bot.close()
    assert build.cancelled()
