"""Opening the index from the store: saved snapshot, rebuild when unusable, catch-up, and reloads."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.catalog import loading
from bot.catalog.index import CatalogIndex
from bot.catalog.loading import build_snapshot, open_index, saved_index, snapshot_path
from bot.catalog.models import AniListMedia, CatalogEntry, Title
from bot.catalog.service import CatalogService
from bot.catalog.snapshot import Snapshot
from bot.storage.db import Database, open_database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.titles import TitleRepo
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles

PLUTO = AniListMedia(id=99088, site_url="https://anilist.co/anime/99088", romaji="Pluto", format="ONA")


class StubAniList:
    async def search(self, name: str) -> AniListMedia | None:
        return PLUTO if name.lower() == "pluto" else None


def catalog_service(repo: TitleRepo, index: CatalogIndex) -> CatalogService:
    return CatalogService(
        index,
        store=LocalTitleRepo(repo.db),
        guild_titles=repo.guild_title_ids,
        anilist=StubAniList(),
        create_from_anilist=repo.create_from_anilist,
    )


@pytest.fixture
async def repo(db: Database, tmp_path: Path) -> TitleRepo:
    await db.close()
    await seed_titles(db.target, sample_titles())
    return TitleRepo(await open_database(db.target, files=db.path))


def test_the_snapshot_sits_beside_the_database(tmp_path: Path) -> None:
    assert snapshot_path(tmp_path / "kansou.db") == tmp_path / "kansou.db-catalog-index"
    assert snapshot_path(":memory:") is None


async def test_a_missing_snapshot_is_built_and_saved(repo: TitleRepo) -> None:
    path = snapshot_path(repo.db.path)
    assert path is not None and not path.exists()
    index = await open_index(repo, path)
    assert len(index) == len([t for t in sample_titles() if not t.local])
    assert Snapshot.load(path, version=await repo.catalog_version()).version == index.snapshot.version


async def test_a_saved_snapshot_is_used_without_rebuilding(repo: TitleRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    path = snapshot_path(repo.db.path)
    await build_snapshot(repo, path)

    def no_build(*args: object) -> None:
        raise AssertionError("rebuilt although a usable snapshot was saved")

    monkeypatch.setattr(Snapshot, "build", no_build)
    index = await open_index(repo, path)
    assert index.resolve("Frieren")[0].title.name == "Frieren: Beyond Journey's End"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
async def test_a_damaged_snapshot_is_rebuilt_not_trusted(repo: TitleRepo, damage: str) -> None:
    path = snapshot_path(repo.db.path)
    assert path is not None
    await build_snapshot(repo, path)
    data = path.read_bytes()
    path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00" * len(data), "empty": b""}[damage])
    index = await open_index(repo, path)
    assert len(index) == len([t for t in sample_titles() if not t.local])
    assert Snapshot.load(path).version == await repo.catalog_version()  # rewritten whole


async def test_a_snapshot_of_an_older_catalog_is_not_used(repo: TitleRepo) -> None:
    path = snapshot_path(repo.db.path)
    await build_snapshot(repo, path)
    await repo.import_entries(
        [CatalogEntry(sources=("https://anilist.co/anime/424242",), title="Lanterns of Midnight")]
    )
    assert await saved_index(repo, path) is None
    index = await open_index(repo, path)
    assert index.resolve("Lanterns of Midnight")[0].confidence == 1.0


async def test_catalog_titles_created_after_the_snapshot_are_caught_up(repo: TitleRepo) -> None:
    path = snapshot_path(repo.db.path)
    await build_snapshot(repo, path)
    pluto = await repo.create_from_anilist(PLUTO)
    index = await saved_index(repo, path)
    assert index is not None
    assert index.get(pluto.id) == pluto
    assert index.resolve("Pluto")[0].title.id == pluto.id


async def test_servers_own_titles_stay_out_of_the_shared_index(repo: TitleRepo) -> None:
    path = snapshot_path(repo.db.path)
    local = await LocalTitleRepo(repo.db).create("Kaiju Lanterns Club", 77, user_id=1, at=0.0)
    index = await open_index(repo, path)
    assert local.id not in index and 40 not in index  # 40: the sample's local title
    assert all(not title.local for title in index.titles())


async def test_a_big_catalog_is_built_in_a_child_process(repo: TitleRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "CHILD_BUILD_TITLES", 1)
    path = snapshot_path(repo.db.path)
    index = await open_index(repo, path, db_path=repo.db.path)
    assert len(index) == len([t for t in sample_titles() if not t.local])
    assert path is not None and path.exists()


async def test_titles_added_while_a_new_index_loads_are_kept(repo: TitleRepo) -> None:
    service = catalog_service(repo, CatalogIndex(sample_titles()[:20]))
    gate = asyncio.Event()

    async def slow_build() -> CatalogIndex:
        await gate.wait()
        return CatalogIndex(sample_titles()[:3])

    reloading = asyncio.create_task(service.reload(slow_build))
    await asyncio.sleep(0)
    found = await service.lookup("Pluto", guild_id=None)  # AniList knows it: a new catalog title
    assert found is not None and service.get(found.id) == found  # the old index answers meanwhile
    gate.set()
    await reloading
    assert len(service.index) == 4 and service.get(found.id) == found


async def test_a_failed_reload_keeps_the_current_index(repo: TitleRepo) -> None:
    index = CatalogIndex([Title(id=1, name="Kept")])
    service = catalog_service(repo, index)

    async def broken() -> CatalogIndex:
        raise OSError("disk gone")

    with pytest.raises(OSError):
        await service.reload(broken)
    assert service.index is index
    assert await service.confident("Kept") is not None
