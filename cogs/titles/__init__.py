"""/title rename, merge and delete: moderators tidy up the titles their server created."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.titles.cog import Titles

if TYPE_CHECKING:
    from bot.client import KansouBot


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Titles(bot))
