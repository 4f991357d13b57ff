"""The rating cooldown's stamps, shared by every process: one row per member per server.

Taking the cooldown is one statement (an upsert that changes the row only when the last stamp has
expired), so two processes, or two quick clicks, cannot both pass it.
"""

from __future__ import annotations

from bot.settings.models import MAX_COOLDOWN
from bot.storage.db import Database

# Expired stamps are deleted after this many takes (each take writes one row; this bounds the table).
PRUNE_EVERY = 1_000

_TAKE = (
    "INSERT INTO rating_cooldowns (guild_id, user_id, rated_at, previous_at) VALUES (:guild, :user, :now, NULL) "
    "ON CONFLICT (guild_id, user_id) DO UPDATE SET rated_at = excluded.rated_at, "
    "previous_at = rating_cooldowns.rated_at "
    # Expired, or so far ahead of this clock that it cannot be a real stamp (a clock set back).
    "WHERE rating_cooldowns.rated_at <= :now - :cooldown OR rating_cooldowns.rated_at > :now + :cooldown "
    "RETURNING rated_at"
)


class CooldownRepo:
    """Take a member's cooldown (or learn how long it still runs), and give it back."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._takes = 0

    async def take(self, guild_id: int, user_id: int, now: float, cooldown: int) -> float | None:
        """Stamp `now` and return None if the member's last stamp is older than `cooldown` seconds;
        else leave it and return the seconds still to wait."""
        params = {"guild": guild_id, "user": user_id, "now": now, "cooldown": cooldown}
        if await self.db.fetchone(_TAKE, params) is not None:
            await self._prune_now_and_then(now)
            return None
        row = await self.db.fetchone(
            "SELECT rated_at FROM rating_cooldowns WHERE guild_id = :guild AND user_id = :user", params
        )
        if row is None:  # deleted between the two statements (forgotten): nothing blocks any more
            return await self.take(guild_id, user_id, now, cooldown)
        return min(float(cooldown), row[0] + cooldown - now)

    async def give_back(self, guild_id: int, user_id: int, now: float) -> None:
        """Undo the take stamped `now` (the score was not stored): the stamp before it holds again."""
        await self.db.execute(
            "UPDATE rating_cooldowns SET rated_at = previous_at, previous_at = NULL "
            "WHERE guild_id = ? AND user_id = ? AND rated_at = ? AND previous_at IS NOT NULL",
            (guild_id, user_id, now),
        )
        await self.db.execute(
            "DELETE FROM rating_cooldowns WHERE guild_id = ? AND user_id = ? AND rated_at = ? AND previous_at IS NULL",
            (guild_id, user_id, now),
        )

    async def forget(self, guild_id: int, user_id: int) -> None:
        """The member's stamp goes (their scores were deleted at their request)."""
        await self.db.execute("DELETE FROM rating_cooldowns WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))

    async def prune(self, now: float) -> int:
        """Delete the stamps older than the longest cooldown (they can block no one); how many went."""
        return await self.db.execute("DELETE FROM rating_cooldowns WHERE rated_at < ?", (now - MAX_COOLDOWN,))

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT count(*) FROM rating_cooldowns")
        return int(row[0]) if row else 0

    async def _prune_now_and_then(self, now: float) -> None:
        self._takes += 1
        if self._takes >= PRUNE_EVERY:
            self._takes = 0
            await self.prune(now)
