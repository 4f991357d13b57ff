"""Official reviews: one current review per title per server, earlier texts kept as revisions."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import aiosqlite

from bot.errors import Conflict
from bot.storage.db import Database

_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_COLUMNS = (
    "id, guild_id, title_id, author_id, status, score, score_raw, text, analysis, "
    "channel_id, message_id, thread_id, created_at, updated_at"
)


@dataclass(frozen=True, slots=True)
class Review:
    """One stored review; `status` is 'current', 'replaced' or 'deleted'."""

    id: int
    guild_id: int
    title_id: int
    author_id: int
    status: str
    score: float | None
    score_raw: str | None
    text: str
    analysis: str  # JSON of what kansou understood (the post's content)
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    created_at: str
    updated_at: str

    @property
    def jump_url(self) -> str | None:
        """The post's link, when it was posted."""
        if self.channel_id is None or self.message_id is None:
            return None
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"


@dataclass(frozen=True, slots=True)
class NewReview:
    """What Publish stores: the review and where its post and thread are."""

    guild_id: int
    title_id: int
    author_id: int
    text: str
    score: float | None
    score_raw: str | None
    analysis: str
    channel_id: int
    message_id: int
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier text of a review (before an edit or a replacement)."""

    id: int
    review_id: int
    text: str
    score: float | None
    editor_id: int
    created_at: str


@dataclass(frozen=True, slots=True)
class Published:
    """A stored review and the one it replaced, if any."""

    review: Review
    replaced: Review | None


def _review(row: sqlite3.Row) -> Review:
    return Review(**dict(row))


async def _current(conn: aiosqlite.Connection, guild_id: int, title_id: int) -> Review | None:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM reviews WHERE guild_id = ? AND title_id = ? AND status = 'current'",
        (guild_id, title_id),
    ) as cursor:
        row = await cursor.fetchone()
    return _review(row) if row else None


async def _by_id(conn: aiosqlite.Connection, review_id: int) -> Review:
    async with conn.execute(f"SELECT {_COLUMNS} FROM reviews WHERE id = ?", (review_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise LookupError(f"review {review_id} vanished inside its own transaction")
    return _review(row)


class ReviewRepo:
    """Create, replace, edit, read and delete official reviews; every write is one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def publish(self, new: NewReview, *, replace: bool) -> Published:
        """Store a new current review; with replace, the old one becomes 'replaced' and its text a revision.

        Raises Conflict when the title already has a current review and replace is False.
        """
        async with self.db.transaction() as conn:
            old = await _current(conn, new.guild_id, new.title_id)
            if old is not None and not replace:
                raise Conflict("This title already has an official review in this server; replace it instead.")
            if old is not None:
                await conn.execute(
                    f"UPDATE reviews SET status = 'replaced', updated_at = {_NOW} WHERE id = ?", (old.id,)
                )
            cursor = await conn.execute(
                "INSERT INTO reviews (guild_id, title_id, author_id, score, score_raw, text, analysis, "
                "channel_id, message_id, thread_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.guild_id, new.title_id, new.author_id, new.score, new.score_raw, new.text,
                    new.analysis, new.channel_id, new.message_id, new.thread_id,
                ),
            )  # fmt: skip
            review_id = cursor.lastrowid
            assert review_id is not None
            if old is not None:
                # The replaced text stays reachable from the title's current review (/review history).
                await conn.execute(
                    "INSERT INTO review_revisions (review_id, text, score, editor_id, created_at) "
                    "SELECT ?, text, score, author_id, updated_at FROM reviews WHERE id = ?",
                    (review_id, old.id),
                )
            return Published(await _by_id(conn, review_id), old)

    async def discard(self, published: Published) -> None:
        """Undo a publish whose later steps failed: drop the new row, bring the replaced one back."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM review_revisions WHERE review_id = ?", (published.review.id,))
            await conn.execute("DELETE FROM reviews WHERE id = ?", (published.review.id,))
            if published.replaced is not None:
                await conn.execute(
                    "UPDATE reviews SET status = 'current', updated_at = ? WHERE id = ?",
                    (published.replaced.updated_at, published.replaced.id),
                )

    async def edit(
        self,
        review_id: int,
        *,
        text: str,
        score: float | None,
        score_raw: str | None,
        analysis: str,
        editor_id: int,
    ) -> Review:
        """Change a current review's text; the previous text and score are kept as a revision."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO review_revisions (review_id, text, score, editor_id) "
                "SELECT id, text, score, ? FROM reviews WHERE id = ? AND status = 'current'",
                (editor_id, review_id),
            )
            cursor = await conn.execute(
                f"UPDATE reviews SET text = ?, score = ?, score_raw = ?, analysis = ?, updated_at = {_NOW} "
                "WHERE id = ? AND status = 'current'",
                (text, score, score_raw, analysis, review_id),
            )
            if cursor.rowcount != 1:
                raise Conflict("That review was deleted or replaced meanwhile; nothing was changed.")
            return await _by_id(conn, review_id)

    async def restore(self, before: Review) -> None:
        """Undo an edit whose post update failed: the row as it was, without the revision it added."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM review_revisions WHERE id = (SELECT MAX(id) FROM review_revisions WHERE review_id = ?)",
                (before.id,),
            )
            await conn.execute(
                "UPDATE reviews SET text = ?, score = ?, score_raw = ?, analysis = ?, updated_at = ? WHERE id = ?",
                (before.text, before.score, before.score_raw, before.analysis, before.updated_at, before.id),
            )

    async def current(self, guild_id: int, title_id: int) -> Review | None:
        """The title's current review in this server."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM reviews WHERE guild_id = ? AND title_id = ? AND status = 'current'",
            (guild_id, title_id),
        )
        return _review(row) if row else None

    async def by_message(self, message_id: int) -> Review | None:
        """The review whose post is this message (any status: the caller decides what a stale post means)."""
        row = await self.db.fetchone(
            f"SELECT {_COLUMNS} FROM reviews WHERE message_id = ? ORDER BY id DESC LIMIT 1", (message_id,)
        )
        return _review(row) if row else None

    async def get(self, review_id: int) -> Review | None:
        row = await self.db.fetchone(f"SELECT {_COLUMNS} FROM reviews WHERE id = ?", (review_id,))
        return _review(row) if row else None

    async def list_current(self, guild_id: int, *, limit: int, offset: int = 0) -> list[Review]:
        """The server's current reviews, newest first."""
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM reviews WHERE guild_id = ? AND status = 'current' "
            "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [_review(row) for row in rows]

    async def count(self, guild_id: int) -> int:
        """How many current reviews the server has."""
        row = await self.db.fetchone(
            "SELECT count(*) FROM reviews WHERE guild_id = ? AND status = 'current'", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def history(self, review_id: int) -> list[Revision]:
        """Earlier texts of a review, newest first."""
        rows = await self.db.fetchall(
            "SELECT id, review_id, text, score, editor_id, created_at FROM review_revisions "
            "WHERE review_id = ? ORDER BY created_at DESC, id DESC",
            (review_id,),
        )
        return [Revision(**dict(row)) for row in rows]

    async def delete(self, review_id: int) -> bool:
        """Mark a current review deleted (member ratings are kept); False if it was not current."""
        changed = await self.db.execute(
            f"UPDATE reviews SET status = 'deleted', updated_at = {_NOW} WHERE id = ? AND status = 'current'",
            (review_id,),
        )
        return changed == 1

    async def title_ids(self, guild_id: int) -> set[int]:
        """Titles with a current review in this server."""
        rows = await self.db.fetchall(
            "SELECT title_id FROM reviews WHERE guild_id = ? AND status = 'current'", (guild_id,)
        )
        return {row[0] for row in rows}
