"""Answers from AniList kept in SQLite, so a title is not asked for twice within the cache's lifetime."""

from __future__ import annotations

from bot.storage.db import Database


class AniListCache:
    """Key -> (JSON text, fetched_at Unix time). The client decides what is too old."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> tuple[str, float] | None:
        """The stored answer and when it was fetched, or None."""
        row = await self.db.fetchone("SELECT body, fetched_at FROM anilist_cache WHERE key = ?", (key,))
        return (row[0], float(row[1])) if row else None

    async def put(self, key: str, body: str, fetched_at: float) -> None:
        """Store (or replace) the answer for key."""
        await self.db.execute(
            "INSERT INTO anilist_cache (key, body, fetched_at) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
            (key, body, fetched_at),
        )

    async def purge(self, older_than: float) -> int:
        """Forget answers fetched before `older_than`; returns how many."""
        return await self.db.execute("DELETE FROM anilist_cache WHERE fetched_at < ?", (older_than,))
