"""`kansou catalog import PATH`, `catalog update [--url URL]` and `catalog index`: fill the title catalog."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import aiohttp
from tqdm import tqdm

from bot.catalog.importer import CatalogFileError, read_catalog_file
from bot.catalog.loading import build_snapshot, snapshot_path
from bot.catalog.models import CATALOG_CHANNEL, NEW_CATALOG, ImportReport
from bot.errors import StorageUnavailable
from bot.storage.db import Database, StorageError
from bot.storage.merge import merge_local_titles
from bot.storage.titles import TitleRepo

# The manami project attaches each weekly release to the moving `latest` tag; the minified JSON is
# offered uncompressed next to the .zst files, so the stdlib can read it.
DEFAULT_URL = (
    "https://github.com/manami-project/anime-offline-database/releases/download/latest/"
    "anime-offline-database-minified.json"
)
_CHUNK = 1 << 16


class CatalogDownloadError(Exception):
    """The catalog could not be downloaded; str() is one line for the operator."""


async def import_catalog(db: Database, path: Path, *, progress: bool = True) -> ImportReport:
    """Import an anime-offline-database file; CatalogFileError (nothing written) if it is unusable."""
    return await _import(db, Path(path), source=Path(path).name, progress=progress)


async def update_catalog(db: Database, url: str = DEFAULT_URL, *, progress: bool = True) -> ImportReport:
    """Download the current dataset release to a temporary file and import it."""
    handle, name = tempfile.mkstemp(prefix="kansou-catalog-", suffix=".json")
    os.close(handle)
    path = Path(name)
    try:
        await _download(url, path, progress=progress)
        return await _import(db, path, source=url, progress=progress)
    finally:
        await asyncio.to_thread(path.unlink, missing_ok=True)


async def _import(db: Database, path: Path, *, source: str, progress: bool) -> ImportReport:
    started = time.perf_counter()
    found = await asyncio.to_thread(read_catalog_file, path)
    with _bar(progress, total=len(found.entries), unit=" titles", desc="Importing") as bar:
        report = await TitleRepo(db).import_entries(
            found.entries, progress=bar.update, source=source, skipped=found.skipped
        )
    report.seconds = time.perf_counter() - started
    return report


async def _download(url: str, path: Path, *, progress: bool) -> None:
    # No total timeout: the file is tens of megabytes; stalls are caught by the read timeout.
    timeout = aiohttp.ClientTimeout(total=None, sock_connect=15, sock_read=60)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
            if response.status != 200:
                raise CatalogDownloadError(f"could not download the catalog: {url} answered HTTP {response.status}")
            with (
                path.open("wb") as out,
                _bar(progress, total=response.content_length, unit="B", desc="Downloading") as bar,
            ):
                async for chunk in response.content.iter_chunked(_CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        raise CatalogDownloadError(f"could not download the catalog from {url}: {reason}") from exc


def _bar(enabled: bool, **options: Any) -> tqdm:
    # A bar on a pipe or log file is noise: show it only on an interactive terminal.
    return tqdm(file=sys.stderr, disable=not (enabled and sys.stderr.isatty()), unit_scale=True, **options)


def add_catalog_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add `catalog import PATH` and `catalog update [--url URL]`; each sets func=(args, db) -> exit code."""
    catalog = subparsers.add_parser("catalog", help="manage the title catalog")
    actions = catalog.add_subparsers(dest="catalog_command", required=True, metavar="{import,update,index}")
    importer = actions.add_parser("import", help="import an anime-offline-database file (JSON or JSON Lines)")
    importer.add_argument("path", type=Path, help="the dataset file")
    importer.set_defaults(func=_run_import, needs_db=True)
    updater = actions.add_parser("update", help="download the current anime-offline-database release and import it")
    updater.add_argument("--url", default=DEFAULT_URL, help="where to download the dataset from")
    updater.set_defaults(func=_run_update, needs_db=True)
    indexer = actions.add_parser("index", help="rebuild the saved title index (imports do it themselves)")
    indexer.set_defaults(func=_run_index, needs_db=True)
    return catalog


async def _run_import(args: argparse.Namespace, db: Database) -> int:
    return await _report(db, import_catalog(db, args.path))


async def _run_update(args: argparse.Namespace, db: Database) -> int:
    return await _report(db, update_catalog(db, args.url))


async def _report(db: Database, job: Awaitable[ImportReport]) -> int:
    try:
        report = await job
    except (CatalogFileError, CatalogDownloadError) as exc:
        print(f"kansou catalog: {exc}; the catalog was not changed.", file=sys.stderr)
        return 1
    print(f"Catalog imported: {report.summary()}.")
    if report.skipped:
        print(f"Not imported ({report.skipped}):")
        for line in report.skip_lines():
            print(f"  {line}")
    # Titles servers created before the catalog knew them now have a real entry to join.
    merged = await merge_local_titles(db)
    print(f"Local titles merged into catalog entries: {len(merged)}.")
    return await _run_index(argparse.Namespace(), db)


async def _run_index(args: argparse.Namespace, db: Database) -> int:
    """Index the catalog as stored now, save it beside the database and tell the running bot, which loads it."""
    started = time.perf_counter()
    path = snapshot_path(db.path)
    try:
        snapshot = await build_snapshot(TitleRepo(db), path)
    except OSError as exc:
        print(f"kansou catalog: could not save the title index: {exc}", file=sys.stderr)
        return 1
    print(f"Title index saved: {len(snapshot):,} titles in {time.perf_counter() - started:.1f} s.")
    try:
        await db.notify(CATALOG_CHANNEL, NEW_CATALOG)
    except (StorageError, StorageUnavailable) as exc:
        print(f"kansou catalog: could not tell a running bot ({exc}); it finds the new catalog within a minute.")
    return 0
