"""Community scores: /rate, /unrate, /score, /top, /ratings and /privacy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.scores.cog import Scores

if TYPE_CHECKING:
    from bot.client import KansouBot


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Scores(bot))
