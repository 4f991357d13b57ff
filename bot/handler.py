"""The one place that turns errors into replies, and the helper that replies whatever the interaction's state."""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

import discord
from discord import app_commands

from bot.errors import OnCooldown, PermissionDenied, UserFacingError

log = logging.getLogger("kansou.commands")

NO_MENTIONS = discord.AllowedMentions.none()
STARTED_AT = "kansou_started"


async def reply(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """Answer the interaction, or follow up if it was already answered or deferred. Ephemeral by default."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        await interaction.followup.send(content, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)


def describe(interaction: discord.Interaction) -> str:
    """Who, what and where, for the log line."""
    command = interaction.command.qualified_name if interaction.command else None
    if command is None and interaction.data:
        command = f"component:{interaction.data.get('custom_id', '?')}"
    where = f"guild={interaction.guild_id} channel={interaction.channel_id}"
    return f"/{command} user={interaction.user.id} {where}"


def mark_start(interaction: discord.Interaction) -> None:
    interaction.extras.setdefault(STARTED_AT, time.perf_counter())


def elapsed_ms(interaction: discord.Interaction) -> float:
    started = interaction.extras.get(STARTED_AT)
    return (time.perf_counter() - started) * 1000 if started is not None else 0.0


def friendly_text(error: BaseException) -> str | None:
    """The message for an error a user may see, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        cause = error.__cause__ or getattr(error, "original", None)
        if isinstance(cause, UserFacingError):
            return str(cause)
        if isinstance(error, app_commands.TransformerError):
            return f"I could not understand `{discord.utils.escape_markdown(str(error.value))[:80]}`."
        return None
    if isinstance(error, UserFacingError):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return str(OnCooldown(error.retry_after))
    if isinstance(error, app_commands.MissingPermissions | app_commands.CheckFailure):
        return str(PermissionDenied("You don't have permission to use this command here."))
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works in a server."
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return "This command changed since your client last saw it; try again in a moment."
    return None


async def handle_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Reply to a failed interaction: the error's own text, or 'something went wrong' with an incident id."""
    text = friendly_text(error)
    if text is None:
        incident = secrets.token_hex(4)
        original = getattr(error, "original", None) or error
        log.error(
            "incident %s in %s after %.1f ms",
            incident,
            describe(interaction),
            elapsed_ms(interaction),
            exc_info=(type(original), original, original.__traceback__),
        )
        text = f"Something went wrong on my side. If it keeps happening, tell an admin: incident `{incident}`."
    else:
        log.info("%s refused in %.2f ms: %s", describe(interaction), elapsed_ms(interaction), text)
    try:
        await reply(interaction, text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in %s", describe(interaction), exc_info=True)
