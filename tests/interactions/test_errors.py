"""The central error handler, driven through real commands and buttons."""

from __future__ import annotations

import logging
import re

import discord
import pytest
from discord import app_commands

from bot.client import create_bot
from bot.errors import InvalidInput
from bot.interactions.replies import reply
from bot.interactions.views import BaseView


class Boom(RuntimeError):
    pass


class ExplodingView(BaseView):
    @discord.ui.button(label="explode", custom_id="test:explode")
    async def explode(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise Boom("kaboom")


@pytest.fixture
def simcord_bot(settings):
    bot = create_bot(settings)

    @bot.tree.command(name="boom", description="always fails")
    async def boom(interaction: discord.Interaction) -> None:
        raise Boom("secret internals")

    @bot.tree.command(name="late-boom", description="fails after deferring")
    async def late_boom(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        raise Boom("after defer")

    @bot.tree.command(name="bad", description="user error")
    async def bad(interaction: discord.Interaction) -> None:
        raise InvalidInput("That score must be a whole number from 1 to 10.")

    @bot.tree.command(name="button", description="sends a failing button")
    async def button(interaction: discord.Interaction) -> None:
        await reply(interaction, "press it", view=ExplodingView(), ephemeral=False)

    @bot.tree.command(name="only-mods", description="guarded")
    @app_commands.checks.has_permissions(manage_messages=True)
    async def only_mods(interaction: discord.Interaction) -> None:
        await reply(interaction, "hi mod")

    return bot


def incident_of(text: str) -> str:
    match = re.search(r"incident `([0-9a-f]{8})`", text)
    assert match, text
    return match.group(1)


async def test_unexpected_error_gets_ephemeral_incident_and_is_logged(world, simcord_env, caplog) -> None:
    caplog.set_level(logging.ERROR, logger="kansou.commands")
    result = await world.member().slash(world.channel, "boom")
    assert result.ephemeral
    assert "secret internals" not in result.response.content
    incident = incident_of(result.response.content)
    logged = [r for r in caplog.records if incident in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is Boom
    assert any(isinstance(e, app_commands.CommandInvokeError) for e in simcord_env.errors)


async def test_error_after_defer_is_answered_with_a_followup(world, simcord_env) -> None:
    result = await world.member().slash(world.channel, "late-boom")
    # after a "thinking" deferral the first follow-up replaces the placeholder
    assert "incident" in result.response.content
    assert simcord_env.errors  # the failure is the point of the test; acknowledging it


async def test_user_facing_error_shows_its_own_text(world, simcord_env) -> None:
    result = await world.member().slash(world.channel, "bad")
    assert result.ephemeral
    assert result.response.content == "That score must be a whole number from 1 to 10."
    assert simcord_env.errors


async def test_failing_button_reaches_the_same_handler(world, simcord_env) -> None:
    member = world.member()
    sent = await member.slash(world.channel, "button")
    clicked = await member.click(sent.response.message, custom_id="test:explode")
    assert clicked.ephemeral and "incident" in clicked.response.content
    assert simcord_env.errors


async def test_missing_permission_is_a_polite_refusal(world, simcord_env) -> None:
    result = await world.member().slash(world.channel, "only-mods")
    assert result.ephemeral
    assert "permission" in result.response.content
    assert simcord_env.errors
    ok = await world.moderator().slash(world.channel, "only-mods")
    assert ok.response.content == "hi mod"
