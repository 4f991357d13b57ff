"""The catalog as the bot uses it: the in-memory index, kept in step with the title store."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from rapidfuzz import fuzz

from bot.catalog.index import AS_TYPED, CONFIDENT, CatalogIndex
from bot.catalog.interim import StoreLookup
from bot.catalog.links import escape_markdown, shorten
from bot.catalog.loading import CatalogStore, catch_up
from bot.catalog.local import GuildFinder, LocalTitles, combine, visible_in
from bot.catalog.models import AniListMedia, Candidate, DeletedTitle, MergeReport, Title
from bot.catalog.normalize import fold
from bot.catalog.validate import check_new_title_name, clean_title_name
from bot.errors import Conflict, InvalidInput, NotFound, OnCooldown
from bot.plural import plural

log = logging.getLogger(__name__)

GuildTitlesLoader = Callable[[int], Awaitable[set[int]]]
AniListCreator = Callable[[AniListMedia], Awaitable[Title]]
Merger = Callable[[int, int], Awaitable[object]]
Clock = Callable[[], float]

# How many titles a member may add to their server in a day (moderators are not limited).
DAILY_NEW_TITLES = 5
DAY = 24 * 3600.0

# How close (rapidfuzz ratio of folded names) AniList's answer must be to the typed name to be
# taken as the same show: AniList's search returns its best guess even for names it does not know.
SAME_SHOW = 85


class LocalStore(Protocol):
    """Where servers' own titles are kept (bot.storage.local_titles.LocalTitleRepo in the bot)."""

    async def create(self, name: str, guild_id: int, *, user_id: int | None = None, at: float) -> Title: ...

    async def creations_since(self, guild_id: int, user_id: int, since: float) -> list[float]: ...

    async def rename(self, title_id: int, guild_id: int, name: str, *, moderator_id: int, at: float) -> Title: ...

    async def merge(
        self, title_id: int, into_id: int, guild_id: int, *, moderator_id: int, at: float
    ) -> MergeReport: ...

    async def delete(self, title_id: int, guild_id: int, *, moderator_id: int, at: float) -> DeletedTitle: ...

    async def discard_unused(self, title_id: int, guild_id: int) -> bool: ...


class TitleStore(CatalogStore, Protocol):
    """The title store as catching up with other processes reads it (bot.storage.titles.TitleRepo)."""

    async def get(self, title_id: int) -> Title | None: ...

    async def local_titles(self) -> list[Title]: ...


class TitleSearch(Protocol):
    """What the service needs of AniList (bot.catalog.anilist.AniListClient in the bot)."""

    async def search(self, name: str) -> AniListMedia | None: ...


def same_show(name: str, media: AniListMedia) -> bool:
    """Whether one of AniList's names for the show is (nearly) the name that was typed."""
    key = fold(name)
    return any(fuzz.ratio(key, fold(other)) >= SAME_SHOW for other in media.names)


class CatalogService:
    """Answers from memory (autocomplete has three seconds and no deferral); writes go through the store.

    The shared index holds catalog titles; each server's own (local) titles live in `locals` and are
    seen by that server only: every lookup for a server takes its guild id.
    """

    def __init__(
        self,
        index: CatalogIndex,
        *,
        interim: StoreLookup | None = None,
        store: LocalStore,
        guild_titles: GuildTitlesLoader,
        local_titles: Iterable[Title] = (),
        anilist: TitleSearch | None = None,
        create_from_anilist: AniListCreator | None = None,
        merge: Merger | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.index = index
        # Until the index of the whole catalog is built (a first start): answers from the store, and
        # index holds only the catalog titles added meanwhile.
        self._interim = interim
        self.locals = LocalTitles()
        self._store = store
        self._guild_titles_loader = guild_titles
        self._anilist = anilist
        self._create_from_anilist = create_from_anilist
        self._merge = merge
        self._clock = clock
        self._guild_titles: dict[int, set[int]] = {}
        # While a new index is being built, titles added to the old one are noted to be added to it.
        self._journal: list[Title] | None = None
        self._reload_lock = asyncio.Lock()
        self.adopt_local_titles(local_titles)

    def refresh_local_titles(self, stored: list[Title]) -> None:
        """Servers' own titles as now stored (an import merges some away); ones created meanwhile stay."""
        newest = max((title.id for title in stored), default=0)
        fresh = LocalTitles(stored)
        for title in self.locals.titles():
            if title.id > newest:
                fresh.add(title)
        self.locals = fresh

    def stored(self, title_id: int, title: Title | None, *, merged_into: int | None = None) -> None:
        """Bring memory in line with one title as the store now has it, after another process changed it
        (None: it is gone; `merged_into`: into that title). Real titles change only by imports, which reload."""
        if title is None:
            self._forget(title_id, merged_into)
        elif title.local:
            self.locals.add(title)
        elif self.get(title_id) is None:
            self._add(title)

    async def catch_up(self, store: TitleStore) -> None:
        """Apply whatever the store changed that this process may not have heard of: catalog titles created
        or merged away since the index was built, servers' own titles as they are now."""
        async with self._reload_lock:  # not while another index is being swapped in
            if self._interim is None:  # while loading, the interim lookup answers from the store anyway
                await catch_up(self.index, store, level=logging.DEBUG)
            stored = await store.local_titles()
            self.refresh_local_titles(stored)
            newest = max((title.id for title in stored), default=0)
            for title in self.locals.titles():  # kept as made meanwhile: unless another process took it away
                if title.id > newest and await store.get(title.id) is None:
                    self._forget(title.id, None)

    def adopt_local_titles(self, titles: Iterable[Title]) -> None:
        """Keep servers' own titles apart from the shared index (which may have been built with them)."""
        for title in titles:
            if title.local:
                self.index.remove(title.id)
                self.locals.add(title)

    def __len__(self) -> int:
        return len(self.index) + len(self.locals) + (len(self._interim) if self._interim is not None else 0)

    @property
    def loading(self) -> bool:
        """Whether the index is still being built (lookups are answered from the store meanwhile)."""
        return self._interim is not None

    @property
    def version(self) -> str:
        """The catalog version the index was built for."""
        return self.index.snapshot.version

    def _add(self, title: Title) -> None:
        """Add a catalog title to the shared index (and to the one being loaded, if any)."""
        self.index.add(title)
        if self._journal is not None:
            self._journal.append(title)

    async def reload(self, build: Callable[[], Awaitable[CatalogIndex | None]]) -> CatalogIndex | None:
        """Swap in a new index built by build() (None: keep the current one); answers keep coming from the
        old one until the swap.

        Catalog titles added while it was built (from AniList) are added to it before the swap.
        """
        async with self._reload_lock:
            self._journal = []
            try:
                index = await build()
                if index is None:
                    return None
                for title in self._journal:
                    index.add(title)
                self.index = index  # one assignment: every later lookup sees the new catalog
                self._interim = None
            finally:
                self._journal = None
        return index

    def get(self, title_id: int) -> Title | None:
        """Any title by id, whichever server owns it: for ids read from a server's own stored data."""
        found = self.index.get(title_id)
        if found is None and self._interim is not None:
            found = self._interim.get(title_id)
        return found or self.locals.get(title_id)

    def visible(self, title_id: int, guild_id: int | None) -> Title | None:
        """The title with this id if this server may see it (a picked autocomplete value, say)."""
        title = self.get(title_id)
        return title if title is not None and visible_in(title, guild_id) else None

    async def resolve(self, query: str, limit: int = 5, *, guild_id: int | None = None) -> list[Candidate]:
        """The titles this server may mean by the query, best first."""
        shared = self.index.resolve(query, limit=limit)
        if self._interim is not None:
            shared = _best_of(await self._interim.resolve(query, limit=limit), shared, limit)
        own = self.locals.of(guild_id)
        return combine(shared, own.resolve(query, limit=limit) if own else [], limit)

    async def confident(self, query: str, *, guild_id: int | None = None) -> Title | None:
        """The title the query surely means, or None when the user should be asked."""
        candidates = await self.resolve(query, limit=2, guild_id=guild_id)
        if candidates and candidates[0].confidence >= CONFIDENT:
            return candidates[0].title
        return None

    async def did_you_mean(self, query: str, *, guild_id: int | None = None, limit: int = 5) -> list[Candidate]:
        """Only the candidates actually close to the query (an empty list means "not found")."""
        return [c for c in await self.resolve(query, limit=limit, guild_id=guild_id) if is_close(query, c)]

    def finder(self, guild_id: int | None) -> GuildFinder:
        """The mention finder for a review of this server: catalog titles and the server's own."""
        return GuildFinder(self.index, self.locals.of(guild_id))

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
        """Autocomplete for this server: its rated and reviewed titles and its own titles first."""
        prefer = await self.guild_title_ids(guild_id)
        shared = self.index.complete(query, limit=limit, prefer=prefer)
        if self._interim is not None:
            from_store = await self._interim.complete(query, limit=limit, prefer=prefer)
            shared = _best_of(from_store, shared, limit, preferred=lambda c: c.title.id in prefer)
        shared = [c for c in shared if not c.title.local]
        own_index = self.locals.of(guild_id)
        own = own_index.complete(query, limit=limit) if own_index is not None else []
        if not own:
            return shared[:limit]
        # The server's own titles rank with its rated ones; a stable sort keeps each list's order.
        mine = prefer | {candidate.title.id for candidate in own}
        return sorted([*shared, *own], key=lambda c: _rank(c, c.title.id in mine))[:limit]

    # ----- a server's own titles ----------------------------------------------------------------

    async def check_may_create(self, guild_id: int, user_id: int) -> None:
        """OnCooldown (with a friendly sentence) when the member already added their titles for the day."""
        now = self._clock()
        made = await self._store.creations_since(guild_id, user_id, now - DAY)
        if len(made) < DAILY_NEW_TITLES:
            return
        wait = made[-DAILY_NEW_TITLES] + DAY - now
        hours = max(1, round(wait / 3600))
        raise OnCooldown(
            wait,
            f"You have added {plural(len(made), 'new title')} to this server in the last 24 hours, the most a member "
            f"may add in a day. Try again in about {hours} h, or ask a moderator.",
        )

    async def create_local(self, raw_name: str, guild_id: int, *, user_id: int | None = None) -> Title:
        """A title the catalog lacks, for this server only; a later import or AniList lookup merges it.

        Reuses the server's title with the same name. Raises InvalidInput for an unfit name.
        """
        name = check_new_title_name(raw_name)
        title = await self._store.create(name, guild_id, user_id=user_id, at=self._clock())
        self.locals.add(title)
        log.info("local title %s %r of server %s", title.id, title.name, guild_id)
        return title

    async def rename(self, title: Title, raw_name: str, guild_id: int, moderator_id: int) -> Title:
        """A moderator renames one of the server's own titles."""
        name = check_new_title_name(raw_name)
        clash = await self.confident(name, guild_id=guild_id)
        if clash is not None and clash.id != title.id and not clash.local:
            raise Conflict(
                f"The catalog already has **{escape_markdown(shorten(clash.name, 80))}** under that name: "
                "merge this title into it with `/title merge`."
            )
        renamed = await self._store.rename(title.id, guild_id, name, moderator_id=moderator_id, at=self._clock())
        self.locals.add(renamed)
        log.info("moderator %s renamed title %s %r to %r in %s", moderator_id, title.id, title.name, name, guild_id)
        return renamed

    async def merge_local(self, title: Title, into: Title, guild_id: int, moderator_id: int) -> MergeReport:
        """A moderator merges one of the server's own titles into another title this server sees."""
        if title.id == into.id:
            raise InvalidInput("Pick two different titles: a title cannot be merged into itself.")
        if not visible_in(into, guild_id):
            raise NotFound("That title is no longer known; pick it again from the suggestions.")
        report = await self._store.merge(title.id, into.id, guild_id, moderator_id=moderator_id, at=self._clock())
        self._forget(title.id, into.id)
        log.info("moderator %s merged title %s into %s in %s", moderator_id, title.id, into.id, guild_id)
        return report

    async def delete_local(self, title: Title, guild_id: int, moderator_id: int) -> DeletedTitle:
        """A moderator deletes one of the server's own titles (refused while it has a current review)."""
        deleted = await self._store.delete(title.id, guild_id, moderator_id=moderator_id, at=self._clock())
        self._forget(title.id, None)
        log.info("moderator %s deleted title %s %r in %s", moderator_id, title.id, title.name, guild_id)
        return deleted

    async def discard_unused(self, titles: Iterable[Title], guild_id: int) -> None:
        """Take back titles just created for something that then failed (those nothing uses yet)."""
        for title in titles:
            if await self._store.discard_unused(title.id, guild_id):
                self._forget(title.id, None)
                log.info("discarded unused local title %s %r of server %s", title.id, title.name, guild_id)

    def _forget(self, title_id: int, replaced_by: int | None) -> None:
        self.locals.remove(title_id)
        for ids in self._guild_titles.values():
            if title_id in ids:
                ids.discard(title_id)
                if replaced_by is not None:
                    ids.add(replaced_by)

    # ----- AniList ------------------------------------------------------------------------------

    async def lookup(self, raw_name: str, guild_id: int | None) -> Title | None:
        """The title a typed name means for this server: from the catalog, else from AniList, else None.

        Raises InvalidInput when the name cannot be a title (see clean_title_name).
        """
        name = clean_title_name(raw_name)
        surely = await self.confident(name, guild_id=guild_id)
        return surely if surely is not None else await self.lookup_anilist(name)

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
        self._add(title)
        for local in self.locals.named(fold(name)):  # servers named this show before AniList was asked
            title = await self.merge_into(local.id, title)
        return title

    async def merge_into(self, local_id: int, real_title: Title) -> Title:
        """Merge a local title into a real one in the store, then in memory and the server caches."""
        if self._merge is not None:
            await self._merge(local_id, real_title.id)
        self._forget(local_id, real_title.id)
        self._add(real_title)
        log.info("merged local title %s into %s %r", local_id, real_title.id, real_title.name)
        return real_title

    async def lookup_local_titles(self) -> int:
        """Ask AniList once about every local title and merge those it finds; how many were merged."""
        merged = 0
        for title in self.locals.titles():
            try:
                if await self.lookup_anilist(title.name) is not None and title.id not in self.locals:
                    merged += 1
            except Exception:
                # One odd title must not stop the others; the next start tries it again.
                log.exception("could not look up local title %s %r", title.id, title.name)
        return merged


def _rank(candidate: Candidate, preferred: bool) -> tuple[bool, bool, float]:
    """Autocomplete order: matching as typed before close spellings, the server's titles first in each."""
    return (candidate.confidence < AS_TYPED, not preferred, -candidate.confidence)


def _best_of(
    one: list[Candidate],
    other: list[Candidate],
    limit: int,
    preferred: Callable[[Candidate], bool] = lambda _: False,
) -> list[Candidate]:
    """Two rankings as one: each title once (its better candidate), best first."""
    best: dict[int, Candidate] = {}
    for candidate in (*one, *other):
        kept = best.get(candidate.title.id)
        if kept is None or candidate.confidence > kept.confidence:
            best[candidate.title.id] = candidate
    return sorted(best.values(), key=lambda c: _rank(c, preferred(c)))[:limit]


# A did-you-mean candidate must be at least this close (0..100) to what was typed.
CLOSE = 80
# Shorter queries are not compared by partial or word-set matching: "no" is part of half the catalog.
_PARTIAL_MIN = 4


def is_close(query: str, candidate: Candidate) -> bool:
    """Whether a candidate is worth offering for the query: a sure hit, or a name close to the query.

    The index's fuzzy ranking (WRatio) rewards any shared word, so "Kimi no Na wa" would offer
    titles that merely contain "no"; here every name of the title is compared with the whole query.
    """
    if candidate.confidence >= CONFIDENT:
        return True
    key = fold(query)
    if not key:
        return False
    for name in (candidate.title.name, *candidate.title.aliases, candidate.matched):
        other = fold(name)
        score = fuzz.ratio(key, other)
        if len(key) >= _PARTIAL_MIN:
            score = max(score, fuzz.token_set_ratio(key, other), fuzz.partial_ratio(key, other))
        if score >= CLOSE:
            return True
    return False
