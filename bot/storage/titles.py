"""The title catalog in SQLite: load, import from the dataset, and local titles made by servers."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from bot.catalog.models import (
    CATALOG_CHANNEL,
    TYPES,
    AniListMedia,
    CatalogEntry,
    ImportReport,
    SkippedEntry,
    Title,
    TitleChange,
)
from bot.catalog.normalize import fold
from bot.catalog.validate import tidy_name
from bot.storage.db import NOW_SECONDS, POSTGRESQL, Database, Row, Tx

Progress = Callable[[int], object]

TITLE_COLUMNS = "id, name, type, year, season, episodes, picture, studios, tags, local, guild_id"
# Names from AniList are stored whole up to this length (display code shortens them anyway).
MAX_STORED_NAME = 500
# Progress is reported in steps of this many entries, so a bar moves without costing time.
_PROGRESS_STEP = 500


@dataclass(frozen=True, slots=True)
class _Row:
    """The stored fields of a title that an import may change, comparable as a whole."""

    name: str
    type: str | None
    year: int | None
    season: str | None
    episodes: int | None
    picture: str | None
    studios: str  # JSON text, as stored
    tags: str


def _row_of(entry: CatalogEntry) -> _Row:
    return _Row(
        name=entry.title,
        type=entry.type,
        year=entry.year,
        season=entry.season,
        episodes=entry.episodes,
        picture=entry.picture,
        studios=json.dumps(list(entry.studios), ensure_ascii=False),
        tags=json.dumps(list(entry.tags), ensure_ascii=False),
    )


def title_of(row: Row, aliases: Iterable[str] = (), sources: Iterable[str] = ()) -> Title:
    return Title(
        id=row["id"],
        name=row["name"],
        aliases=tuple(aliases),
        type=row["type"],
        year=row["year"],
        season=row["season"],
        episodes=row["episodes"],
        studios=tuple(json.loads(row["studios"])),
        tags=tuple(json.loads(row["tags"])),
        picture=row["picture"],
        sources=tuple(sources),
        local=bool(row["local"]),
        guild_id=row["guild_id"],
    )


async def announce(tx: Tx, change: TitleChange) -> None:
    """Tell the other processes, once this transaction commits, that a title changed: they read it again."""
    await tx.notify(CATALOG_CHANNEL, change.payload)


class TitleRepo:
    """Titles shared by every server, with their other names and source pages."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def load_all(self) -> list[Title]:
        """Every title with its aliases and sources, in three queries (fast for the full catalog)."""
        rows = await self.db.fetchall(f"SELECT {TITLE_COLUMNS} FROM titles ORDER BY id")
        names = await self._grouped("SELECT title_id, name FROM title_names")
        sources = await self._grouped("SELECT title_id, url FROM title_sources ORDER BY url")
        return [title_of(row, names.get(row["id"], ()), sources.get(row["id"], ())) for row in rows]

    async def get(self, title_id: int) -> Title | None:
        """One title by id, or None."""
        row = await self.db.fetchone(f"SELECT {TITLE_COLUMNS} FROM titles WHERE id = ?", (title_id,))
        if row is None:
            return None
        names = await self.db.fetchall("SELECT name FROM title_names WHERE title_id = ?", (title_id,))
        urls = await self.db.fetchall("SELECT url FROM title_sources WHERE title_id = ? ORDER BY url", (title_id,))
        return title_of(row, (r[0] for r in names), (r[0] for r in urls))

    async def count(self) -> int:
        """How many titles there are, local ones included."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM titles")
        return int(row[0]) if row else 0

    async def catalog_version(self) -> str:
        """A stamp that changes with every catalog import (what a saved index is keyed to)."""
        row = await self.db.fetchone("SELECT COALESCE(MAX(id), 0) FROM catalog_imports")
        return str(row[0] if row else 0)

    async def created_after(self, title_id: int) -> tuple[list[Title], set[int]]:
        """Titles with a higher id than title_id (created since), and the ids of every title there is.

        Between imports titles are only created (local and AniList titles) or merged away, never
        edited, so this is all a saved index needs to catch up with the store.
        """
        ids = {int(row[0]) for row in await self.db.fetchall("SELECT id FROM titles")}
        newer = sorted(i for i in ids if i > title_id)
        return [title for i in newer if (title := await self.get(i)) is not None], ids

    async def local_titles(self) -> list[Title]:
        """Titles created by servers because the catalog lacked them (each with its server's id)."""
        rows = await self.db.fetchall(f"SELECT {TITLE_COLUMNS} FROM titles WHERE local = 1 ORDER BY id")
        return [title_of(row) for row in rows]

    async def create_from_anilist(self, media: AniListMedia) -> Title:
        """A real catalog title for an AniList anime, or the title that already has its AniList or MAL page."""
        urls = [url for url in (media.site_url, media.mal_url) if url]
        names = [name for name in (tidy_name(n)[:MAX_STORED_NAME] for n in media.names) if name]
        name = names[0] if names else f"AniList {media.id}"
        kind = "TV" if media.format == "TV_SHORT" else media.format
        row = (
            name,
            kind if kind in TYPES else None,
            media.season_year,
            media.season,
            media.episodes,
            media.cover,
            json.dumps(list(media.studios), ensure_ascii=False),
            json.dumps([genre.lower() for genre in media.genres], ensure_ascii=False),
        )
        marks = ", ".join("?" for _ in urls)
        async with self.db.transaction() as tx:
            existing = await tx.fetchone(
                f"SELECT title_id FROM title_sources WHERE url IN ({marks}) ORDER BY title_id", urls
            )
            if existing is not None:
                title_id = int(existing[0])
            else:
                inserted = await tx.fetchone(
                    "INSERT INTO titles (name, type, year, season, episodes, picture, studios, tags, local) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0) RETURNING id",
                    row,
                )
                assert inserted is not None
                title_id = int(inserted[0])
                await tx.executemany(
                    "INSERT INTO title_names (title_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [(title_id, alias) for alias in names[1:]],
                )
                await tx.executemany(
                    "INSERT INTO title_sources (url, title_id) VALUES (?, ?)", [(url, title_id) for url in urls]
                )
                await announce(tx, TitleChange(title_id))
        title = await self.get(title_id)
        if title is None:  # only if someone deleted it between the two statements
            raise RuntimeError(f"title {title_id} vanished right after it was written")
        return title

    async def guild_title_ids(self, guild_id: int) -> set[int]:
        """Titles a server has reviewed or rated (what its autocomplete ranks first)."""
        rows = await self.db.fetchall(
            "SELECT title_id FROM rating_aggregates WHERE guild_id = ? "
            "UNION SELECT title_id FROM reviews WHERE guild_id = ? AND status = 'current'",
            (guild_id, guild_id),
        )
        return {int(row[0]) for row in rows}

    async def find_local_matches(self) -> list[tuple[int, int]]:
        """(local id, real id) for each local title whose folded name matches exactly one real title.

        A match on a real title's main name wins over a match on aliases; ambiguous names are left out.
        """
        locals_ = await self.local_titles()
        if not locals_:
            return []
        wanted = {fold(title.name) for title in locals_}
        by_name: dict[str, set[int]] = defaultdict(set)
        by_alias: dict[str, set[int]] = defaultdict(set)
        for title_id, name in await self.db.fetchall("SELECT id, name FROM titles WHERE local = 0"):
            if (key := fold(name)) in wanted:
                by_name[key].add(title_id)
        for title_id, name in await self.db.fetchall(
            "SELECT n.title_id, n.name FROM title_names n JOIN titles t ON t.id = n.title_id WHERE t.local = 0"
        ):
            if (key := fold(name)) in wanted:
                by_alias[key].add(title_id)
        matches = []
        for title in locals_:
            key = fold(title.name)
            candidates = by_name.get(key) or by_alias.get(key) or set()
            if len(candidates) == 1:
                matches.append((title.id, next(iter(candidates))))
        return matches

    async def import_entries(
        self,
        entries: Sequence[CatalogEntry],
        progress: Progress | None = None,
        *,
        source: str = "",
        skipped: Sequence[SkippedEntry] = (),
    ) -> ImportReport:
        """Create or update a title per entry in one transaction, keeping ids by matching source URLs.

        skipped: entries the file reader already left out; they are counted and named in the report.
        """
        report = ImportReport(source=source, entries=len(entries) + len(skipped))
        for entry in sorted(skipped, key=lambda skip: skip.number):
            report.skip(entry)
        async with self.db.transaction() as tx:
            await _ImportRun(tx, report, progress).run(entries)
            await tx.execute(
                "INSERT INTO catalog_imports (source, entries, created, updated, unchanged, skipped) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (source, report.entries, report.created, report.updated, report.unchanged, report.skipped),
            )
        return report

    async def _grouped(self, sql: str) -> dict[int, list[str]]:
        grouped: dict[int, list[str]] = defaultdict(list)
        for title_id, value in await self.db.fetchall(sql):
            grouped[title_id].append(value)
        return grouped


@dataclass(slots=True)
class _Writes:
    """Every row an import will write, gathered before the first write."""

    new_titles: list[tuple[object, ...]] = field(default_factory=list)
    changed_titles: list[tuple[object, ...]] = field(default_factory=list)
    renamed: list[tuple[int]] = field(default_factory=list)  # titles whose aliases are replaced
    names: list[tuple[int, str]] = field(default_factory=list)
    sources: list[tuple[str, int]] = field(default_factory=list)
    dropped_urls: list[tuple[str]] = field(default_factory=list)


class _ImportRun:
    """One import: read the current catalog, work out every change in memory, then write in bulk."""

    def __init__(self, tx: Tx, report: ImportReport, progress: Progress | None) -> None:
        self.tx = tx
        self.report = report
        self.progress = progress
        self._reported = 0
        self.writes = _Writes()
        self.owner: dict[str, int] = {}  # source URL -> title id, as stored
        self.stored: dict[int, _Row] = {}
        self.names: dict[int, set[str]] = defaultdict(set)
        self.sources_of: dict[int, set[str]] = defaultdict(set)
        self.claimed_ids: set[int] = set()
        self.claimed_urls: dict[str, int] = {}  # source URL -> number of the entry of this file that took it
        self.next_id = 1

    async def run(self, entries: Sequence[CatalogEntry]) -> None:
        await self._load()
        for done, entry in enumerate(entries, start=1):
            self._apply(entry)
            self._tick(done, len(entries))
        # A title outvoted by another may still have been claimed by a later entry of its own.
        report = self.report
        report.superseded = [pair for pair in report.superseded if pair[0] not in self.claimed_ids]
        superseded = {old for old, _ in report.superseded}
        report.absent = len(set(self.stored) - self.claimed_ids - superseded)
        await self._write()

    async def _load(self) -> None:
        tx = self.tx
        if tx.dialect == POSTGRESQL:
            # New ids are handed out from MAX(id) + 1 below: titles other processes would create meanwhile
            # wait for the import (SQLite's single writer does the same by itself). Reads go on.
            await tx.execute("LOCK TABLE titles IN EXCLUSIVE MODE")
        self.owner = {row[0]: row[1] for row in await tx.fetchall("SELECT url, title_id FROM title_sources")}
        for url, title_id in self.owner.items():
            self.sources_of[title_id].add(url)
        for row in await tx.fetchall(
            "SELECT id, name, type, year, season, episodes, picture, studios, tags FROM titles WHERE local = 0"
        ):
            self.stored[row[0]] = _Row(*row[1:])
        for title_id, name in await tx.fetchall("SELECT title_id, name FROM title_names"):
            self.names[title_id].add(name)
        top = await tx.fetchone("SELECT COALESCE(MAX(id), 0) FROM titles")
        self.next_id = int(top[0] if top else 0) + 1

    def _apply(self, entry: CatalogEntry) -> None:
        urls = [url for url in entry.sources if url not in self.claimed_urls]
        if not urls:  # every source already went to an earlier entry of this file
            earlier = self.claimed_urls[entry.sources[0]]
            reason = f"its source links belong to entry {earlier}" if earlier else "its source links are taken"
            self.report.skip(SkippedEntry(entry.number, entry.title, reason + " (a duplicate)"))
            return
        self.claimed_urls.update(dict.fromkeys(urls, entry.number))
        owner = self.owner
        votes = Counter(owner[url] for url in urls if url in owner and owner[url] not in self.claimed_ids)
        row = _row_of(entry)
        aliases = set(entry.synonyms)
        writes = self.writes
        if not votes:
            title_id = self.next_id
            self.next_id += 1
            self.report.created += 1
            writes.new_titles.append((title_id, *_values(row)))
            writes.names.extend((title_id, alias) for alias in aliases)
            writes.sources.extend((url, title_id) for url in urls)
            self.claimed_ids.add(title_id)
            return
        # The stored title holding most of the entry's sources keeps its id; ties go to the oldest.
        title_id = min(votes, key=lambda candidate: (-votes[candidate], candidate))
        self.claimed_ids.add(title_id)
        self.report.superseded.extend((other, title_id) for other in votes if other != title_id)
        same_row = self.stored.get(title_id) == row
        same_names = self.names[title_id] == aliases
        if same_row and same_names and self.sources_of[title_id] == set(urls):
            self.report.unchanged += 1
            return
        self.report.updated += 1
        if not same_row:
            writes.changed_titles.append((*_values(row), title_id))
        if not same_names:
            writes.renamed.append((title_id,))
            writes.names.extend((title_id, alias) for alias in aliases)
        writes.dropped_urls.extend((url,) for url in self.sources_of[title_id] - set(urls))
        writes.sources.extend((url, title_id) for url in urls if owner.get(url) != title_id)

    async def _write(self) -> None:
        tx, writes = self.tx, self.writes
        await tx.executemany(
            "INSERT INTO titles (id, name, type, year, season, episodes, picture, studios, tags, local) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            writes.new_titles,
        )
        await tx.executemany(
            "UPDATE titles SET name = ?, type = ?, year = ?, season = ?, episodes = ?, picture = ?, "
            f"studios = ?, tags = ?, updated_at = {NOW_SECONDS[tx.dialect]} WHERE id = ?",
            writes.changed_titles,
        )
        await tx.executemany("DELETE FROM title_names WHERE title_id = ?", writes.renamed)
        await tx.executemany(
            "INSERT INTO title_names (title_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", writes.names
        )
        # Deletes first: a URL dropped by one title may be taken by another in the same import.
        await tx.executemany("DELETE FROM title_sources WHERE url = ?", writes.dropped_urls)
        await tx.executemany(
            "INSERT INTO title_sources (url, title_id) VALUES (?, ?) "
            "ON CONFLICT (url) DO UPDATE SET title_id = excluded.title_id",
            writes.sources,
        )

    def _tick(self, done: int, total: int) -> None:
        if self.progress is not None and (done - self._reported >= _PROGRESS_STEP or done == total):
            self.progress(done - self._reported)
            self._reported = done


def _values(row: _Row) -> tuple[object, ...]:
    return (row.name, row.type, row.year, row.season, row.episodes, row.picture, row.studios, row.tags)
