"""Command groups more than one feature adds to: defined here once, built once per bot by the client."""

from __future__ import annotations

from discord import app_commands

REVIEW = "review"


def review_group() -> app_commands.Group:
    """`/review`: the reviews feature's commands and the comparisons feature's review links."""
    return app_commands.Group(
        name=REVIEW, description="Official reviews: read them, and (moderators) post them", guild_only=True
    )


def attach(group: app_commands.Group, commands: list[app_commands.Command]) -> None:
    """Add a feature's subcommands to a shared group (when its cog loads)."""
    for command in commands:
        group.add_command(command)


def detach(group: app_commands.Group, commands: list[app_commands.Command]) -> None:
    """Take a feature's subcommands out of a shared group again (when its cog unloads)."""
    for command in commands:
        group.remove_command(command.name)
