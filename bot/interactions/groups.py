"""Command groups more than one feature adds to: defined here once, built once per bot by the client."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.checks import AUDIENCE, MODERATORS, MODERATORS_ONLY

REVIEW = "review"
MOD = "mod"
MOD_REVIEW, MOD_RATINGS = "review", "ratings"


def review_group() -> app_commands.Group:
    """`/review`: the reviews feature's commands and the comparisons feature's review links."""
    return app_commands.Group(
        name=REVIEW, description="Official reviews: read them, and (moderators) post them", guild_only=True
    )


def mod_group() -> app_commands.Group:
    """`/mod`: every moderator command, hidden from members by default.

    Discord hides a command with default_permissions (here Manage Messages) only as a whole top-level
    command, so moderator commands live here rather than beside members' commands in `/review` or
    `/ratings`. Admins can show `/mod` to a reviewer role in Server Settings → Integrations; each command
    still checks the member itself (default_permissions is only a hint).
    """
    top = app_commands.Group(
        name=MOD,
        description="Moderators: official reviews and members' scores",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
        extras=MODERATORS_ONLY,
    )
    app_commands.Group(name=MOD_REVIEW, description="Post, edit, delete and link official reviews", parent=top)
    app_commands.Group(name=MOD_RATINGS, description="Members' scores", parent=top)
    return top


def subgroup(group: app_commands.Group, name: str) -> app_commands.Group:
    """A group's subgroup by name (e.g. `/mod review`)."""
    found = group.get_command(name)
    if not isinstance(found, app_commands.Group):
        raise LookupError(f"/{group.name} has no subgroup {name!r}")
    return found


def for_moderators(commands: list[app_commands.Command]) -> list[app_commands.Command]:
    """The commands a feature marked MODERATORS_ONLY (they go under `/mod`)."""
    return [command for command in commands if command.extras.get(AUDIENCE) == MODERATORS]


def for_members(commands: list[app_commands.Command]) -> list[app_commands.Command]:
    return [command for command in commands if command.extras.get(AUDIENCE) != MODERATORS]


def attach(group: app_commands.Group, commands: list[app_commands.Command]) -> None:
    """Add a feature's subcommands to a shared group (when its cog loads)."""
    for command in commands:
        group.add_command(command)


def detach(group: app_commands.Group, commands: list[app_commands.Command]) -> None:
    """Take a feature's subcommands out of a shared group again (when its cog unloads)."""
    for command in commands:
        group.remove_command(command.name)
