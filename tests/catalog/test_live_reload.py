"""A running bot picks up a finished `catalog import` without a restart (driven through simcord)."""

from __future__ import annotations

import argparse
import asyncio
import json
from pathlib import Path

import pytest

from bot import client
from bot.catalog.loading import snapshot_path
from bot.catalog.models import CATALOG_CHANNEL, NEW_CATALOG
from bot.cli.catalog import add_catalog_parser
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage.db import open_database
from tests.conftest import quick_notices


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles) -> KansouBot:
    return create_bot(settings)


def release(tmp_path: Path, *titles: str) -> Path:
    """A small anime-offline-database file naming these titles."""
    data = [
        {"sources": [f"https://anilist.co/anime/{900 + n}"], "title": title, "type": "TV", "synonyms": []}
        for n, title in enumerate(titles)
    ]
    path = tmp_path / "release.json"
    path.write_text(json.dumps({"data": data}), encoding="utf-8")
    return path


async def run_import(settings: Settings, path: Path) -> None:
    """`kansou catalog import PATH` on its own connection, as an operator would run it beside the bot."""
    parser = argparse.ArgumentParser()
    add_catalog_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["catalog", "import", str(path)])
    db = await open_database(settings.database, files=settings.db_path)
    try:
        assert await args.func(args, db) == 0
    finally:
        await db.close()


async def names_offered(world, query: str) -> list[str]:
    return [choice["name"] for choice in await world.member().autocomplete(world.channel, "rate", "title", query)]


async def test_autocomplete_shows_a_newly_imported_title_after_the_check(
    world, simcord_bot: KansouBot, settings: Settings, tmp_path: Path
) -> None:
    assert not any("Kaiju Lanterns" in name for name in await names_offered(world, "kaiju lan"))
    await run_import(settings, release(tmp_path, "Kaiju Lanterns"))
    assert await simcord_bot.check_catalog()
    assert any(name.startswith("Kaiju Lanterns") for name in await names_offered(world, "kaiju lan"))
    assert not await simcord_bot.check_catalog()  # nothing new: nothing reloaded


async def test_the_watcher_reloads_on_its_own(
    world, simcord_bot: KansouBot, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "CATALOG_POLL_SECONDS", 0.05)
    simcord_bot._catalog_watch = asyncio.create_task(simcord_bot._watch_catalog())
    await run_import(settings, release(tmp_path, "Kaiju Lanterns"))
    for _ in range(100):
        if any(name.startswith("Kaiju Lanterns") for name in await names_offered(world, "kaiju lan")):
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the running bot never showed the imported title")


async def test_titles_the_bot_knew_stay_answerable_across_a_reload(
    world, simcord_bot: KansouBot, settings: Settings, tmp_path: Path
) -> None:
    await run_import(settings, release(tmp_path, "Kaiju Lanterns"))
    await simcord_bot.check_catalog()
    # The release does not list the sample titles: imports keep them (reviews may point at them).
    assert any(name.startswith("Metallic Rouge") for name in await names_offered(world, "metal"))


async def test_a_missing_saved_index_is_built_by_the_bot_one_check_later(
    world, simcord_bot: KansouBot, settings: Settings, tmp_path: Path
) -> None:
    await run_import(settings, release(tmp_path, "Kaiju Lanterns"))
    saved = snapshot_path(settings.db_path)
    assert saved is not None
    saved.unlink()  # as if the import was killed first
    assert not await simcord_bot.check_catalog()  # give the import a moment to save it
    assert await simcord_bot.check_catalog()
    assert any(name.startswith("Kaiju Lanterns") for name in await names_offered(world, "kaiju lan"))


async def test_an_import_announces_the_new_catalog_once_its_index_is_saved(settings: Settings, tmp_path: Path) -> None:
    bot_db = await open_database(settings.database, files=settings.db_path)
    heard: list[str] = []
    quick_notices(bot_db)
    await bot_db.listen(CATALOG_CHANNEL, heard.append)
    try:
        await run_import(settings, release(tmp_path, "Kaiju Lanterns"))
        for _ in range(500):
            if NEW_CATALOG in heard:
                break
            await asyncio.sleep(0.01)
        assert NEW_CATALOG in heard
        saved = snapshot_path(settings.db_path)
        assert saved is not None and saved.exists()
    finally:
        await bot_db.close()


async def test_an_announced_catalog_without_its_saved_index_is_built_at_once(
    world, simcord_bot: KansouBot, settings: Settings, tmp_path: Path
) -> None:
    """The import saved its index on another machine: the announcement says there is none to wait for."""
    await run_import(settings, release(tmp_path, "Kaiju Lanterns"))
    saved = snapshot_path(settings.db_path)
    assert saved is not None
    saved.unlink()
    assert await simcord_bot.check_catalog(announced=True)
    assert any(name.startswith("Kaiju Lanterns") for name in await names_offered(world, "kaiju lan"))
