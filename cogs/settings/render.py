"""The /settings embed."""

from __future__ import annotations

import discord

from bot.plural import plural
from bot.settings.models import GuildSettings

# Discord shows default_permissions commands only to members with the permission, unless an admin adds
# a role to the command in the server's Integrations settings; kansou cannot do that for them.
SHOW_MOD_COMMANDS = (
    "Discord hides kansou's moderator commands (`/mod`, `/title`) from members without Manage Messages. "
    "To show them to {role}: **Server Settings → Integrations → kansou**, open `/mod` (and `/title`), "
    "**Add Roles or Members**, pick {role} and save."
)


def reviewer_role_text(role_mention: str) -> str:
    """/settings reviewer-role's answer: what the role may do, and how to let it see the commands."""
    return f"Members with {role_mention} may now post reviews.\n" + SHOW_MOD_COMMANDS.format(role=role_mention)


def min_votes_text(votes: int) -> str:
    """/settings min-votes' answer."""
    return f"Titles need {plural(votes, 'vote')} for /top (m = {votes})."


def settings_embed(settings: GuildSettings) -> discord.Embed:
    def channel(value: int | None) -> str:
        return f"<#{value}>" if value else "*not set: the channel where the review is posted*"

    def role(value: int | None, default: str) -> str:
        return f"<@&{value}>" if value else default

    embed = discord.Embed(title="kansou settings", colour=discord.Colour.blurple())
    embed.add_field(name="Reviews channel", value=channel(settings.reviews_channel_id), inline=False)
    embed.add_field(
        name="Reviewer role",
        value=role(settings.reviewer_role_id, "*not set: moderators are members with Manage Messages*"),
        inline=False,
    )
    embed.add_field(
        name="Rating role", value=role(settings.rating_role_id, "*not set: every member may score*"), inline=False
    )
    embed.add_field(name="Minimum votes (m)", value=str(settings.min_votes))
    cooldown = f"{settings.rating_cooldown} s" if settings.rating_cooldown else "none"
    embed.add_field(name="Rating cooldown", value=cooldown)
    return embed
