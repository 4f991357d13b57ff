"""The demo server: channels, a Moderator role and the people a visitor can act as."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import discord
from simcord import Env

# A fixed id: the data kept in the sandbox database (settings, scores, reviews) belongs to it across restarts.
DEMO_GUILD_ID = 1_000_000_000_000_000_001
GUILD_NAME = "Anime Club (kansou sandbox)"
BOT_NAME = "kansou"
TOPIC = "kansou sandbox: type / below to try a command · switch person with Viewing as (top left)"

# (username, display name); the order is the order of the page's "Viewing as" list.
ADMIN = ("aiko", "Aiko (admin)")
MODERATOR = ("ren", "Ren (moderator)")
MEMBERS = (("yuki", "Yuki"), ("haru", "Haru"), ("mei", "Mei"), ("sora", "Sora"))


@dataclass
class DemoServer:
    """Handles on the demo server's parts, for seeding and for the preview."""

    env: Env
    guild: Any
    reviews: Any
    general: Any
    moderator_role: Any
    admin: Any
    moderator: Any
    members: list[Any] = field(default_factory=list)

    @property
    def people(self) -> list[Any]:
        """Everyone a visitor can act as: the admin first (the page opens as them), then the moderator, members."""
        return [self.admin, self.moderator, *self.members]

    @property
    def scorers(self) -> list[Any]:
        """The people who score titles while the demo is seeded: the moderator and the members."""
        return [self.moderator, *self.members]


def name_the_bot(env: Env) -> None:
    """Show the bot as "kansou" rather than simcord's default name (before the Env starts)."""
    bot_user = getattr(env.backend, "bot_user", None)
    if bot_user is not None and hasattr(bot_user, "name"):
        bot_user.name = BOT_NAME


def build_demo_server(env: Env) -> DemoServer:
    """Create the server before the Env starts: the same calls in the same order give the same ids every run."""
    guild = env.create_guild(GUILD_NAME, id=DEMO_GUILD_ID)
    reviews = guild.create_text_channel("reviews", topic=TOPIC)
    general = guild.create_text_channel("general")
    admin_role = guild.create_role("Admin", permissions=discord.Permissions(administrator=True))
    moderator_role = guild.create_role("Moderator", permissions=discord.Permissions(manage_messages=True))

    def person(names: tuple[str, str], roles: list[Any]) -> Any:
        username, display = names
        return guild.add_member(env.create_user(username, global_name=display), roles=roles)

    return DemoServer(
        env=env,
        guild=guild,
        reviews=reviews,
        general=general,
        moderator_role=moderator_role,
        admin=person(ADMIN, [admin_role]),
        moderator=person(MODERATOR, [moderator_role]),
        members=[person(names, []) for names in MEMBERS],
    )
