"""Opening the title index quickly: a saved snapshot for the catalog version, then the titles changed since.

A saved snapshot is the whole catalog indexed at the last import (bot.catalog.snapshot). On start the
bot loads it and applies what the store changed after it was built (titles servers created, titles
merged away). Without a usable snapshot one is built, and saved for the next start; a big catalog is
built in a child process so the bot keeps none of the building garbage.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import time
from pathlib import Path
from typing import Protocol

from bot.catalog.index import CatalogIndex
from bot.catalog.models import Title
from bot.catalog.snapshot import Snapshot, SnapshotError

log = logging.getLogger(__name__)

# Catalogs at least this big are indexed in a child process (seconds of work, ~150 MB of garbage).
CHILD_BUILD_TITLES = 5_000
SNAPSHOT_SUFFIX = "-catalog-index"


class CatalogStore(Protocol):
    """What loading needs of the title store (bot.storage.titles.TitleRepo)."""

    async def catalog_version(self) -> str: ...

    async def count(self) -> int: ...

    async def load_all(self) -> list[Title]: ...

    async def created_after(self, title_id: int) -> tuple[list[Title], set[int]]: ...


def snapshot_path(db_path: str | Path | None) -> Path | None:
    """Where the snapshot of this database's catalog is saved (None for an in-memory database, or none kept)."""
    if db_path is None or str(db_path) == ":memory:":
        return None
    path = Path(db_path)
    return path.with_name(path.name + SNAPSHOT_SUFFIX)


async def build_snapshot(store: CatalogStore, path: Path | None) -> Snapshot:
    """Index the whole catalog as stored now, and save it at path (when given)."""
    version = await store.catalog_version()
    # Servers' own titles are not part of the shared catalog (each server indexes its own).
    titles = [title for title in await store.load_all() if not title.local]
    snapshot = await asyncio.to_thread(Snapshot.build, titles, version)
    if path is not None:
        await asyncio.to_thread(snapshot.save, path)
    return snapshot


async def open_index(store: CatalogStore, path: Path | None, *, db_path: str | Path | None = None) -> CatalogIndex:
    """The index of the current catalog: the saved snapshot if it is usable, else a new one."""
    started = time.perf_counter()
    version = await store.catalog_version()
    snapshot = _load(path, version)
    if snapshot is None:
        snapshot = await _rebuild(store, path, db_path, version)
        seconds = time.perf_counter() - started
        # A slow start deserves a line saying why; a small catalog's rebuild does not.
        log.log(logging.INFO if seconds >= 1 else logging.DEBUG, "catalog index built in %.1f s", seconds)
    index = CatalogIndex(snapshot=snapshot)
    await catch_up(index, store)
    return index


async def saved_index(store: CatalogStore, path: Path | None) -> CatalogIndex | None:
    """The index from the saved snapshot if it is for the current catalog version, else None."""
    snapshot = _load(path, await store.catalog_version())
    if snapshot is None:
        return None
    index = CatalogIndex(snapshot=snapshot)
    await catch_up(index, store)
    return index


async def catch_up(index: CatalogIndex, store: CatalogStore, *, level: int = logging.INFO) -> None:
    """Apply what the store changed after the snapshot was built: titles created, and titles merged away
    (said at `level` when there were any)."""
    ids = index.snapshot.title_ids
    created, present = await store.created_after(ids[-1] if len(ids) else 0)
    changed = [title for title in created if not title.local]
    for title in changed:
        index.add(title)
    gone = [title_id for title_id in index.snapshot.title_ids if title_id not in present]
    for title_id in gone:
        index.remove(title_id)
    if changed or gone:
        log.log(
            level, "catalog index caught up: %d titles created, %d gone since it was built", len(changed), len(gone)
        )


def _load(path: Path | None, version: str) -> Snapshot | None:
    if path is None or not path.exists():
        return None
    try:
        return Snapshot.load(path, version)
    except SnapshotError as exc:
        log.warning("not using %s: %s; rebuilding it", path.name, exc)
        return None


async def _rebuild(store: CatalogStore, path: Path | None, db_path: str | Path | None, version: str) -> Snapshot:
    if path is not None and db_path is not None and await store.count() >= CHILD_BUILD_TITLES:
        if await _build_in_child(db_path):
            snapshot = _load(path, version)
            if snapshot is not None:
                return snapshot
        log.warning("building the catalog index in a child process failed; building it here")
    return await build_snapshot(store, path)


async def _build_in_child(db_path: str | Path) -> bool:
    """Run `python -m bot catalog index` on this database; whether it succeeded."""
    env = {**os.environ, "KANSOU_DB": str(db_path)}
    try:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "catalog", "index", env=env, stdout=asyncio.subprocess.DEVNULL
        )
    except OSError:
        log.exception("could not start a child process to build the catalog index")
        return False
    try:
        return await child.wait() == 0
    except asyncio.CancelledError:  # the bot is stopping: the child must not outlive it
        if child.returncode is None:
            child.kill()
            await child.wait()
        raise
