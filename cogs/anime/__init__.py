"""/anime: the card of a title, with this server's scores and, when reachable, AniList's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.anime.cog import Anime

if TYPE_CHECKING:
    from bot.client import KansouBot


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Anime(bot))
