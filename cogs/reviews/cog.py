"""The Reviews cog: the /review commands, the preview's buttons, the rating panel, and keeping posts current."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.links import display_name
from bot.checks import MODERATORS_ONLY, member_role_ids, require_moderator
from bot.events import REVIEW_LINKS_CHANGED, SCORE_CHANGED, listener
from bot.interactions.binding import Binding, may_use
from bot.interactions.groups import MOD_REVIEW, attach, detach, for_members, for_moderators, subgroup
from bot.interactions.replies import note_done, reply
from bot.reviews.models import Review
from bot.scores.replies import rated_text
from cogs.reviews.commands import review_commands
from cogs.reviews.correcting import Correcting
from cogs.reviews.drafting import Drafting
from cogs.reviews.from_message import MENU_NAME, post_message
from cogs.reviews.publishing import Publisher
from cogs.reviews.views import FixField, KeepSuggestions, PreviewAction, RatingPanel

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)


class Reviews(commands.Cog, name="Reviews"):
    """Official reviews: preview, publish, thread, rating panel; the work itself is the reviews service's."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.service = bot.reviews
        self.publisher = Publisher(bot)
        self.drafting = Drafting(bot, self.publisher.publish)
        self.correcting = Correcting(self.drafting)
        self.coalescer = bot.post_refreshes  # one edit per post per interval, across every process
        self._commands = review_commands(self)
        self.sweeping: asyncio.Task[None] | None = None
        self._menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.post_message, extras=MODERATORS_ONLY)
        self._menu.default_permissions = discord.Permissions(manage_messages=True)
        self._menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.add_view(RatingPanel())
        self.bot.add_dynamic_items(PreviewAction, KeepSuggestions, FixField)
        attach(self.bot.review_group, for_members(self._commands))
        attach(subgroup(self.bot.mod_group, MOD_REVIEW), for_moderators(self._commands))
        # Posts a failed publish left behind are deleted in the background: the start does not wait.
        self.sweeping = asyncio.create_task(self.publisher.sweep_leftovers(), name="kansou-review-leftovers")
        self.bot.tree.add_command(self._menu)

    async def cog_unload(self) -> None:
        # Shutting down: the review posts get the latest community score before the bot goes.
        await self.coalescer.flush()
        if self.sweeping is not None:
            self.sweeping.cancel()
        self.bot.remove_dynamic_items(PreviewAction, KeepSuggestions, FixField)
        detach(self.bot.review_group, for_members(self._commands))
        detach(subgroup(self.bot.mod_group, MOD_REVIEW), for_moderators(self._commands))
        self.bot.tree.remove_command(self._menu.name, type=self._menu.type)

    # -- keeping posts current -------------------------------------------------------------------

    async def render_post(self, review: Review) -> discord.Embed:
        return await self.publisher.render_post(review)

    async def refresh_post(self, guild_id: int, title_id: int) -> None:
        """Re-render the current post of a title (after its comparisons or scores changed), coalesced."""
        review = await self.service.current(guild_id, title_id)
        if review is None or review.message_id is None or review.channel_id is None:
            return
        channel_id, message_id = review.channel_id, review.message_id

        async def refresh() -> None:
            latest = await self.service.current(guild_id, title_id)
            if latest is None or latest.message_id != message_id:
                return
            message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            await message.edit(embed=await self.render_post(latest))

        self.coalescer.request(message_id, refresh)

    @commands.Cog.listener(listener(SCORE_CHANGED))
    async def on_score_changed(self, guild_id: int, title_id: int) -> None:
        await self.refresh_post(guild_id, title_id)

    @commands.Cog.listener(listener(REVIEW_LINKS_CHANGED))
    async def on_review_links_changed(self, guild_id: int, title_id: int) -> None:
        await self.refresh_post(guild_id, title_id)

    # -- what the commands and buttons call ------------------------------------------------------

    async def post_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Apps → Post as official review."""
        await post_message(self.bot, self.drafting, interaction, message)

    async def on_preview_action(self, interaction: discord.Interaction, action: str, token: str) -> None:
        await self.drafting.on_preview_action(interaction, action, token)

    async def on_keep(self, interaction: discord.Interaction, token: str, values: Sequence[str]) -> None:
        await self.drafting.on_keep(interaction, token, values)

    async def on_fix(self, interaction: discord.Interaction, token: str, name: str) -> None:
        await self.correcting.on_fix(interaction, token, name)

    async def delete(self, interaction: discord.Interaction, review: Review) -> None:
        require_moderator(interaction, await self.bot.server_settings.get(review.guild_id))
        if not await self.publisher.delete(review):
            await interaction.response.edit_message(content="That review was already gone.", view=None)
            return
        note_done(interaction, "The official review was deleted")
        title = self.bot.catalog.get(review.title_id)
        name = display_name(title) if title else "that title"
        await interaction.response.edit_message(
            content=f"Deleted the official review of **{name}**. Members' scores are kept.", view=None
        )

    async def on_rate(self, interaction: discord.Interaction, score: int) -> None:
        """The rating panel under a post: the same rating service and reply as /rate."""
        message_id = interaction.message.id if interaction.message else 0
        review = await self.service.by_message(message_id)
        title = self.bot.catalog.get(review.title_id) if review else None
        if review is None or review.status != "current" or title is None:
            await reply(interaction, "This review is no longer current; score the title with `/rate`.")
            return
        if not await may_use(interaction, Binding(review.guild_id, None)):  # a post of this server, scored here
            return
        result = await self.bot.ratings.rate(
            review.guild_id, title.id, interaction.user.id, score, member_role_ids(interaction)
        )
        self.bot.catalog.note_guild_title(review.guild_id, title.id)
        note_done(interaction, f"Your score of **{score}/10** for **{display_name(title)}** was saved")
        await reply(interaction, rated_text(title, score, result))
