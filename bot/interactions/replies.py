"""Answering an interaction whatever its state, never pinging anyone."""

from __future__ import annotations

from typing import Any

import discord

NO_MENTIONS = discord.AllowedMentions.none()
# What an interaction has changed so far (see `note_done`), for a truthful answer if a later step fails.
DONE = "kansou_done"


def note_done(interaction: discord.Interaction, what: str) -> None:
    """Record that this interaction changed something ("Your score of 9/10 for Frieren was saved"): if a later
    step fails (Discord refusing the reply, a dropped connection, a bug), the user is told this, not only
    that something went wrong."""
    interaction.extras[DONE] = what


def done_so_far(interaction: discord.Interaction) -> str | None:
    return interaction.extras.get(DONE)


async def reply(interaction: discord.Interaction, content: str | None = None, **kwargs: Any) -> None:
    """Answer the interaction, or follow up if it was already answered or deferred. Ephemeral by default."""
    kwargs.setdefault("ephemeral", True)
    kwargs.setdefault("allowed_mentions", NO_MENTIONS)
    if interaction.response.is_done():
        if content is None:
            await interaction.followup.send(**kwargs)
        else:
            await interaction.followup.send(content, **kwargs)
    else:
        await interaction.response.send_message(content, **kwargs)
