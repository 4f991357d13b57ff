"""/anime: the card of a title, with this server's scores and, when reachable, AniList's."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.anilist import AniListMedia
from bot.catalog.models import Title
from bot.interactions.replies import reply
from bot.interactions.titles import TitleOption
from bot.reviews.models import OfficialScore
from cogs.anime.render import CardFacts, card_embed

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)

# The card waits this long for AniList at most; then it shows what the catalog has.
ANILIST_TIMEOUT = 2.0
_ANILIST_ID = re.compile(r"anilist\.co/anime/(\d+)")


def anilist_id(title: Title) -> int | None:
    """The AniList id in the title's AniList page URL, if it has one."""
    match = _ANILIST_ID.search(title.anilist_url or "")
    return int(match.group(1)) if match else None


class Anime(commands.Cog, name="Anime"):
    """Title cards."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot

    @app_commands.command(name="anime", description="Show a title's card: names, facts, links and scores")
    @app_commands.describe(title="The anime (pick from the suggestions)")
    async def anime(self, interaction: discord.Interaction, title: TitleOption) -> None:
        media_id = anilist_id(title)
        enrich = self.bot.anilist.enabled and media_id is not None
        if enrich:  # AniList may take a moment: keep the interaction alive
            await interaction.response.defer(thinking=True)
        facts = CardFacts(
            official=await self._official(interaction.guild_id, title.id),
            community=await self.bot.ratings.aggregate(interaction.guild_id, title.id)
            if interaction.guild_id is not None
            else None,
            anilist=await self._anilist(media_id) if enrich and media_id is not None else None,
        )
        await reply(interaction, embed=card_embed(title, facts), ephemeral=False)

    async def _official(self, guild_id: int | None, title_id: int) -> OfficialScore | None:
        if guild_id is None:
            return None
        return await self.bot.reviews.official(guild_id, title_id)

    async def _anilist(self, media_id: int) -> AniListMedia | None:
        try:
            return await asyncio.wait_for(self.bot.anilist.media(media_id), ANILIST_TIMEOUT)
        except TimeoutError:
            log.info("AniList too slow for the card of %s; showing the catalog only", media_id)
            return None
