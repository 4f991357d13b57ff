"""Taking a failed publish's Discord work down again: now, or (what may still be there) at the next start."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import aiohttp
import discord

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)

# What a Discord request can fail with: a refusal, or a connection that dropped or timed out.
DISCORD_FAILURES: tuple[type[BaseException], ...] = (
    discord.HTTPException,
    aiohttp.ClientError,
    OSError,
    asyncio.TimeoutError,
)
SWEEP_LIMIT = 50  # leftovers deleted per start (the oldest first)
SWEEP_SECONDS = 30.0
LOOKUP_DEPTH = 20  # recent channel messages searched for a post whose creation reply was lost


async def _gone(action: Callable[[], Awaitable[object]], what: str) -> bool | None:
    """Delete something on Discord: True when it is gone, None when Discord will never let us (forbidden),
    False when it may still be there (a server error or a dropped connection)."""
    try:
        await action()
    except discord.NotFound:
        return True
    except discord.Forbidden as exc:
        log.warning("not allowed to delete %s: %s", what, exc)
        return None
    except DISCORD_FAILURES as exc:
        log.warning("could not delete %s: %s", what, exc)
        return False
    return True


class Cleanup:
    """Deletes posts and threads; records in storage what could not be deleted, sweeps it at start."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.service = bot.reviews

    async def take_down(self, channel_id: int | None, message_id: int | None, thread_id: int | None) -> bool:
        """Delete a post and its thread now; what may still be there is recorded for the next start."""
        thread_gone, post_gone = await self.delete_now(channel_id, message_id, thread_id)
        if (thread_gone and post_gone) or channel_id is None:
            return True
        try:
            await self.service.record_leftover(
                channel_id, None if post_gone else message_id, None if thread_gone else thread_id
            )
        except Exception:
            log.exception("could not record post %s / thread %s for deletion", message_id, thread_id)
        return False

    async def delete_now(
        self, channel_id: int | None, message_id: int | None, thread_id: int | None
    ) -> tuple[bool, bool]:
        """Whether the thread and the post are gone (or never to be deleted: Discord forbids it)."""
        http = self.bot.http
        thread_gone = post_gone = True
        if thread_id is not None:
            thread_gone = await _gone(lambda: http.delete_channel(thread_id), f"thread {thread_id}") is not False
        if channel_id is not None and message_id is not None:
            post = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            post_gone = await _gone(post.delete, f"post {message_id}") is not False
        return thread_gone, post_gone

    async def sweep(self) -> None:
        """At start: delete the posts and threads earlier failures left behind (bounded, best effort)."""
        try:
            async with asyncio.timeout(SWEEP_SECONDS):
                leftovers = await self.service.leftovers_to_sweep(SWEEP_LIMIT)
                swept = 0
                for left in leftovers:
                    if all(await self.delete_now(left.channel_id, left.message_id, left.thread_id)):
                        await self.service.forget_leftover(left)
                        swept += 1
        except Exception:
            log.exception("sweeping leftover review posts failed; trying again at the next start")
            return
        if leftovers:
            log.info("leftover review posts: %d of %d deleted", swept, len(leftovers))
