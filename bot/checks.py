"""Who may do what, enforced in the commands and buttons themselves (default_permissions is only a hint)."""

from __future__ import annotations

import discord

from bot.errors import PermissionDenied
from bot.settings.models import GuildSettings

# Who a command is for, as /help shows it. Commands declare it in their extras (MODERATORS_ONLY,
# ADMINS_ONLY); the permission itself is enforced in each command (require_moderator, require_admin).
AUDIENCE = "audience"
EVERYONE, MODERATORS, ADMINS = "everyone", "moderators", "admins"
MODERATORS_ONLY = {AUDIENCE: MODERATORS}
ADMINS_ONLY = {AUDIENCE: ADMINS}


def member_role_ids(interaction: discord.Interaction) -> list[int] | None:
    """The caller's role ids, or None when the interaction does not come from a current member."""
    user = interaction.user
    return [role.id for role in user.roles] if isinstance(user, discord.Member) else None


def require_guild(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise PermissionDenied("This only works in a server, not in direct messages.")
    return interaction.guild_id


def is_moderator(interaction: discord.Interaction, settings: GuildSettings) -> bool:
    """Manage Messages, or the server's reviewer role."""
    if interaction.permissions.manage_messages or interaction.permissions.administrator:
        return True
    return settings.reviewer_role_id is not None and settings.reviewer_role_id in (member_role_ids(interaction) or ())


def require_moderator(interaction: discord.Interaction, settings: GuildSettings) -> None:
    if not is_moderator(interaction, settings):
        raise PermissionDenied(
            "Only moderators can do this: members with Manage Messages or the server's reviewer role."
        )


def require_admin(interaction: discord.Interaction) -> None:
    if not (interaction.permissions.manage_guild or interaction.permissions.administrator):
        raise PermissionDenied("Only admins (members with Manage Server) can change kansou's settings.")
