"""Official reviews: /review show, list and history; the moderators' /mod review post, edit and delete;
the preview and the rating panel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.reviews.cog import Reviews

if TYPE_CHECKING:
    from bot.client import KansouBot


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Reviews(bot))
