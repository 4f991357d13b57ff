"""Publish and edit: the Discord side (the post, its thread), with the storing done by the reviews service.

Discord work comes first; then the service stores everything in one transaction. If the service refuses,
this module undoes its own Discord work (takes the new post down, or puts the old post and thread back).
A dropped connection counts as a failure like Discord's refusal; what cannot be taken down at once is
recorded and deleted at the next start (sweep_leftovers). The moderator is told what actually happened.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
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
from cogs.reviews.cleanup import DISCORD_FAILURES, LOOKUP_DEPTH, Cleanup
from cogs.reviews.render import post_embed
from cogs.reviews.thread import rewrite_thread, write_thread
from cogs.reviews.views import RatingPanel

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)


def _why(exc: BaseException) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"Discord refused: {shorten(exc.text or str(exc.status), 100)}"
    return "the connection to Discord dropped"


def _refused(exc: BaseException) -> bool:
    """Discord answered no (so nothing was created), as opposed to a lost or failed answer."""
    return isinstance(exc, discord.HTTPException) and exc.status < 500


async def _done(interaction: discord.Interaction, text: str) -> None:
    """Tell the moderator the outcome; a reply Discord does not take is logged, never turned into an error
    (the error handler's "Something went wrong" would be untrue once the review is published)."""
    try:
        await interaction.edit_original_response(content=text, embed=None, view=None)
    except DISCORD_FAILURES as exc:
        log.warning("could not tell the moderator %r: %s", text[:80], exc)
        try:
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        except DISCORD_FAILURES:
            log.warning("the follow-up failed too")


class Publisher:
    """Sends, updates and takes down review posts; asks the reviews service to store each change."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.service = bot.reviews
        self.cleanup = Cleanup(bot)

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
        # discord.py sends a nonce with enforce_nonce=True: Discord creates one message per nonce.
        nonce, started = secrets.randbits(63), discord.utils.utcnow()
        try:
            message = await channel.send(embed=embed, view=RatingPanel(), allowed_mentions=NO_MENTIONS, nonce=nonce)
        except DISCORD_FAILURES as exc:
            log.warning("could not post a review in %s: %s", getattr(channel, "id", "?"), exc)
            await self.service.abandon(draft, prepared)
            if _refused(exc):
                await _done(
                    interaction,
                    f"I could not post the review in that channel ({_why(exc)}). Nothing was published; "
                    "check my permissions there and try again.",
                )
                return
            lost = await self._remove_lost_post(channel, nonce, embed, started)
            await _done(interaction, f"Nothing was published: {_why(exc)} while I posted the review. {lost}")
            return
        try:
            thread = await write_thread(message, draft.title.name, draft.text)
        except DISCORD_FAILURES as exc:
            log.warning("could not open the review thread: %s", exc)
            # A thread opened on a message has the message's id: whatever was created goes.
            cleaned = await self.cleanup.take_down(message.channel.id, message.id, message.id)
            await self.service.abandon(draft, prepared)
            await _done(
                interaction,
                f"I could not open the discussion thread on the post ({_why(exc)}), so I "
                f"{'took the post down again' if cleaned else 'will take the post down at my next start'}. "
                "Nothing was published; check my thread permissions and try again.",
            )
            return
        await self._store(interaction, draft, prepared, message, thread)

    async def _remove_lost_post(
        self, channel: discord.abc.Messageable, nonce: int, embed: discord.Embed, started: datetime
    ) -> str:
        """The reply to a post's creation was lost: find the post (by nonce, or as our own post of this
        review sent since `started`) in the channel's recent messages and take it down."""
        me = self.bot.user.id if self.bot.user else 0
        since = started - timedelta(seconds=5)
        try:
            async for message in channel.history(limit=LOOKUP_DEPTH):
                ours = message.author.id == me and message.created_at >= since
                same = str(message.nonce) == str(nonce) or any(e.title == embed.title for e in message.embeds[:1])
                if ours and same:
                    cleaned = await self.cleanup.take_down(message.channel.id, message.id, message.id)
                    return "The post had been created; " + (
                        "I took it down again." if cleaned else "I will take it down at my next start."
                    )
        except DISCORD_FAILURES as exc:
            log.warning("could not look for a post whose creation reply was lost: %s", exc)
            return "I could not check whether the post appeared; if it did, it is not a stored review: delete it."
        return "No post was created; try again in a moment."

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
            cleaned = await self.cleanup.take_down(message.channel.id, message.id, thread.id)
            await self.service.abandon(draft, prepared)
            await _done(
                interaction,
                "I could not save the review, so I "
                f"{'took the post down again' if cleaned else 'will take the post down at my next start'}. "
                "Nothing was published; try again in a moment.",
            )
            return
        if published.replaced is not None:
            old = published.replaced
            await self.cleanup.take_down(old.channel_id, old.message_id, old.thread_id)
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
        except DISCORD_FAILURES as exc:
            log.warning("could not update review post %s: %s", before.message_id, exc)
            await self._undo_edit(
                interaction, draft, prepared, before, old_post, why=f"I could not update the post ({_why(exc)})"
            )
            return
        try:
            await self.service.edit(draft, prepared, before, editor_id=interaction.user.id)
        except Exception:
            log.exception("storing an edited review failed; putting the post back")
            await self._undo_edit(interaction, draft, prepared, before, old_post, why="I could not save the edit")
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

    async def _undo_edit(
        self,
        interaction: discord.Interaction,
        draft: Draft,
        prepared: Prepared,
        before: Review,
        old_post: discord.Embed,
        *,
        why: str,
    ) -> None:
        """A failed edit: the post and thread get the stored text back (best effort), the moderator is told."""
        await self.service.abandon(draft, prepared)
        try:
            await self._show(before, old_post, before.text)
        except DISCORD_FAILURES as exc:
            log.warning("could not put review post %s back: %s", before.message_id, exc)
            await _done(
                interaction,
                f"Not changed: {why}. The stored review is unchanged, but putting its post back failed "
                f"({_why(exc)}), so the post may show part of the new text; run the edit again.",
            )
            return
        await _done(interaction, f"Not changed: {why}, so the review was left as it was. Try again in a moment.")

    async def sweep_leftovers(self) -> None:
        await self.cleanup.sweep()

    async def delete(self, review: Review) -> bool:
        """Delete the stored review, then its post and thread; False if it was already gone."""
        if not await self.service.delete(review):
            return False
        await self.cleanup.take_down(review.channel_id, review.message_id, review.thread_id)
        return True
