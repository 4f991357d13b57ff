"""Per-server settings, read and changed through one service the bot builds once."""

from __future__ import annotations

from collections.abc import Callable

from bot.settings.models import GuildSettings
from bot.storage.settings import SettingsRepo

OnChange = Callable[[int], None]


class SettingsService:
    """One server's settings; every change is announced to the features that cache them."""

    def __init__(self, store: SettingsRepo) -> None:
        self.store = store
        self._on_change: list[OnChange] = []

    def on_change(self, callback: OnChange) -> None:
        """Call `callback(guild_id)` after each change (e.g. to drop a cached copy)."""
        self._on_change.append(callback)

    async def get(self, guild_id: int) -> GuildSettings:
        return await self.store.get(guild_id)

    async def update(self, guild_id: int, **changes: int | None) -> GuildSettings:
        """Change some settings of a server and return them all."""
        settings = await self.store.update(guild_id, **changes)
        for callback in self._on_change:
            callback(guild_id)
        return settings
