"""/about and /help."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import ADMINS, AUDIENCE, EVERYONE, MODERATORS
from bot.interactions.views import Paginator
from cogs.meta.render import storage_text

if TYPE_CHECKING:
    from bot.client import KansouBot

FIELD_LIMIT = 1024
FIELDS_PER_PAGE = 6


def audience(command: app_commands.Command | app_commands.Group) -> str:
    """Who may use a command: declared in extras, else read from its default permissions."""
    node: app_commands.Command | app_commands.Group | None = command
    while node is not None:
        if AUDIENCE in node.extras:
            return node.extras[AUDIENCE]
        perms = node.default_permissions
        if perms is not None:
            if perms.manage_guild or perms.administrator:
                return ADMINS
            if perms.manage_messages:
                return MODERATORS
        node = node.parent
    return EVERYONE


def leaves(tree: app_commands.CommandTree) -> list[app_commands.Command]:
    """Every invocable slash command, subcommands included, in name order."""
    found: list[app_commands.Command] = []
    for command in tree.get_commands(type=discord.AppCommandType.chat_input):
        if isinstance(command, app_commands.Group):
            found.extend(c for c in command.walk_commands() if isinstance(c, app_commands.Command))
        elif isinstance(command, app_commands.Command):
            found.append(command)
    return sorted(found, key=lambda c: c.qualified_name)


def feature_of(command: app_commands.Command) -> str:
    cog = command.binding
    if isinstance(cog, commands.Cog):
        return cog.qualified_name
    return "Other"


def help_fields(tree: app_commands.CommandTree) -> list[tuple[str, str]]:
    """(feature, lines) fields, each within Discord's 1,024 characters, features in name order."""
    by_feature: dict[str, list[str]] = {}
    for command in leaves(tree):
        line = f"`/{command.qualified_name}` — {command.description} · *{audience(command)}*"
        by_feature.setdefault(feature_of(command), []).append(line)
    fields: list[tuple[str, str]] = []
    for feature in sorted(by_feature):
        chunk: list[str] = []
        for line in by_feature[feature]:
            if chunk and len("\n".join([*chunk, line])) > FIELD_LIMIT:
                fields.append((feature, "\n".join(chunk)))
                chunk = []
            chunk.append(line[:FIELD_LIMIT])
        fields.append((feature, "\n".join(chunk)))
    return fields


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

    @app_commands.command(name="help", description="Every kansou command, by feature, with who may use it")
    async def help(self, interaction: discord.Interaction) -> None:
        fields = help_fields(self.bot.tree)
        pages = []
        for start in range(0, len(fields), FIELDS_PER_PAGE):
            embed = discord.Embed(
                title="kansou commands",
                description="*everyone*: any member · *moderators*: Manage Messages or the reviewer role · "
                "*admins*: Manage Server",
                colour=discord.Colour.blurple(),
            )
            for name, value in fields[start : start + FIELDS_PER_PAGE]:
                embed.add_field(name=name, value=value, inline=False)
            pages.append(embed)
        await Paginator(pages, owner_id=interaction.user.id).send(interaction, ephemeral=True)
