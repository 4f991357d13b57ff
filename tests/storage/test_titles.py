"""The title catalog in SQLite: imports keep ids, update in place, never duplicate; local titles."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from bot.catalog.models import CatalogEntry, SkippedEntry, Title
from bot.storage.db import Database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.titles import TitleRepo


@pytest.fixture
def repo(db: Database) -> TitleRepo:
    return TitleRepo(db)


async def create_local(repo: TitleRepo, name: str, guild_id: int = 1001) -> Title:
    return await LocalTitleRepo(repo.db).create(name, guild_id, at=time.time())


def entry(title: str, *ids: int, **changes: Any) -> CatalogEntry:
    """A cleaned dataset entry with AniList and MyAnimeList sources for each id."""
    sources = tuple(f"https://anilist.co/anime/{i}" for i in ids) + tuple(
        f"https://myanimelist.net/anime/{i}" for i in ids
    )
    base = CatalogEntry(sources=sources, title=title, type="TV", episodes=12, year=2023, season="FALL")
    return dataclasses.replace(base, **changes)


FRIEREN = entry("Sousou no Frieren", 154587, synonyms=("Frieren", "葬送のフリーレン"), studios=("madhouse",))
BOCCHI = entry("Bocchi the Rock!", 130003, synonyms=("BTR",), tags=("music", "comedy"))


async def test_import_creates_titles_with_all_their_fields(repo: TitleRepo) -> None:
    report = await repo.import_entries([FRIEREN, BOCCHI], source="test.json")
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    titles = {t.name: t for t in await repo.load_all()}
    frieren = titles["Sousou no Frieren"]
    assert set(frieren.aliases) == {"Frieren", "葬送のフリーレン"}
    assert frieren.studios == ("madhouse",)
    assert (frieren.type, frieren.year, frieren.season, frieren.episodes) == ("TV", 2023, "FALL", 12)
    assert frieren.anilist_url == "https://anilist.co/anime/154587"
    assert frieren.mal_url == "https://myanimelist.net/anime/154587"
    assert titles["Bocchi the Rock!"].tags == ("music", "comedy")
    assert not frieren.local
    assert await repo.count() == 2


async def test_reimporting_the_same_entries_changes_nothing_and_keeps_ids(repo: TitleRepo) -> None:
    await repo.import_entries([FRIEREN, BOCCHI])
    before = await repo.load_all()
    report = await repo.import_entries([FRIEREN, BOCCHI])
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert await repo.load_all() == before


async def test_reimport_updates_in_place_matching_by_any_source(repo: TitleRepo) -> None:
    await repo.import_entries([FRIEREN, BOCCHI])
    old_id = next(t.id for t in await repo.load_all() if t.name == "Sousou no Frieren")
    # The new release renamed it, changed episodes, dropped the AniList URL and added another site.
    renamed = dataclasses.replace(
        FRIEREN,
        title="Frieren: Beyond Journey's End",
        episodes=28,
        synonyms=("Sousou no Frieren",),
        sources=("https://myanimelist.net/anime/154587", "https://kitsu.app/anime/46474"),
    )
    report = await repo.import_entries([BOCCHI, renamed])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    title = await repo.get(old_id)
    assert title is not None
    assert title.name == "Frieren: Beyond Journey's End"
    assert title.episodes == 28
    assert title.aliases == ("Sousou no Frieren",)
    assert set(title.sources) == {"https://myanimelist.net/anime/154587", "https://kitsu.app/anime/46474"}
    assert await repo.count() == 2


async def test_a_failed_import_leaves_the_catalog_untouched(repo: TitleRepo) -> None:
    await repo.import_entries([FRIEREN])
    before = await repo.load_all()

    def explode(_: int) -> None:
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        await repo.import_entries([dataclasses.replace(FRIEREN, episodes=99), BOCCHI], progress=explode)
    assert await repo.load_all() == before


async def test_progress_reports_every_entry(repo: TitleRepo) -> None:
    steps: list[int] = []
    entries = [entry(f"Show {i}", i) for i in range(1, 1203)]
    await repo.import_entries(entries, progress=steps.append)
    assert sum(steps) == len(entries)
    assert len(steps) == 3


async def test_upstream_merge_keeps_the_title_with_most_sources_and_reports_the_other(
    repo: TitleRepo,
) -> None:
    await repo.import_entries([entry("Part A", 1), entry("Part B", 2)])
    ids = {t.name: t.id for t in await repo.load_all()}
    merged = dataclasses.replace(
        entry("Part A", 1),
        sources=("https://anilist.co/anime/1", "https://myanimelist.net/anime/1", "https://anilist.co/anime/2"),
    )
    report = await repo.import_entries([merged])
    assert report.superseded == [(ids["Part B"], ids["Part A"])]
    kept = await repo.get(ids["Part A"])
    assert kept is not None
    assert "https://anilist.co/anime/2" in kept.sources
    # The other title stays (reviews may point at it) with the source it did not lose.
    assert await repo.get(ids["Part B"]) is not None


async def test_titles_missing_from_a_new_release_are_kept_and_counted(repo: TitleRepo) -> None:
    await repo.import_entries([FRIEREN, BOCCHI])
    report = await repo.import_entries([FRIEREN])
    assert report.absent == 1
    assert await repo.count() == 2


async def test_duplicate_sources_within_one_file_never_make_duplicates(repo: TitleRepo) -> None:
    report = await repo.import_entries([FRIEREN, dataclasses.replace(FRIEREN, title="Copy")])
    assert (report.created, report.skipped) == (1, 1)
    assert [t.name for t in await repo.load_all()] == ["Sousou no Frieren"]


async def test_duplicates_are_named_with_the_entry_that_took_their_sources(repo: TitleRepo) -> None:
    first = dataclasses.replace(FRIEREN, number=1)
    copy = dataclasses.replace(FRIEREN, title="Frieren (copy)", number=2)
    report = await repo.import_entries([first, copy])
    assert [str(skip) for skip in report.skips] == [
        "entry 2 'Frieren (copy)': its source links belong to entry 1 (a duplicate)"
    ]


async def test_entries_skipped_by_the_reader_are_counted_named_and_logged(repo: TitleRepo, db: Database) -> None:
    skipped = [SkippedEntry(number, f"Broken {number}", "no source links") for number in range(2, 10)]
    report = await repo.import_entries([FRIEREN], skipped=skipped)
    assert (report.entries, report.created, report.skipped) == (9, 1, 8)
    assert report.skip_lines() == [*(f"entry {n} 'Broken {n}': no source links" for n in range(2, 7)), "… and 3 more"]
    assert "9 entries read, 1 new, 0 updated, 0 unchanged, 8 skipped" in report.summary()
    row = await db.fetchone("SELECT entries, skipped FROM catalog_imports")
    assert row is not None
    assert tuple(row) == (9, 8)


async def test_each_import_is_logged(repo: TitleRepo, db: Database) -> None:
    await repo.import_entries([FRIEREN], source="week-47.json")
    row = await db.fetchone("SELECT source, entries, created FROM catalog_imports")
    assert row is not None
    assert tuple(row) == ("week-47.json", 1, 1)


async def test_local_titles_survive_imports(repo: TitleRepo) -> None:
    local = await create_local(repo, "Sousou no Frieren")
    await repo.import_entries([FRIEREN])
    await repo.import_entries([FRIEREN])
    assert await repo.get(local.id) == local


async def test_find_local_matches_pairs_local_titles_with_real_ones(repo: TitleRepo) -> None:
    by_name = await create_local(repo, "sousou no frieren")
    by_alias = await create_local(repo, "BTR")
    unknown = await create_local(repo, "Not In The Catalog")
    await repo.import_entries([FRIEREN, BOCCHI])
    ids = {t.name: t.id for t in await repo.load_all() if not t.local}
    matches = dict(await repo.find_local_matches())
    assert matches == {by_name.id: ids["Sousou no Frieren"], by_alias.id: ids["Bocchi the Rock!"]}
    assert unknown.id not in matches


async def test_find_local_matches_skips_ambiguous_names(repo: TitleRepo) -> None:
    await repo.import_entries([entry("Hunter x Hunter", 136), entry("Hunter x Hunter", 11061)])
    await create_local(repo, "hunter x hunter")
    assert await repo.find_local_matches() == []


async def test_get_unknown_id_is_none(repo: TitleRepo) -> None:
    assert await repo.get(12345) is None
