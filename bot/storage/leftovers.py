"""Discord posts and threads left behind by a failed publish or edit, to delete at the next start."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.db import Database


@dataclass(frozen=True, slots=True)
class Leftover:
    id: int
    channel_id: int
    message_id: int | None
    thread_id: int | None


class LeftoverRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, channel_id: int, message_id: int | None, thread_id: int | None) -> None:
        await self.db.execute(
            "INSERT INTO discord_leftovers (channel_id, message_id, thread_id) VALUES (?, ?, ?)",
            (channel_id, message_id, thread_id),
        )

    async def oldest(self, limit: int) -> list[Leftover]:
        rows = await self.db.fetchall(
            "SELECT id, channel_id, message_id, thread_id FROM discord_leftovers ORDER BY id LIMIT ?", (limit,)
        )
        return [Leftover(**dict(row)) for row in rows]

    async def forget(self, leftover_id: int) -> None:
        await self.db.execute("DELETE FROM discord_leftovers WHERE id = ?", (leftover_id,))
