"""Official reviews: one current review per title per server, earlier texts kept as revisions."""

from __future__ import annotations

from collections.abc import Iterable

from bot.comparisons.graph import EdgeKind
from bot.errors import Conflict
from bot.reviews.models import NewReview, Published, Review, ReviewListEntry, ReviewListPage, Revision
from bot.storage.comparisons import delete_review_edges, write_review_edges
from bot.storage.db import NOW, Database, Row, Tx

_COLUMNS = (
    "id, guild_id, title_id, author_id, status, score, score_raw, text, analysis, "
    "channel_id, message_id, thread_id, created_at, updated_at, corrections"
)


def _review(row: Row) -> Review:
    return Review(**dict(row))


async def _current(tx: Tx, guild_id: int, title_id: int) -> Review | None:
    row = await tx.fetchone(
        f"SELECT {_COLUMNS} FROM reviews WHERE guild_id = ? AND title_id = ? AND status = 'current'",
        (guild_id, title_id),
    )
    return _review(row) if row else None


async def _by_id(tx: Tx, review_id: int) -> Review:
    row = await tx.fetchone(f"SELECT {_COLUMNS} FROM reviews WHERE id = ?", (review_id,))
    if row is None:
        raise LookupError(f"review {review_id} vanished inside its own transaction")
    return _review(row)


class ReviewRepo:
    """Create, replace, edit, read and delete official reviews; every write is one transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def publish(
        self, new: NewReview, *, replace: bool, edges: Iterable[tuple[int, EdgeKind, str]] = ()
    ) -> Published:
        """Store a new current review and its comparison edges in one transaction; with replace, the old
        review becomes 'replaced' and its text a revision. Nothing is stored if any step fails.

        Raises Conflict when the title already has a current review and replace is False.
        """
        async with self.db.transaction() as tx:
            await tx.serialize("reviews", new.guild_id)  # two publishes of one title: the second sees the first
            old = await _current(tx, new.guild_id, new.title_id)
            if old is not None and not replace:
                raise Conflict("This title already has an official review in this server; replace it instead.")
            if old is not None:
                await tx.execute(
                    f"UPDATE reviews SET status = 'replaced', updated_at = {NOW[tx.dialect]} WHERE id = ?", (old.id,)
                )
            inserted = await tx.fetchone(
                "INSERT INTO reviews (guild_id, title_id, author_id, score, score_raw, text, analysis, "
                "channel_id, message_id, thread_id, corrections) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (
                    new.guild_id, new.title_id, new.author_id, new.score, new.score_raw, new.text,
                    new.analysis, new.channel_id, new.message_id, new.thread_id, new.corrections,
                ),
            )  # fmt: skip
            assert inserted is not None
            review_id = int(inserted[0])
            if old is not None:
                # The replaced text stays reachable from the title's current review (/review history).
                await tx.execute(
                    "INSERT INTO review_revisions (review_id, text, score, editor_id, created_at, corrections) "
                    "SELECT ?, text, score, author_id, updated_at, corrections FROM reviews WHERE id = ?",
                    (review_id, old.id),
                )
            await write_review_edges(tx, new.guild_id, review_id, new.title_id, edges)
            return Published(await _by_id(tx, review_id), old)

    async def edit(
        self,
        review_id: int,
        *,
        text: str,
        score: float | None,
        score_raw: str | None,
        analysis: str,
        editor_id: int,
        edges: Iterable[tuple[int, EdgeKind, str]] | None = None,
        corrections: str = "{}",
    ) -> Review:
        """Change a current review's text (and, given, its parsed comparison edges) in one transaction;
        the previous text and score are kept as a revision. Conflict if it is no longer current."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO review_revisions (review_id, text, score, editor_id, corrections) "
                "SELECT id, text, score, ?, corrections FROM reviews WHERE id = ? AND status = 'current'",
                (editor_id, review_id),
            )
            changed = await tx.execute(
                "UPDATE reviews SET text = ?, score = ?, score_raw = ?, analysis = ?, corrections = ?, "
                f"updated_at = {NOW[tx.dialect]} WHERE id = ? AND status = 'current'",
                (text, score, score_raw, analysis, corrections, review_id),
            )
            if changed != 1:
                raise Conflict("That review was deleted or replaced meanwhile; nothing was changed.")
            review = await _by_id(tx, review_id)
            if edges is not None:
                await write_review_edges(tx, review.guild_id, review.id, review.title_id, edges)
            return review

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

    async def list_page(self, guild_id: int, *, limit: int, offset: int) -> ReviewListPage:
        """One page of the server's current reviews, newest first, each with its title's votes, and how many
        current reviews there are in all: one query."""
        fields = [column.strip() for column in _COLUMNS.split(",")]
        columns = ", ".join(f"r.{field}" for field in fields)
        rows = await self.db.fetchall(
            f"SELECT {columns}, COALESCE(a.count, 0) AS votes, COALESCE(a.total, 0) AS votes_total, "
            "COUNT(*) OVER () AS listed FROM reviews AS r LEFT JOIN rating_aggregates AS a "
            "ON a.guild_id = r.guild_id AND a.title_id = r.title_id "
            "WHERE r.guild_id = ? AND r.status = 'current' "
            "ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        entries = [
            ReviewListEntry(
                Review(**{field: row[field] for field in fields}),
                votes=row["votes"],
                votes_total=row["votes_total"],
            )
            for row in rows
        ]
        return ReviewListPage(entries, int(rows[0]["listed"]) if rows else 0)

    async def count(self, guild_id: int) -> int:
        """How many current reviews the server has."""
        row = await self.db.fetchone(
            "SELECT count(*) FROM reviews WHERE guild_id = ? AND status = 'current'", (guild_id,)
        )
        return int(row[0]) if row else 0

    async def history(self, review_id: int) -> list[Revision]:
        """Earlier texts of a review, newest first."""
        rows = await self.db.fetchall(
            "SELECT id, review_id, text, score, editor_id, created_at, corrections FROM review_revisions "
            "WHERE review_id = ? ORDER BY created_at DESC, id DESC",
            (review_id,),
        )
        return [Revision(**dict(row)) for row in rows]

    async def delete(self, review_id: int) -> bool:
        """Mark a current review deleted and forget its comparison edges, in one transaction (member ratings
        are kept); False if it was not current."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"UPDATE reviews SET status = 'deleted', updated_at = {NOW[tx.dialect]} "
                "WHERE id = ? AND status = 'current' RETURNING guild_id",
                (review_id,),
            )
            if row is None:
                return False
            await delete_review_edges(tx, row[0], review_id)
            return True

    async def current_ids(self, guild_id: int, review_ids: Iterable[int]) -> set[int]:
        """Which of these reviews of this server are current (not replaced or deleted)."""
        wanted = sorted(set(review_ids))
        if not wanted:
            return set()
        marks = ", ".join("?" * len(wanted))
        rows = await self.db.fetchall(
            f"SELECT id FROM reviews WHERE guild_id = ? AND status = 'current' AND id IN ({marks})",
            (guild_id, *wanted),
        )
        return {row[0] for row in rows}

    async def posts(self, guild_id: int, review_ids: Iterable[int]) -> dict[int, Review]:
        """Those reviews of this server by id (to link a quoted sentence to its post)."""
        wanted = sorted(set(review_ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = await self.db.fetchall(
            f"SELECT {_COLUMNS} FROM reviews WHERE guild_id = ? AND id IN ({marks})", (guild_id, *wanted)
        )
        return {row["id"]: _review(row) for row in rows}

    async def title_ids(self, guild_id: int) -> set[int]:
        """Titles with a current review in this server."""
        rows = await self.db.fetchall(
            "SELECT title_id FROM reviews WHERE guild_id = ? AND status = 'current'", (guild_id,)
        )
        return {row[0] for row in rows}
