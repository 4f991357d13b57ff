"""The one place that turns errors into replies: the error's own text for a user's mistake, an incident id
for a bug (logged with its traceback)."""

from __future__ import annotations

import logging
import secrets

import aiohttp
import discord
from discord import app_commands

from bot.catalog.links import escape_markdown
from bot.errors import OnCooldown, PermissionDenied, StorageUnavailable, UserFacingError
from bot.interactions.replies import NO_MENTIONS, done_so_far, reply
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


# A reply Discord refused or never got: the request failed, not kansou's own work.
DELIVERY_ERRORS = (discord.HTTPException, aiohttp.ClientError, TimeoutError)
ALREADY_ANSWERED = 40060


async def handle_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Reply to a failed interaction: the error's own text, or 'something went wrong' with an incident id;
    prefixed with what the interaction had already changed (note_done), so the user is never told less."""
    text = friendly_text(error)
    original = getattr(error, "original", None) or error
    done = done_so_far(interaction)
    if text is None and done is not None and isinstance(original, DELIVERY_ERRORS):
        text = f"{done}, but Discord did not accept the reply."
        log.warning("%s: %s, but the reply failed: %r", describe(interaction), done, original)
    elif text is None:
        incident = secrets.token_hex(4)
        log.error(
            "incident %s in %s after %.1f ms",
            incident,
            describe(interaction),
            elapsed_ms(interaction),
            exc_info=(type(original), original, original.__traceback__),
        )
        text = f"Something went wrong on my side. If it keeps happening, tell an admin: incident `{incident}`."
        if done is not None:
            text = f"{done}, but then something went wrong on my side (incident `{incident}`)."
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
        if done is not None:
            text = f"{done}. {text}"
    await tell(interaction, text, done)


async def tell(interaction: discord.Interaction, text: str, done: str | None) -> None:
    """Send the error's answer: as the response, else as a follow-up (also when Discord got a response whose
    answer was lost); if nothing gets through, the log keeps what the user could not be told."""
    try:
        try:
            await reply(interaction, text, ephemeral=True)
        except discord.HTTPException as exc:
            if exc.code != ALREADY_ANSWERED:
                raise
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except DELIVERY_ERRORS:
        if done is not None:
            log.warning("%s: %s, and the user could not be told", describe(interaction), done)
        else:
            log.warning("could not tell the user about an error in %s", describe(interaction), exc_info=True)
