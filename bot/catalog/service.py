"""The catalog as the bot uses it: the in-memory index, kept in step with the title store."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.catalog.index import CONFIDENT, CatalogIndex
from bot.catalog.models import Candidate, Title
from bot.catalog.validate import clean_title_name

log = logging.getLogger(__name__)

TitleLoader = Callable[[], Awaitable[list[Title]]]
GuildTitlesLoader = Callable[[int], Awaitable[set[int]]]
LocalCreator = Callable[[str], Awaitable[Title]]


class CatalogService:
    """Answers from memory (autocomplete has three seconds and no deferral); writes go through the store."""

    def __init__(
        self,
        index: CatalogIndex,
        *,
        create_local: LocalCreator,
        guild_titles: GuildTitlesLoader,
    ) -> None:
        self.index = index
        self._create_local = create_local
        self._guild_titles_loader = guild_titles
        self._guild_titles: dict[int, set[int]] = {}

    def __len__(self) -> int:
        return len(self.index)

    def get(self, title_id: int) -> Title | None:
        return self.index.get(title_id)

    def resolve(self, query: str, limit: int = 5) -> list[Candidate]:
        return self.index.resolve(query, limit=limit)

    def confident(self, query: str) -> Title | None:
        """The title the query surely means, or None when the user should be asked."""
        candidates = self.index.resolve(query, limit=2)
        if candidates and candidates[0].confidence >= CONFIDENT:
            return candidates[0].title
        return None

    async def guild_title_ids(self, guild_id: int | None) -> set[int]:
        """Titles this server has reviewed or rated (loaded once, then kept up to date by note_guild_title)."""
        if guild_id is None:
            return set()
        cached = self._guild_titles.get(guild_id)
        if cached is None:
            cached = self._guild_titles[guild_id] = await self._guild_titles_loader(guild_id)
        return cached

    def note_guild_title(self, guild_id: int, title_id: int) -> None:
        """A server reviewed or rated a title: rank it first in that server's autocomplete."""
        self._guild_titles.setdefault(guild_id, set()).add(title_id)

    async def complete(self, query: str, guild_id: int | None, limit: int = 25) -> list[Candidate]:
        prefer = await self.guild_title_ids(guild_id)
        return self.index.complete(query, limit=limit, prefer=prefer)

    async def create_local(self, raw_name: str) -> Title:
        """A title the catalog lacks, usable at once; a later import can merge it into the real entry."""
        name = clean_title_name(raw_name)
        title = await self._create_local(name)
        self.index.add(title)
        log.info("created local title %s %r", title.id, title.name)
        return title
