"""Titles servers created, in memory: one small index per server, so no server sees another's.

A local title is visible only in the server that created it until it is merged into a real catalog
or AniList entry. The shared catalog index holds real titles only; lookups for a server combine it
with that server's own index (bot.catalog.service.CatalogService).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.catalog.index import AMBIGUITY_PENALTY, CONFIDENT, CatalogIndex
from bot.catalog.mentions import find_mentions
from bot.catalog.models import Candidate, Mention, Title


def visible_in(title: Title, guild_id: int | None) -> bool:
    """Whether a server (None: a direct message) may see a title: every real title, and its own local ones."""
    return not title.local or (guild_id is not None and title.guild_id == guild_id)


class LocalTitles:
    """Every server's own titles, indexed per server."""

    def __init__(self, titles: Iterable[Title] = ()) -> None:
        self._indexes: dict[int, CatalogIndex] = {}
        self._owner: dict[int, int] = {}  # title id -> server id
        for title in titles:
            self.add(title)

    def __len__(self) -> int:
        return len(self._owner)

    def __contains__(self, title_id: object) -> bool:
        return title_id in self._owner

    def add(self, title: Title) -> None:
        """Index a local title under its server (a title without one belongs to nobody and is left out)."""
        if not title.local or title.guild_id is None:
            return
        self.remove(title.id)
        self._indexes.setdefault(title.guild_id, CatalogIndex()).add(title)
        self._owner[title.id] = title.guild_id

    def remove(self, title_id: int) -> None:
        guild_id = self._owner.pop(title_id, None)
        if guild_id is not None:
            self._indexes[guild_id].remove(title_id)

    def get(self, title_id: int) -> Title | None:
        guild_id = self._owner.get(title_id)
        return self._indexes[guild_id].get(title_id) if guild_id is not None else None

    def of(self, guild_id: int | None) -> CatalogIndex | None:
        """The index of one server's titles, if it has any."""
        return self._indexes.get(guild_id) if guild_id is not None else None

    def titles(self, guild_id: int | None = None) -> list[Title]:
        """Every server's local titles, or one server's."""
        if guild_id is not None:
            index = self._indexes.get(guild_id)
            return index.titles() if index is not None else []
        return [title for index in self._indexes.values() for title in index.titles()]

    def named(self, folded: str) -> list[Title]:
        """Local titles of any server with exactly this folded name (AniList found the show for them all)."""
        return [title for index in self._indexes.values() for title, _ in index.exact_hits(folded)]


def combine(shared: Sequence[Candidate], own: Sequence[Candidate], limit: int) -> list[Candidate]:
    """One ranking of the catalog's and a server's own candidates, best first.

    A sure hit in both (the catalog gained a title with a local title's name) is ambiguous: both
    lose the ambiguity penalty, so the member is asked which one they mean.
    """
    shared = [candidate for candidate in shared if not candidate.title.local]
    if shared and own and shared[0].confidence >= CONFIDENT and own[0].confidence >= CONFIDENT:
        shared = [_penalised(shared[0]), *shared[1:]]
        own = [_penalised(own[0]), *own[1:]]
    merged = sorted([*shared, *own], key=lambda candidate: -candidate.confidence)  # stable: catalog first
    return merged[:limit]


def _penalised(candidate: Candidate) -> Candidate:
    return Candidate(candidate.title, round(candidate.confidence - AMBIGUITY_PENALTY, 4), candidate.matched)


class GuildFinder:
    """Finds titles named in a review of one server: catalog titles and that server's own."""

    def __init__(self, shared: CatalogIndex, own: CatalogIndex | None) -> None:
        self.shared = shared
        self.own = own

    def find_mentions(self, text: str) -> list[Mention]:
        found = [mention for mention in self.shared.find_mentions(text) if not mention.title.local]
        if self.own is None:
            return found
        own = find_mentions(self.own, text)
        # Longest first at each start; a mention overlapping one already kept is dropped.
        kept: list[Mention] = []
        for mention in sorted([*found, *own], key=lambda m: (m.start, -(m.end - m.start))):
            if not kept or mention.start >= kept[-1].end:
                kept.append(mention)
        return kept
