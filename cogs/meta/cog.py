"""/about and /help."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import Choice
from discord.ext import commands

from bot.errors import NotFound
from bot.interactions.replies import reply
from bot.interactions.views import Paginator
from bot.text import clip
from cogs.meta.help import command_choices, command_embed, find_command, help_pages
from cogs.meta.render import storage_text

if TYPE_CHECKING:
    from bot.client import KansouBot


def format_duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    if days or hours:
        parts.append(f"{hours}h")
    parts.append(f"{minutes}m {secs}s")
    return " ".join(parts)


class Meta(commands.Cog, name="General"):
    """About kansou and how to use it."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What kansou is, how it is doing, and what it knows")
    async def about(self, interaction: discord.Interaction) -> None:
        counts = await self.bot.storage_counts()
        latency = self.bot.latency
        latency_text = f"{latency * 1000:.0f} ms" if math.isfinite(latency) else "not measured yet"
        embed = discord.Embed(
            title="kansou 感想",
            description="Official review summaries, community scores and comparison titles for anime servers.",
            colour=discord.Colour.blurple(),
        )
        embed.add_field(name="Version", value=self.bot.version)
        embed.add_field(name="Uptime", value=format_duration(self.bot.uptime_seconds))
        embed.add_field(name="Gateway latency", value=latency_text)
        embed.add_field(name="Servers", value=f"{len(self.bot.guilds):,}")
        embed.add_field(
            name="Storage",
            value=storage_text(counts),
            inline=False,
        )
        embed.set_footer(text="/help lists every command")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="help", description="Every kansou command by feature, or one command in detail")
    @app_commands.describe(command="One command to explain: its options, who may use it and an example")
    async def help(self, interaction: discord.Interaction, command: str | None = None) -> None:
        if command is None:
            await Paginator(help_pages(self.bot.tree), owner=interaction).send(interaction, ephemeral=True)
            return
        found = find_command(self.bot.tree, command)
        if found is None:
            name = clip(command, 60).replace("`", "'")
            raise NotFound(f"kansou has no command called `/{name}`: pick one from the list as you type.")
        await reply(interaction, embed=command_embed(found))

    @help.autocomplete("command")
    async def help_command_choices(self, interaction: discord.Interaction, current: str) -> list[Choice[str]]:
        return command_choices(self.bot.tree, current)
