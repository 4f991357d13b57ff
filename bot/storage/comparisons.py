"""The comparison graph's edges (and, for now, the official-review reads comparisons need)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.comparisons.graph import ComparisonEdge, EdgeKind
from bot.storage.db import NOW, Database, Row, Tx

_EDGE_COLUMNS = "guild_id, review_id, title_id, other_title_id, kind, sentence, source, removed"


def _edge(row: Row) -> ComparisonEdge:
    return ComparisonEdge(
        guild_id=row["guild_id"],
        review_id=row["review_id"],
        title_id=row["title_id"],
        other_title_id=row["other_title_id"],
        sentence=row["sentence"],
        kind=row["kind"],
        source=row["source"],
        removed=bool(row["removed"]),
    )


async def write_review_edges(
    tx: Tx,
    guild_id: int,
    review_id: int,
    title_id: int,
    refs: Iterable[tuple[int, EdgeKind, str]],
) -> None:
    """Store what a (re)published review names as (other title id, kind, sentence), inside the caller's
    transaction (the reviews repository publishes a review and its edges as one).

    Parsed edges no longer named are dropped; moderator additions stay, and a link a
    moderator removed stays removed even if the new text still names the title.
    """
    wanted = {other: (kind, sentence) for other, kind, sentence in refs if other != title_id}
    await tx.execute(
        "DELETE FROM comparison_edges WHERE guild_id = ? AND review_id = ? AND source = 'review' AND removed = 0",
        (guild_id, review_id),
    )
    await tx.executemany(
        "INSERT INTO comparison_edges "
        "(guild_id, review_id, title_id, other_title_id, kind, sentence) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (guild_id, review_id, other_title_id) DO UPDATE SET "
        f"kind = excluded.kind, sentence = excluded.sentence, updated_at = {NOW[tx.dialect]} "
        "WHERE comparison_edges.source = 'review'",
        [(guild_id, review_id, title_id, other, kind, s) for other, (kind, s) in wanted.items()],
    )


async def delete_review_edges(tx: Tx, guild_id: int, review_id: int) -> int:
    """Forget every edge of a deleted review, inside the caller's transaction; returns how many went."""
    return await tx.execute("DELETE FROM comparison_edges WHERE guild_id = ? AND review_id = ?", (guild_id, review_id))


class ComparisonRepo:
    """Edges of the comparison graph per server; member scores are RatingRepo's."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the graph -------------------------------------------------------------------------------

    async def replace_review_edges(
        self,
        guild_id: int,
        review_id: int,
        title_id: int,
        refs: Iterable[tuple[int, EdgeKind, str]],
    ) -> None:
        """Store what a (re)published review names, in a transaction of its own (see write_review_edges)."""
        async with self.db.transaction() as tx:
            await write_review_edges(tx, guild_id, review_id, title_id, refs)

    async def add_comparison(
        self, guild_id: int, review_id: int, title_id: int, other_title_id: int, moderator_id: int
    ) -> bool:
        """A moderator's `/mod review compare`: link the review's title to another; False if already linked."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT kind, removed FROM comparison_edges "
                "WHERE guild_id = ? AND review_id = ? AND other_title_id = ?",
                (guild_id, review_id, other_title_id),
            )
            if row is not None and row["kind"] == "comparison" and not row["removed"]:
                return False
            if row is None:
                await tx.execute(
                    "INSERT INTO comparison_edges (guild_id, review_id, title_id, other_title_id, source, "
                    "moderator_id) VALUES (?, ?, ?, ?, 'moderator', ?)",
                    (guild_id, review_id, title_id, other_title_id, moderator_id),
                )
            else:
                # A link taken out earlier, or a studio credit a moderator says is a comparison: from
                # now on the moderator owns it, so a re-parse of the review leaves it alone.
                await tx.execute(
                    "UPDATE comparison_edges SET kind = 'comparison', removed = 0, source = 'moderator', "
                    "moderator_id = ?, "
                    f"updated_at = {NOW[tx.dialect]} WHERE guild_id = ? AND review_id = ? AND other_title_id = ?",
                    (moderator_id, guild_id, review_id, other_title_id),
                )
            return True

    async def remove_comparison(self, guild_id: int, review_id: int, other_title_id: int, moderator_id: int) -> bool:
        """A moderator's `/mod review uncompare`: False if the review had no such live comparison."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT 1 FROM comparison_edges WHERE guild_id = ? AND review_id = ? "
                "AND other_title_id = ? AND kind = 'comparison' AND removed = 0",
                (guild_id, review_id, other_title_id),
            )
            if row is None:
                return False
            # Marked, not deleted: a re-parse of the review must not bring the link back.
            await tx.execute(
                f"UPDATE comparison_edges SET removed = 1, moderator_id = ?, updated_at = {NOW[tx.dialect]} "
                "WHERE guild_id = ? AND review_id = ? AND other_title_id = ?",
                (moderator_id, guild_id, review_id, other_title_id),
            )
            return True

    async def delete_review(self, guild_id: int, review_id: int) -> int:
        """Forget every edge of a deleted review; returns how many went."""
        async with self.db.transaction() as tx:
            return await delete_review_edges(tx, guild_id, review_id)

    async def edges_of(self, guild_id: int, title_id: int) -> list[ComparisonEdge]:
        """Live edges touching the title in either direction (comparisons and credits), of any review: which
        reviews are current is the reviews repository's to say (ComparisonService keeps only theirs)."""
        rows = await self.db.fetchall(
            f"SELECT {_EDGE_COLUMNS} FROM comparison_edges "
            "WHERE guild_id = ? AND title_id = ? AND removed = 0 "
            f"UNION ALL SELECT {_EDGE_COLUMNS} FROM comparison_edges "
            "WHERE guild_id = ? AND other_title_id = ? AND removed = 0 "
            "ORDER BY review_id, other_title_id",
            (guild_id, title_id, guild_id, title_id),
        )
        return [_edge(row) for row in rows]

    async def edges_of_review(
        self, guild_id: int, review_id: int, *, with_removed: bool = False
    ) -> list[ComparisonEdge]:
        """Live edges of one review: its "Compared to:" links and studio credits (and, if asked, removed ones)."""
        live = "" if with_removed else "AND removed = 0 "
        rows = await self.db.fetchall(
            f"SELECT {_EDGE_COLUMNS} FROM comparison_edges WHERE guild_id = ? AND review_id = ? {live}ORDER BY id",
            (guild_id, review_id),
        )
        return [_edge(row) for row in rows]
