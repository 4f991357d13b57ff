"""/about and /help."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.meta.cog import Meta

if TYPE_CHECKING:
    from bot.client import KansouBot


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Meta(bot))
