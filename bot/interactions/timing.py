"""How long an interaction took, and who, what and where, for the log line of every command and click."""

from __future__ import annotations

import time

import discord

STARTED_AT = "kansou_started"


def mark_start(interaction: discord.Interaction) -> None:
    """Note when kansou started on this interaction (the first mark wins)."""
    interaction.extras.setdefault(STARTED_AT, time.perf_counter())


def elapsed_ms(interaction: discord.Interaction) -> float:
    started = interaction.extras.get(STARTED_AT)
    return (time.perf_counter() - started) * 1000 if started is not None else 0.0


def describe(interaction: discord.Interaction) -> str:
    """Who, what and where, for the log line."""
    command = interaction.command.qualified_name if interaction.command else None
    if command is None and interaction.data:
        command = f"component:{interaction.data.get('custom_id', '?')}"
    where = f"guild={interaction.guild_id} channel={interaction.channel_id}"
    return f"/{command} user={interaction.user.id} {where}"
