"""Per-server settings (one row per server in guild_settings)."""

from __future__ import annotations

from dataclasses import fields

from bot.settings.models import SETTINGS_CHANNEL, GuildSettings
from bot.storage.db import Database

_COLUMNS = tuple(f.name for f in fields(GuildSettings) if f.name != "guild_id")


class SettingsRepo:
    """Read and change one server's settings; an unknown server has the defaults. A change is announced to
    every process sharing the database in its own transaction (SETTINGS_CHANNEL)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, guild_id: int) -> GuildSettings:
        row = await self.db.fetchone(
            f"SELECT guild_id, {', '.join(_COLUMNS)} FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return GuildSettings(**dict(row)) if row else GuildSettings(guild_id=guild_id)

    async def update(self, guild_id: int, **changes: int | None) -> GuildSettings:
        unknown = set(changes) - set(_COLUMNS)
        if unknown:
            raise ValueError(f"unknown settings: {sorted(unknown)}")
        if changes:
            names = list(changes)
            assignments = ", ".join(f"{name} = excluded.{name}" for name in names)
            async with self.db.transaction() as tx:
                await tx.execute(
                    f"INSERT INTO guild_settings (guild_id, {', '.join(names)}) "
                    f"VALUES (?, {', '.join('?' for _ in names)}) "
                    f"ON CONFLICT(guild_id) DO UPDATE SET {assignments}",
                    (guild_id, *changes.values()),
                )
                # Sent with the change, never without it: every process drops its cached copy (SettingsService).
                await tx.notify(SETTINGS_CHANNEL, str(guild_id))
        return await self.get(guild_id)
