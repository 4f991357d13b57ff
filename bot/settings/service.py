"""Per-server settings, read and changed through one service the bot builds once."""

from __future__ import annotations

from collections.abc import Callable

from bot.settings.models import SETTINGS_CHANNEL, GuildSettings
from bot.storage.db import MISSED, Bus
from bot.storage.settings import SettingsRepo

# Called with the server whose settings changed; None: any server's may have (changes were missed).
OnChange = Callable[[int | None], None]


class SettingsService:
    """One server's settings; every change is announced to the features that cache them, in every process."""

    def __init__(self, store: SettingsRepo, *, bus: Bus | None = None) -> None:
        self.store = store
        self._bus = bus
        self._on_change: list[OnChange] = []

    async def share_changes(self) -> None:
        """Hear the changes other processes make, so that this one's cached copies are dropped too."""
        if self._bus is not None:
            await self._bus.listen(SETTINGS_CHANNEL, self._changed_elsewhere)

    def on_change(self, callback: OnChange) -> None:
        """Call `callback(guild_id)` after each change (e.g. to drop a cached copy); `callback(None)` when
        announcements from other processes may have been missed (drop them all)."""
        self._on_change.append(callback)

    async def get(self, guild_id: int) -> GuildSettings:
        return await self.store.get(guild_id)

    async def update(self, guild_id: int, **changes: int | None) -> GuildSettings:
        """Change some settings of a server and return them all (the store announces the change to the other
        processes in the same transaction)."""
        settings = await self.store.update(guild_id, **changes)
        self._changed(guild_id)  # here at once; the other processes when the announcement reaches them
        return settings

    def _changed(self, guild_id: int | None) -> None:
        for callback in self._on_change:
            callback(guild_id)

    def _changed_elsewhere(self, payload: str) -> None:
        if payload.isdigit():
            self._changed(int(payload))
        elif payload == MISSED:
            self._changed(None)
