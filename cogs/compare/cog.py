"""/compare and /similar (everyone), and the moderators' /mod review compare and /mod review uncompare."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.models import Title
from bot.checks import MODERATORS_ONLY, require_guild, require_moderator
from bot.comparisons.service import bold
from bot.events import REVIEW_LINKS_CHANGED
from bot.interactions.groups import MOD_REVIEW, attach, detach, subgroup
from bot.interactions.replies import note_done, reply
from bot.interactions.titles import TitleOption
from cogs.compare.render import compare_embed, similar_embed

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)


class Comparisons(commands.Cog, name="Comparisons"):
    """Related titles: side-by-side comparisons and recommendations from reviews, scores and tags."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.service = bot.comparisons
        self._review_commands = review_commands(self)

    async def cog_load(self) -> None:
        attach(subgroup(self.bot.mod_group, MOD_REVIEW), self._review_commands)

    async def cog_unload(self) -> None:
        detach(subgroup(self.bot.mod_group, MOD_REVIEW), self._review_commands)

    @app_commands.command(name="compare", description="Two titles side by side: scores, members, reviews, tags")
    @app_commands.describe(first="The first title", second="The title to compare it with")
    @app_commands.guild_only()
    async def compare(self, interaction: discord.Interaction, first: TitleOption, second: TitleOption) -> None:
        guild_id = require_guild(interaction)
        settings = await self.bot.server_settings.get(guild_id)
        result = await self.service.compare(guild_id, first.id, second.id, m=settings.min_votes)
        links = await self.service.review_links(guild_id, (edge.review_id for edge in result.comparisons))
        await reply(interaction, embed=compare_embed(result, links), ephemeral=False)

    @app_commands.command(name="similar", description="Up to ten titles related to one, with the reasons")
    @app_commands.describe(title="The title to find related titles for")
    @app_commands.guild_only()
    async def similar(self, interaction: discord.Interaction, title: TitleOption) -> None:
        guild_id = require_guild(interaction)
        # A title most of a big server scored takes a few hundred milliseconds uncached.
        await interaction.response.defer(thinking=True)
        result = await self.service.similar(guild_id, title.id, interaction.user.id)
        await reply(interaction, embed=similar_embed(result), ephemeral=False)

    async def edit_comparison(self, interaction: discord.Interaction, title: Title, other: Title, *, add: bool) -> None:
        """/mod review compare and /mod review uncompare: moderators only, on the server's current review of `title`."""
        guild_id = require_guild(interaction)
        require_moderator(interaction, await self.bot.server_settings.get(guild_id))
        if add:
            changed = await self.service.link(guild_id, title, other, interaction.user.id)
            message = (
                f"The official review of {bold(title)} now compares it with {bold(other)}."
                if changed
                else f"The official review of {bold(title)} already compares it with {bold(other)}."
            )
        else:
            await self.service.unlink(guild_id, title, other, interaction.user.id)
            changed = True
            message = f"The official review of {bold(title)} no longer compares it with {bold(other)}."
        if changed:
            note_done(interaction, "The review's links were changed")
            # The review post re-renders its "Compared to:" (the reviews feature listens), even if the reply fails.
            self.bot.dispatch(REVIEW_LINKS_CHANGED, guild_id, title.id)
        await reply(interaction, message)


def review_commands(cog: Comparisons) -> list[app_commands.Command]:
    """`/mod review compare` and `/mod review uncompare`, bound to this cog."""

    @app_commands.command(
        name="compare", description="Link a review to a title it compares with", extras=MODERATORS_ONLY
    )
    @app_commands.describe(title="The reviewed title", other="The title its review compares it with")
    async def compare(interaction: discord.Interaction, title: TitleOption, other: TitleOption) -> None:
        await cog.edit_comparison(interaction, title, other, add=True)

    @app_commands.command(
        name="uncompare",
        description="Unlink a title from a review's comparisons",
        extras=MODERATORS_ONLY,
    )
    @app_commands.describe(title="The reviewed title", other="The title to take out of its comparisons")
    async def uncompare(interaction: discord.Interaction, title: TitleOption, other: TitleOption) -> None:
        await cog.edit_comparison(interaction, title, other, add=False)

    return [compare, uncompare]
