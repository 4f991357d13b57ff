"""The one place that turns errors into replies: the error's own text for a user's mistake, an incident id
for a bug (logged with its traceback)."""

from __future__ import annotations

import logging
import secrets

import discord
from discord import app_commands

from bot.catalog.links import escape_markdown
from bot.errors import OnCooldown, PermissionDenied, StorageUnavailable, UserFacingError
from bot.interactions.replies import reply
from bot.interactions.timing import describe, elapsed_ms

log = logging.getLogger("kansou.commands")


def friendly_text(error: BaseException) -> str | None:
    """The message for an error a user may see, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError | app_commands.TransformerError):
        cause = error.__cause__ or getattr(error, "original", None)
        if isinstance(cause, UserFacingError):
            return str(cause)
        if isinstance(error, app_commands.TransformerError):
            return f"I could not understand `{escape_markdown(str(error.value))[:80]}`."
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


def user_facing_cause(error: BaseException) -> UserFacingError | None:
    """The UserFacingError behind a (possibly wrapped) command error, if any."""
    if isinstance(error, UserFacingError):
        return error
    cause = error.__cause__ or getattr(error, "original", None)
    return cause if isinstance(cause, UserFacingError) else None


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
    elif isinstance(storage := user_facing_cause(error), StorageUnavailable):
        # The operator's one line: what SQLite said, no traceback (the same fault repeats per request).
        log.warning(
            "%s: storage %s after %.0f ms (%s)",
            describe(interaction),
            storage.reason,
            elapsed_ms(interaction),
            storage.detail,
        )
    else:
        log.info("%s refused in %.2f ms: %s", describe(interaction), elapsed_ms(interaction), text)
    try:
        await reply(interaction, text, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not tell the user about an error in %s", describe(interaction), exc_info=True)
