"""The catalog as the bot uses it: the in-memory index, kept in step with the title store."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from rapidfuzz import fuzz

from bot.catalog.index import CONFIDENT, CatalogIndex
from bot.catalog.models import AniListMedia, Candidate, Title
from bot.catalog.normalize import fold
from bot.catalog.validate import clean_title_name

log = logging.getLogger(__name__)

TitleLoader = Callable[[], Awaitable[list[Title]]]
GuildTitlesLoader = Callable[[int], Awaitable[set[int]]]
LocalCreator = Callable[[str], Awaitable[Title]]
AniListCreator = Callable[[AniListMedia], Awaitable[Title]]
Merger = Callable[[int, int], Awaitable[object]]

# How close (rapidfuzz ratio of folded names) AniList's answer must be to the typed name to be
# taken as the same show: AniList's search returns its best guess even for names it does not know.
SAME_SHOW = 85


class TitleSearch(Protocol):
    """What the service needs of AniList (bot.catalog.anilist.AniListClient in the bot)."""

    async def search(self, name: str) -> AniListMedia | None: ...


def same_show(name: str, media: AniListMedia) -> bool:
    """Whether one of AniList's names for the show is (nearly) the name that was typed."""
    key = fold(name)
    return any(fuzz.ratio(key, fold(other)) >= SAME_SHOW for other in media.names)


class CatalogService:
    """Answers from memory (autocomplete has three seconds and no deferral); writes go through the store."""

    def __init__(
        self,
        index: CatalogIndex,
        *,
        create_local: LocalCreator,
        guild_titles: GuildTitlesLoader,
        anilist: TitleSearch | None = None,
        create_from_anilist: AniListCreator | None = None,
        merge: Merger | None = None,
    ) -> None:
        self.index = index
        self._create_local = create_local
        self._guild_titles_loader = guild_titles
        self._anilist = anilist
        self._create_from_anilist = create_from_anilist
        self._merge = merge
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

    async def find_or_create(self, raw_name: str) -> Title:
        """The title a typed name means: from the catalog, else from AniList, else a new local title.

        Raises InvalidInput when the name cannot be a title (see clean_title_name).
        """
        name = clean_title_name(raw_name)
        surely = self.confident(name)
        if surely is not None:
            return surely
        found = await self.lookup_anilist(name)
        return found if found is not None else await self.create_local(name)

    async def lookup_anilist(self, name: str) -> Title | None:
        """The real catalog title AniList finds for this name (created when new), or None."""
        if self._anilist is None or self._create_from_anilist is None:
            return None
        media = await self._anilist.search(name)
        if media is None or not same_show(name, media):
            return None
        title = await self._create_from_anilist(media)
        if title.local:  # never expected: AniList titles are real ones
            return None
        self.index.add(title)
        for hit, _ in self.index.exact_hits(fold(name)):
            if hit.local:  # a server named this show before AniList was asked
                title = await self.merge_into(hit.id, title)
        return title

    async def merge_into(self, local_id: int, real_title: Title) -> Title:
        """Merge a local title into a real one in the store, then in the index and the server caches."""
        if self._merge is not None:
            await self._merge(local_id, real_title.id)
        self.index.remove(local_id)
        self.index.add(real_title)
        for ids in self._guild_titles.values():
            if local_id in ids:
                ids.discard(local_id)
                ids.add(real_title.id)
        log.info("merged local title %s into %s %r", local_id, real_title.id, real_title.name)
        return real_title

    async def lookup_local_titles(self) -> int:
        """Ask AniList once about every local title and merge those it finds; how many were merged."""
        merged = 0
        for title in [t for t in self.index.titles() if t.local]:
            try:
                if await self.lookup_anilist(title.name) is not None and title.id not in self.index:
                    merged += 1
            except Exception:
                # One odd title must not stop the others; the next start tries it again.
                log.exception("could not look up local title %s %r", title.id, title.name)
        return merged
