"""/settings: per-server configuration (admins: Manage Server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.settings.cog import Settings

if TYPE_CHECKING:
    from bot.client import KansouBot


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Settings(bot))
