"""The base modal and the routed dynamic item: their errors reach the central handler, their time is measured."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
import pytest

from bot.client import create_bot
from bot.errors import InvalidInput
from bot.interactions.base import BaseModal, RoutedItem, open_modal
from bot.interactions.binding import Binding
from bot.interactions.replies import reply
from tests.catalog.sample import SAMPLE_GUILD


class Boom(RuntimeError):
    pass


class NameModal(BaseModal):
    def __init__(self) -> None:
        super().__init__(title="Name it", timeout=60)
        self.name: discord.ui.TextInput[NameModal] = discord.ui.TextInput(label="Name", custom_id="name")
        self.add_item(self.name)

    async def submitted(self, interaction: discord.Interaction) -> None:
        raise InvalidInput(f"“{self.name.value}” is not a name I can use.")


class Exploding(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"test:boom:(?P<n>\d+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label="boom", custom_id=f"test:boom:{n}"))
        self.binding = Binding(SAMPLE_GUILD, None)  # any member of the test server

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Exploding:
        return cls(int(match["n"]))

    async def run(self, interaction: discord.Interaction) -> None:
        raise Boom("internals")


@pytest.fixture
def simcord_bot(settings):
    bot = create_bot(settings)

    @bot.tree.command(name="form", description="opens a form that refuses its input")
    async def form(interaction: discord.Interaction) -> None:
        await open_modal(interaction, NameModal())

    @bot.tree.command(name="dynamic", description="sends a button that fails")
    async def dynamic(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(Exploding(7))
        await reply(interaction, "press it", view=view, ephemeral=False)

    bot.add_dynamic_items(Exploding)
    return bot


async def test_a_modal_error_is_answered_with_its_own_text(world, simcord_env, caplog) -> None:
    caplog.set_level(logging.INFO, logger="kansou.commands")
    member = world.member()
    shown = await member.slash(world.channel, "form")
    result = await member.submit_modal(shown, {"name": "@everyone"})
    assert result.ephemeral
    assert result.response.content == "“@everyone” is not a name I can use."
    refused = [r.getMessage() for r in caplog.records if "refused in" in r.getMessage()]
    assert refused and re.search(r"refused in \d+\.\d\d ms", refused[-1])
    simcord_env.errors  # noqa: B018 - acknowledge whatever discord.py recorded


async def test_a_dynamic_items_bug_gets_an_incident_id_not_a_silent_failure(world, simcord_env, caplog) -> None:
    caplog.set_level(logging.ERROR, logger="kansou.commands")
    member = world.member()
    sent = await member.slash(world.channel, "dynamic")
    clicked = await member.click(sent.response.message, custom_id="test:boom:7")
    assert clicked.ephemeral and "incident" in clicked.response.content
    assert "internals" not in clicked.response.content
    assert any(r.exc_info and r.exc_info[0] is Boom for r in caplog.records)
    simcord_env.errors  # noqa: B018
