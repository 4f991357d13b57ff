"""/settings: per-server configuration (admins: Manage Server)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ADMINS_ONLY, require_admin, require_guild
from bot.interactions.replies import note_done, reply
from cogs.settings.render import min_votes_text, reviewer_role_text, settings_embed

if TYPE_CHECKING:
    from bot.client import KansouBot


class Settings(commands.Cog, name="Settings"):
    """Server configuration."""

    group = app_commands.Group(
        name="settings",
        description="Configure kansou for this server (Manage Server)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
        extras=ADMINS_ONLY,
    )

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.service = bot.server_settings

    async def _update(self, interaction: discord.Interaction, message: str, **changes: int | None) -> None:
        require_admin(interaction)
        guild_id = require_guild(interaction)
        settings = await self.service.update(guild_id, **changes)  # features caching settings are told
        note_done(interaction, "The setting was saved")
        await reply(interaction, message, embed=settings_embed(settings))

    @group.command(name="show", description="Show this server's kansou settings")
    async def show(self, interaction: discord.Interaction) -> None:
        require_admin(interaction)
        settings = await self.service.get(require_guild(interaction))
        await reply(interaction, embed=settings_embed(settings))

    @group.command(name="reviews-channel", description="Where official review summaries are posted")
    @app_commands.describe(channel="The channel for review posts; leave empty to post where the command is used")
    async def reviews_channel(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        if channel is None:
            await self._update(
                interaction, "Reviews will be posted where `/mod review post` is used.", reviews_channel_id=None
            )
            return
        await self._update(interaction, f"Reviews will be posted in {channel.mention}.", reviews_channel_id=channel.id)

    @group.command(name="reviewer-role", description="Members with this role may post official reviews")
    @app_commands.describe(role="The reviewer role; leave empty to allow only members with Manage Messages")
    async def reviewer_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        if role is None:
            await self._update(interaction, "Reviewer role cleared.", reviewer_role_id=None)
            return
        await self._update(interaction, reviewer_role_text(role.mention), reviewer_role_id=role.id)

    @group.command(name="min-votes", description="Votes a title needs for /top, and the weight m of the server mean")
    @app_commands.describe(votes="Minimum votes (1–1000); also m in the weighted rating")
    async def min_votes(self, interaction: discord.Interaction, votes: app_commands.Range[int, 1, 1000]) -> None:
        await self._update(interaction, min_votes_text(votes), min_votes=votes)

    @group.command(name="rating-role", description="Only members with this role may score titles")
    @app_commands.describe(role="The role members need to score; leave empty to let every member score")
    async def rating_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        if role is None:
            await self._update(interaction, "Every member may score titles.", rating_role_id=None)
            return
        await self._update(interaction, f"Only members with {role.mention} may score titles.", rating_role_id=role.id)

    @group.command(name="rating-cooldown", description="Seconds a member waits between two scores")
    @app_commands.describe(seconds="0 for none, at most 86400 (a day)")
    async def rating_cooldown(
        self, interaction: discord.Interaction, seconds: app_commands.Range[int, 0, 86400]
    ) -> None:
        text = f"Members wait {seconds} s between two scores." if seconds else "No wait between scores."
        await self._update(interaction, text, rating_cooldown=seconds)
