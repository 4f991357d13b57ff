"""Shared fixtures: the real bot, built by create_bot on a temporary database, running under simcord."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import discord
import pytest
from simcord import Env

from bot.client import KansouBot, create_bot
from bot.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a test bot: a fresh database file, AniList off (tests never reach the internet)."""
    return Settings(token=None, db_path=tmp_path / "kansou.db", anilist=False)


@pytest.fixture
def simcord_bot(settings: Settings) -> KansouBot:
    return create_bot(settings)


@dataclass
class World:
    """A server with a text channel and helpers to add members with the powers a test needs."""

    env: Env
    guild: object
    channel: object
    _count: int = field(default=0)

    def member(self, name: str | None = None, **permissions: bool):
        """A member; keyword permissions (e.g. manage_messages=True) are granted through a role."""
        self._count += 1
        user = self.env.create_user(name or f"member{self._count}")
        roles = []
        if permissions:
            roles.append(self.guild.create_role(f"role-{self._count}", permissions=discord.Permissions(**permissions)))
        return self.guild.add_member(user, roles=roles)

    def moderator(self, name: str = "mod"):
        return self.member(name, manage_messages=True)

    def admin(self, name: str = "admin"):
        return self.member(name, manage_guild=True)


@pytest.fixture
def world(simcord_env: Env) -> Iterator[World]:
    guild = simcord_env.create_guild("Anime Club")
    channel = guild.create_text_channel("general")
    yield World(simcord_env, guild, channel)
