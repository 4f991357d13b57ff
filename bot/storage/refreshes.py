"""Claims on review post edits, shared by every process: at most one edit per post per interval.

A process that wants to edit a post first marks it as changed and, if the post's interval has
passed, claims the edit, in one statement. A claim clears the mark: the edit that follows reads
the current state, so it shows every change marked before it. A process that could not claim
waits for the interval's end and tries again, unless another process claimed (and so showed its
change) meanwhile.
"""

from __future__ import annotations

from bot.reviews.coalesce import Claim
from bot.storage.db import Database

# Each statement's `next_at > :due` treats a time too far ahead (a clock set back) as passed.
_REQUEST = (
    "INSERT INTO post_refreshes (message_id, next_at, pending) VALUES (:post, :due, 0) "
    "ON CONFLICT (message_id) DO UPDATE SET "
    "pending = CASE WHEN post_refreshes.next_at <= :now OR post_refreshes.next_at > :due THEN 0 ELSE 1 END, "
    "next_at = CASE WHEN post_refreshes.next_at <= :now OR post_refreshes.next_at > :due "
    "THEN :due ELSE post_refreshes.next_at END "
    "RETURNING next_at, pending"
)
_RETRY = (
    "UPDATE post_refreshes SET pending = 0, next_at = :due "
    "WHERE message_id = :post AND pending = 1 AND (next_at <= :now OR next_at > :due) "
    "RETURNING next_at"
)


class RefreshClaims:
    """The post_refreshes table: `request` marks a change and claims the edit when due; `retry` after a wait."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def request(self, post: int, now: float, interval: float) -> Claim:
        row = await self.db.fetchone(_REQUEST, {"post": post, "now": now, "due": now + interval})
        if row is None:  # an upsert always returns its row
            raise RuntimeError("the post refresh upsert returned no row")
        return Claim(granted=not row[1], next_at=float(row[0]), pending=bool(row[1]))

    async def retry(self, post: int, now: float, interval: float) -> Claim:
        params = {"post": post, "now": now, "due": now + interval}
        claimed = await self.db.fetchone(_RETRY, params)
        if claimed is not None:
            return Claim(granted=True, next_at=float(claimed[0]), pending=False)
        row = await self.db.fetchone("SELECT next_at, pending FROM post_refreshes WHERE message_id = :post", params)
        if row is None:  # the row went (a deleted post): mark and claim afresh
            return await self.request(post, now, interval)
        return Claim(granted=False, next_at=float(row[0]), pending=bool(row[1]))

    async def forget(self, post: int) -> None:
        """The post was deleted: its row goes."""
        await self.db.execute("DELETE FROM post_refreshes WHERE message_id = ?", (post,))
