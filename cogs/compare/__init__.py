"""/compare and /similar (everyone), and the moderators' /mod review compare and /mod review uncompare."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.compare.cog import Comparisons

if TYPE_CHECKING:
    from bot.client import KansouBot


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Comparisons(bot))
