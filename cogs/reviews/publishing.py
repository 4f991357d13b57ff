"""Publish and edit: the Discord side (the post, its thread), with the storing done by the reviews service.

Discord work comes first; then the service stores everything in one transaction. If the service refuses,
this module undoes its own Discord work (takes the new post down, or puts the old post and thread back).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.catalog.links import display_name, shorten
from bot.errors import InvalidInput
from bot.interactions.replies import NO_MENTIONS
from bot.reviews.drafts import Draft
from bot.reviews.models import Linked, Review
from bot.reviews.publish import PostContent
from bot.reviews.service import Prepared
from bot.settings.models import GuildSettings
from cogs.reviews.render import post_embed
from cogs.reviews.thread import remove_post, rewrite_thread, write_thread
from cogs.reviews.views import RatingPanel

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)


async def _done(interaction: discord.Interaction, text: str) -> None:
    await interaction.edit_original_response(content=text, embed=None, view=None)


class Publisher:
    """Sends, updates and takes down review posts; asks the reviews service to store each change."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.service = bot.reviews

    async def render_post(self, review: Review) -> discord.Embed:
        """A stored review's post, as it is published now."""
        return await self._embed(review, await self.service.linked(review.guild_id, review.id))

    async def _embed(self, review: Review, linked: Linked) -> discord.Embed:
        return post_embed(
            self.service.title_of(review),
            PostContent.from_json(review.analysis),
            linked=linked,
            community=await self.service.community(review.guild_id, review.title_id),
        )

    async def publish(self, interaction: discord.Interaction, draft: Draft) -> None:
        await interaction.response.defer()
        if draft.editing:
            await self._edit(interaction, draft)
            return
        if await self.service.published_meanwhile(draft):
            await _done(
                interaction,
                "Someone published a review of this title meanwhile; run "
                "/mod review post again to replace it. Nothing was published.",
            )
            return
        settings = await self.bot.server_settings.get(draft.guild_id)
        channel = self._target_channel(interaction, settings)
        prepared = await self.service.prepare(draft)
        community = await self.service.community(draft.guild_id, draft.title.id)
        embed = post_embed(draft.title, prepared.content, linked=prepared.linked, community=community)
        try:
            message = await channel.send(embed=embed, view=RatingPanel(), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("could not post a review in %s: %s", getattr(channel, "id", "?"), exc)
            await self.service.abandon(draft, prepared)
            await _done(
                interaction,
                "I could not post the review in that channel (Discord refused: "
                f"{shorten(exc.text or str(exc.status), 100)}). Nothing was published; "
                "check my permissions there and try again.",
            )
            return
        try:
            thread = await write_thread(message, draft.title.name, draft.text)
        except discord.HTTPException as exc:
            await remove_post(self.bot, message.channel.id, message.id, None)
            log.warning("could not open the review thread: %s", exc)
            await self.service.abandon(draft, prepared)
            await _done(
                interaction,
                "I could not open the discussion thread on the post, so I took the post "
                "down again. Nothing was published; check my thread permissions.",
            )
            return
        await self._store(interaction, draft, prepared, message, thread)

    async def _store(
        self,
        interaction: discord.Interaction,
        draft: Draft,
        prepared: Prepared,
        message: discord.Message,
        thread: discord.Thread,
    ) -> None:
        try:
            published = await self.service.publish(
                draft, prepared, channel_id=message.channel.id, message_id=message.id, thread_id=thread.id
            )
        except Exception:
            log.exception("storing a published review failed; taking the post down")
            await remove_post(self.bot, message.channel.id, message.id, thread.id)
            await self.service.abandon(draft, prepared)
            await _done(
                interaction,
                "I could not save the review, so I took the post down again. "
                "Nothing was published; try again in a moment.",
            )
            return
        if published.replaced is not None:
            old = published.replaced
            await remove_post(self.bot, old.channel_id, old.message_id, old.thread_id)
        what = "Replaced the official review" if draft.replace else "Published the official review"
        await _done(interaction, f"{what} of **{display_name(draft.title)}**: {message.jump_url}")

    def _target_channel(self, interaction: discord.Interaction, settings: GuildSettings) -> discord.abc.Messageable:
        channel = self.bot.get_channel(settings.reviews_channel_id) if settings.reviews_channel_id else None
        if isinstance(channel, discord.TextChannel):
            return channel
        if interaction.channel is None or not isinstance(interaction.channel, discord.abc.Messageable):
            raise InvalidInput("I cannot post here; set a reviews channel with `/settings reviews-channel`.")
        return interaction.channel

    async def _edit(self, interaction: discord.Interaction, draft: Draft) -> None:
        before = await self.service.editable(draft)
        if before is None:
            await _done(interaction, "That review was deleted or replaced meanwhile; nothing was changed.")
            return
        prepared = await self.service.prepare(draft)
        after = await self.service.linked_after_edit(before, prepared)
        new_post = post_embed(
            draft.title,
            prepared.content,
            linked=after,
            community=await self.service.community(before.guild_id, before.title_id),
        )
        old_post = await self.render_post(before)
        try:
            await self._show(before, new_post, draft.text)
        except discord.HTTPException as exc:
            log.warning("could not update review post %s: %s", before.message_id, exc)
            await self._put_back(before, old_post)
            await self.service.abandon(draft, prepared)
            await _done(
                interaction, "I could not update the post, so the review was left as it was. Try again in a moment."
            )
            return
        try:
            await self.service.edit(draft, prepared, before, editor_id=interaction.user.id)
        except Exception:
            log.exception("storing an edited review failed; putting the post back")
            await self._put_back(before, old_post)
            await self.service.abandon(draft, prepared)
            await _done(
                interaction, "I could not save the edit, so the review was left as it was. Try again in a moment."
            )
            return
        await _done(
            interaction,
            f"Updated the official review of **{display_name(draft.title)}** "
            f"(the previous text is kept in /review history).",
        )

    async def _show(self, review: Review, embed: discord.Embed, text: str) -> None:
        """Put this embed on the review's post and this text in its thread."""
        channel = self.bot.get_partial_messageable(review.channel_id or 0)
        await channel.get_partial_message(review.message_id or 0).edit(embed=embed)
        thread = self.bot.get_channel(review.thread_id or 0) or await self.bot.fetch_channel(review.thread_id or 0)
        if isinstance(thread, discord.Thread) and self.bot.user is not None:
            await rewrite_thread(thread, text, self.bot.user.id)

    async def _put_back(self, before: Review, old_post: discord.Embed) -> None:
        """Undo a half-done update of the post and thread (best effort: they may be gone)."""
        try:
            await self._show(before, old_post, before.text)
        except discord.HTTPException as exc:
            log.warning("could not put review post %s back: %s", before.message_id, exc)

    async def delete(self, review: Review) -> bool:
        """Delete the stored review, then its post and thread; False if it was already gone."""
        if not await self.service.delete(review):
            return False
        await remove_post(self.bot, review.channel_id, review.message_id, review.thread_id)
        return True
