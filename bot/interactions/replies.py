"""Answering an interaction whatever its state, never pinging anyone."""

from __future__ import annotations

from typing import Any

import discord

NO_MENTIONS = discord.AllowedMentions.none()


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
