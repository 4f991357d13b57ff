"""Titles servers create for shows the catalog lacks: each belongs to its server; who made, renamed,
merged or deleted one is kept in title_actions (the daily limit and the moderators' audit trail). Every
change is announced to the other processes in its transaction (CATALOG_CHANNEL)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.catalog.models import HAS_REVIEW, DeletedTitle, MergeReport, Title, TitleChange
from bot.catalog.normalize import fold
from bot.errors import Conflict, NotFound
from bot.storage.db import NOW_SECONDS, Database, Tx
from bot.storage.merge import merge_title
from bot.storage.titles import TitleRepo, announce

log = logging.getLogger(__name__)


def iso(at: float) -> str:
    """A Unix time as the ISO text the database stores (UTC, milliseconds)."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def unix(text: str) -> float:
    """The Unix time of ISO text written by iso() or by SQLite's strftime."""
    return datetime.strptime(text.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC).timestamp()


class LocalTitleRepo:
    """Create, rename, merge and delete a server's own titles; every change in one transaction with its audit row."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.titles = TitleRepo(db)

    async def create(self, name: str, guild_id: int, *, user_id: int | None = None, at: float) -> Title:
        """The server's local title with this name: its existing one with the same folded name, else a new one.

        `name` must already be checked (bot.catalog.validate). A new title is recorded as created by
        user_id (when given) at `at`, which the daily limit counts.
        """
        key = fold(name)
        async with self.db.transaction() as tx:
            # Read inside the write transaction so two members naming the same show at once get one row.
            await tx.serialize("local_titles", guild_id)
            existing = await _local_named(tx, guild_id, key)
            if existing is None:
                row = await tx.fetchone(
                    "INSERT INTO titles (name, local, guild_id) VALUES (?, 1, ?) RETURNING id", (name, guild_id)
                )
                assert row is not None
                existing = int(row[0])
                if user_id is not None:
                    await _audit(tx, guild_id, user_id, "create", existing, detail=name, at=at)
                await announce(tx, TitleChange(existing))
        return await self._reread(existing)

    async def creations_since(self, guild_id: int, user_id: int, since: float) -> list[float]:
        """When this member created titles in this server since `since` (Unix times, oldest first)."""
        rows = await self.db.fetchall(
            "SELECT created_at FROM title_actions WHERE guild_id = ? AND user_id = ? AND action = 'create' "
            "AND created_at >= ? ORDER BY created_at",
            (guild_id, user_id, iso(since)),
        )
        return [unix(row[0]) for row in rows]

    async def rename(self, title_id: int, guild_id: int, name: str, *, moderator_id: int, at: float) -> Title:
        """Give a server's local title a new (checked) name; Conflict if another of its titles has it."""
        async with self.db.transaction() as tx:
            await tx.serialize("local_titles", guild_id)
            old = await _owned(tx, title_id, guild_id)
            clash = await _local_named(tx, guild_id, fold(name))
            if clash is not None and clash != title_id:
                raise Conflict("This server already has a title with that name: merge the two with `/title merge`.")
            await tx.execute(
                f"UPDATE titles SET name = ?, updated_at = {NOW_SECONDS[tx.dialect]} WHERE id = ?", (name, title_id)
            )
            await _audit(tx, guild_id, moderator_id, "rename", title_id, detail=f"{old} -> {name}", at=at)
            await announce(tx, TitleChange(title_id))
        return await self._reread(title_id)

    async def merge(self, title_id: int, into_id: int, guild_id: int, *, moderator_id: int, at: float) -> MergeReport:
        """Move a server's local title (ratings, reviews, links) onto another title, then delete it."""
        async with self.db.transaction() as tx:
            name = await _owned(tx, title_id, guild_id)

        async def audit(tx: Tx, report: MergeReport) -> None:
            await _audit(tx, guild_id, moderator_id, "merge", title_id, detail=f"{name}: {report.summary()}", at=at)

        return await merge_title(self.db, title_id, into_id, then=audit)

    async def delete(self, title_id: int, guild_id: int, *, moderator_id: int, at: float) -> DeletedTitle:
        """Delete a server's local title with its scores and links; Conflict while it has a current review."""
        async with self.db.transaction() as tx:
            name = await _owned(tx, title_id, guild_id)
            current = await tx.fetchall("SELECT 1 FROM reviews WHERE title_id = ? AND status = 'current'", (title_id,))
            if current:
                raise Conflict(HAS_REVIEW)
            # Deleting rows one by one keeps the ratings triggers (aggregates, totals) exact.
            ratings = await tx.execute("DELETE FROM ratings WHERE title_id = ?", (title_id,))
            links = await tx.execute(
                "DELETE FROM comparison_edges WHERE other_title_id = ? OR title_id = ?", (title_id, title_id)
            )
            old_reviews = await tx.execute("DELETE FROM reviews WHERE title_id = ?", (title_id,))  # revisions cascade
            await tx.execute("DELETE FROM titles WHERE id = ?", (title_id,))
            detail = f"{name} ({ratings} scores, {links} links, {old_reviews} old reviews)"
            await _audit(tx, guild_id, moderator_id, "delete", title_id, detail=detail, at=at)
            await announce(tx, TitleChange(title_id))
        return DeletedTitle(title_id, ratings, links, old_reviews)

    async def discard_unused(self, title_id: int, guild_id: int) -> bool:
        """Delete a server's local title that nothing uses (no score, review or link), with its creation
        record: it was created for something that failed. Whether it was deleted."""
        async with self.db.transaction() as tx:
            used = await tx.fetchall(
                "SELECT 1 FROM ratings WHERE title_id = :id UNION ALL SELECT 1 FROM reviews WHERE title_id = :id "
                "UNION ALL SELECT 1 FROM comparison_edges WHERE title_id = :id OR other_title_id = :id LIMIT 1",
                {"id": title_id},
            )
            if used:
                return False
            deleted = await tx.execute(
                "DELETE FROM titles WHERE id = ? AND local = 1 AND guild_id = ?", (title_id, guild_id)
            )
            if deleted == 0:
                return False
            await tx.execute("DELETE FROM title_actions WHERE title_id = ? AND action = 'create'", (title_id,))
            await announce(tx, TitleChange(title_id))
        return True

    async def actions(self, guild_id: int, limit: int = 50) -> list[tuple[str, int, int, str]]:
        """The server's latest title actions as (action, user id, title id, detail), newest first."""
        rows = await self.db.fetchall(
            "SELECT action, user_id, title_id, detail FROM title_actions WHERE guild_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )
        return [(row[0], int(row[1]), int(row[2]), row[3]) for row in rows]

    async def _reread(self, title_id: int) -> Title:
        title = await self.titles.get(title_id)
        if title is None:  # only if someone deleted it between the two statements
            raise RuntimeError(f"local title {title_id} vanished right after it was written")
        return title


async def _local_named(tx: Tx, guild_id: int, key: str) -> int | None:
    rows = await tx.fetchall("SELECT id, name FROM titles WHERE local = 1 AND guild_id = ?", (guild_id,))
    return next((int(row[0]) for row in rows if fold(row[1]) == key), None)


async def _owned(tx: Tx, title_id: int, guild_id: int) -> str:
    """The name of a local title of this server; NotFound for anything else (real or another server's)."""
    row = await tx.fetchone("SELECT name FROM titles WHERE id = ? AND local = 1 AND guild_id = ?", (title_id, guild_id))
    if row is None:
        raise NotFound("That is not one of this server's own titles (it may have been merged or deleted meanwhile).")
    return str(row[0])


async def _audit(tx: Tx, guild_id: int, user_id: int, action: str, title_id: int, *, detail: str, at: float) -> None:
    await tx.execute(
        "INSERT INTO title_actions (guild_id, user_id, action, title_id, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (guild_id, user_id, action, title_id, detail[:500], iso(at)),
    )
