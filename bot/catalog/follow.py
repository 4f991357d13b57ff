"""Titles other processes change, brought into this process's catalog as they are announced.

Every write that changes a title at run time (a server's own title created, renamed, merged or deleted; a
title found on AniList) announces it on CATALOG_CHANNEL in its own transaction, and `catalog import`
announces NEW_CATALOG once the new index is saved. Each process reads the announced titles again and
updates its in-memory catalog, so what one process created is offered by the others within about a second.
Announcements are applied one at a time, in the order they came, each from what the store holds then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Protocol

from bot.catalog.models import CATALOG_CHANNEL, NEW_CATALOG, TitleChange
from bot.catalog.service import CatalogService, TitleStore
from bot.storage.db import MISSED, Bus

log = logging.getLogger(__name__)

# Not a payload anyone sends: the follower's own reminder to catch up once it listens.
_CATCH_UP = "catch up"


class CatalogCheck(Protocol):
    """Look for a newly imported catalog and load it; `announced`: its import said the saved index is ready."""

    def __call__(self, *, announced: bool) -> Awaitable[object]: ...


class CatalogFollower:
    """Applies the catalog changes other processes announce to this process's CatalogService."""

    def __init__(self, catalog: CatalogService, store: TitleStore, *, check_catalog: CatalogCheck) -> None:
        self.catalog = catalog
        self.store = store
        self._check_catalog = check_catalog
        self._pending: list[str] = []
        self._worker: asyncio.Task[None] | None = None
        self.applied = 0  # announcements applied (for tests and logs)

    async def follow(self, bus: Bus) -> None:
        """Listen from now on, then catch up with whatever changed before (since the catalog was loaded)."""
        await bus.listen(CATALOG_CHANNEL, self.heard)
        self.heard(_CATCH_UP)

    def heard(self, payload: str) -> None:
        """A listener: queue the announcement; one task applies them in order."""
        self._pending.append(payload)
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work(), name="kansou-catalog-follow")

    async def _work(self) -> None:
        while self._pending:
            payload = self._pending.pop(0)
            try:
                await self._apply(payload)
            except Exception:
                # The next announcement of the title, or the catalog check every 30 s, puts it right.
                log.exception("could not apply the catalog change %r announced by another process", payload)
            self.applied += 1

    async def _apply(self, payload: str) -> None:
        if payload in (MISSED, _CATCH_UP):
            if payload == MISSED:
                log.info("catalog changes of other processes may have been missed; reading the catalog again")
            await self._check_catalog(announced=False)
            await self.catalog.catch_up(self.store)
            return
        if payload == NEW_CATALOG:
            await self._check_catalog(announced=True)
            return
        change = TitleChange.parse(payload)
        if change is None:
            log.warning("ignoring an unknown catalog announcement %r", payload)
            return
        if change.into is not None:  # the title it was merged into may be new to this process as well
            self.catalog.stored(change.into, await self.store.get(change.into))
        self.catalog.stored(change.title_id, await self.store.get(change.title_id), merged_into=change.into)

    async def close(self) -> None:
        """Stop applying announcements (the bot is closing)."""
        self._pending.clear()
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._worker
