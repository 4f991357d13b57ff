"""Writing a review to Discord: the post, its discussion thread with the full text, and tidying up."""

from __future__ import annotations

import contextlib
import io
import logging

import discord

from bot.interactions.replies import NO_MENTIONS
from bot.reviews.publish import needs_attachment, thread_messages, thread_name
from bot.text import sanitize

log = logging.getLogger(__name__)

ATTACHMENT_NOTE = "The full review is long, so it is attached as a file. Discuss it here!"


def _attachment(text: str) -> discord.File:
    return discord.File(io.BytesIO(sanitize(text).encode("utf-8")), filename="review.md")


def thread_parts(text: str) -> list[tuple[str, discord.File | None]]:
    """The thread's messages: the text in message-sized parts, or a note with the text as a file."""
    if needs_attachment(text):
        return [(ATTACHMENT_NOTE, _attachment(text))]
    return [(part, None) for part in thread_messages(text)]


async def write_thread(message: discord.Message, title_name: str, text: str) -> discord.Thread:
    """Open the public discussion thread on the post and put the full review in it."""
    thread = await message.create_thread(name=thread_name(title_name))
    try:
        for content, file in thread_parts(text):
            if file is None:
                await thread.send(content, allowed_mentions=NO_MENTIONS)
            else:
                await thread.send(content, file=file, allowed_mentions=NO_MENTIONS)
    except Exception:  # refused or a dropped connection: no thread without its text
        await delete_quietly(thread)
        raise
    return thread


async def rewrite_thread(thread: discord.Thread, text: str, bot_user_id: int) -> None:
    """Replace the review text in the thread in place: kansou's own messages edited, added or removed."""
    own = [m async for m in thread.history(limit=200, oldest_first=True) if m.author.id == bot_user_id]
    parts = thread_parts(text)
    for index, (content, file) in enumerate(parts):
        if index < len(own):
            attachments = [file] if file is not None else []
            await own[index].edit(content=content, attachments=attachments, allowed_mentions=NO_MENTIONS)
        elif file is None:
            await thread.send(content, allowed_mentions=NO_MENTIONS)
        else:
            await thread.send(content, file=file, allowed_mentions=NO_MENTIONS)
    for surplus in own[len(parts) :]:
        await delete_quietly(surplus)


async def delete_quietly(target: discord.Message | discord.PartialMessage | discord.Thread | None) -> None:
    """Delete a message or thread, ignoring one that is already gone (cleanup must not fail the reply)."""
    if target is None:
        return
    with contextlib.suppress(discord.HTTPException):
        await target.delete()
