"""`catalog import` and `catalog update`: files and a local HTTP server in, titles out."""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.catalog.importer import CatalogFileError
from bot.cli.catalog import (
    DEFAULT_URL,
    CatalogDownloadError,
    add_catalog_parser,
    import_catalog,
    update_catalog,
)
from bot.storage.db import Database
from bot.storage.titles import TitleRepo


def dataset(*titles: str, indent: int | None = None) -> bytes:
    """A dataset file in the anime-offline-database schema with one entry per title."""
    data = [
        {
            "sources": [f"https://anilist.co/anime/{n}", f"https://myanimelist.net/anime/{n}"],
            "title": title,
            "type": "TV",
            "episodes": 12,
            "status": "FINISHED",
            "animeSeason": {"season": "SPRING", "year": 2020},
            "picture": f"https://cdn.example.invalid/{n}.jpg",
            "thumbnail": f"https://cdn.example.invalid/{n}t.jpg",
            "synonyms": [f"{title} (alt)"],
            "relatedAnime": [],
            "tags": ["drama"],
        }
        for n, title in enumerate(titles, start=1)
    ]
    root = {"license": {"name": "ODbL", "url": "x"}, "repository": "x", "lastUpdate": "2026-11-20"}
    return json.dumps({**root, "data": data}, indent=indent).encode()


@pytest.fixture
async def server() -> AsyncIterator[tuple[dict[str, Any], str]]:
    """A local HTTP server; set files[path] = bytes or an int status to serve."""
    files: dict[str, Any] = {}

    async def handle(request: web.Request) -> web.Response:
        served = files.get(request.path, 404)
        if isinstance(served, int):
            return web.Response(status=served, text="nope")
        return web.Response(body=served, content_type="application/json")

    app = web.Application()
    app.router.add_get("/{name}", handle)
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    yield files, str(test_server.make_url("/"))
    await test_server.close()


async def test_import_catalog_imports_a_file(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "anime-offline-database.json"
    path.write_bytes(dataset("Mushishi", "Monster", indent=4))
    report = await import_catalog(db, path, progress=False)
    assert (report.entries, report.created) == (2, 2)
    assert sorted(t.name for t in await TitleRepo(db).load_all()) == ["Monster", "Mushishi"]
    row = await db.fetchone("SELECT source FROM catalog_imports")
    assert row is not None
    assert row[0] == "anime-offline-database.json"


async def test_importing_the_same_file_twice_is_idempotent(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(dataset("Mushishi", "Monster"))
    await import_catalog(db, path, progress=False)
    before = await TitleRepo(db).load_all()
    report = await import_catalog(db, path, progress=False)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert await TitleRepo(db).load_all() == before


async def test_a_truncated_file_is_refused_and_the_catalog_is_untouched(db: Database, tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_bytes(dataset("Mushishi"))
    await import_catalog(db, good, progress=False)
    before = await TitleRepo(db).load_all()
    bad = tmp_path / "bad.json"
    bad.write_bytes(dataset("Mushishi 2", "Monster", "Ping Pong")[:300])
    with pytest.raises(CatalogFileError, match="truncated"):
        await import_catalog(db, bad, progress=False)
    assert await TitleRepo(db).load_all() == before


async def test_no_progress_bar_is_written_when_disabled(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(dataset("Mushishi"))
    await import_catalog(db, path, progress=False)
    await import_catalog(db, path, progress=True)  # stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""


async def test_update_catalog_downloads_and_imports(db: Database, server: tuple[dict[str, Any], str]) -> None:
    files, base = server
    files["/release.json"] = dataset("Mushishi", "Monster")
    report = await update_catalog(db, base + "release.json", progress=False)
    assert report.created == 2
    assert await TitleRepo(db).count() == 2
    row = await db.fetchone("SELECT source FROM catalog_imports")
    assert row is not None
    assert row[0] == base + "release.json"


async def test_update_with_an_http_error_is_a_one_line_error(db: Database, server: tuple[dict[str, Any], str]) -> None:
    files, base = server
    files["/release.json"] = 503
    with pytest.raises(CatalogDownloadError, match="HTTP 503") as caught:
        await update_catalog(db, base + "release.json", progress=False)
    assert "\n" not in str(caught.value)
    assert await TitleRepo(db).count() == 0


async def test_update_from_an_unreachable_host_is_a_one_line_error(db: Database) -> None:
    with pytest.raises(CatalogDownloadError, match="could not download") as caught:
        await update_catalog(db, "http://127.0.0.1:9/release.json", progress=False)
    assert "\n" not in str(caught.value)


async def test_update_with_a_corrupt_download_changes_nothing(db: Database, server: tuple[dict[str, Any], str]) -> None:
    files, base = server
    files["/release.json"] = b"<html>GitHub is having a bad day</html>"
    with pytest.raises(CatalogFileError):
        await update_catalog(db, base + "release.json", progress=False)
    assert await TitleRepo(db).count() == 0


def test_default_url_is_the_uncompressed_minified_release() -> None:
    assert DEFAULT_URL.startswith("https://github.com/manami-project/anime-offline-database/releases/")
    assert DEFAULT_URL.endswith("/anime-offline-database-minified.json")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="kansou")
    add_catalog_parser(root.add_subparsers(dest="command", required=True))
    return root


def test_parser_reads_catalog_import_and_update() -> None:
    args = parser().parse_args(["catalog", "import", "data.json"])
    assert args.path == Path("data.json")
    assert callable(args.func)
    assert parser().parse_args(["catalog", "update"]).url == DEFAULT_URL
    assert parser().parse_args(["catalog", "update", "--url", "http://x/y.json"]).url == "http://x/y.json"


def test_parser_needs_a_catalog_action() -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["catalog"])


async def test_command_prints_a_summary_and_succeeds(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(dataset("Mushishi"))
    args = parser().parse_args(["catalog", "import", str(path)])
    assert await args.func(args, db) == 0
    assert "1 new" in capsys.readouterr().out


async def test_command_counts_and_names_entries_it_could_not_import(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = json.loads(dataset(*(f"Show {n}" for n in range(1, 61))))
    document["data"][16].update(title="Metallic Rouge", sources=[])
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(document))
    args = parser().parse_args(["catalog", "import", str(path)])
    assert await args.func(args, db) == 0
    out = capsys.readouterr().out
    assert "60 entries read, 59 new" in out and "1 skipped" in out
    assert "entry 17 'Metallic Rouge': no source links" in out
    assert await TitleRepo(db).count() == 59


async def test_command_reports_a_bad_file_and_fails(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "catalog.json"
    path.write_text('{"items": []}')
    args = parser().parse_args(["catalog", "import", str(path)])
    assert await args.func(args, db) == 1
    err = capsys.readouterr().err
    assert "not an anime-offline-database file" in err
    assert "not changed" in err


async def test_a_catalog_file_replaced_while_it_is_read_changes_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file is read in one go; a read torn between two releases is refused whole, nothing written."""
    path = tmp_path / "catalog.json"
    path.write_bytes(dataset("Mushishi"))
    await import_catalog(db, path, progress=False)
    before = await TitleRepo(db).load_all()
    old, new = dataset("Mushishi", "Monster", "Ping Pong"), dataset("Kaiba", "Mononoke", indent=2)
    torn = old[: len(old) // 2] + new[len(new) // 2 :]
    monkeypatch.setattr(Path, "read_bytes", lambda self: torn)
    with pytest.raises(CatalogFileError):
        await import_catalog(db, path, progress=False)
    assert await TitleRepo(db).load_all() == before
