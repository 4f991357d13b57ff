"""The one check behind every view, dynamic item and modal: the server it was made in, its owner, or (where
allowed) that server's moderators; a server kansou is not in gets nothing."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot.client import create_bot
from bot.interactions.base import BaseModal, RoutedItem, open_modal
from bot.interactions.binding import (
    NOT_IN_SERVER,
    NOT_YOURS,
    NOT_YOURS_OR_MODERATOR,
    OTHER_SERVER,
    Binding,
)
from bot.interactions.replies import reply
from bot.interactions.views import BaseView
from tests.conftest import World
from tests.interactions.forged import forged_component

OTHER_GUILD = 700_000_000_000_000_002


class Shared(BaseView):
    """A public message whose button its owner, or (moderators=True) a moderator of its server, may press."""

    @discord.ui.button(label="Go", custom_id="test:go")
    async def go(self, interaction: discord.Interaction, button: discord.ui.Button[Shared]) -> None:
        await interaction.response.send_message(f"done by {interaction.user.name}", ephemeral=True)


class Bound(
    RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"test:bound:(?P<guild>\d+):(?P<author>\d+)"
):
    def __init__(self, binding: Binding) -> None:
        super().__init__(discord.ui.Button(label="bound", custom_id=f"test:bound:{binding.ids}"))
        self.binding = binding

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Bound:
        return cls(Binding.parse(match["guild"], match["author"]))

    async def run(self, interaction: discord.Interaction) -> None:
        await reply(interaction, "bound ran")


class Unbound(RoutedItem, discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"test:unbound"):
    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="unbound", custom_id="test:unbound"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Unbound:
        return cls()

    async def run(self, interaction: discord.Interaction) -> None:
        await reply(interaction, "unbound ran")


class Note(BaseModal):
    def __init__(self) -> None:
        super().__init__(title="Note", timeout=60)
        self.add_item(discord.ui.TextInput(label="Note", custom_id="note"))

    async def submitted(self, interaction: discord.Interaction) -> None:
        await reply(interaction, "noted")


@pytest.fixture
def simcord_bot(settings):
    bot = create_bot(settings)

    @bot.tree.command(name="shared", description="a public button: owner and moderators")
    async def shared(interaction: discord.Interaction, moderators: bool = True) -> None:
        await reply(interaction, "press it", view=Shared(owner=interaction, moderators=moderators), ephemeral=False)

    @bot.tree.command(name="bound", description="a public dynamic button bound to its author")
    async def bound(interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(Bound(Binding.of(interaction)))
        view.add_item(Unbound())
        await reply(interaction, "press it", view=view, ephemeral=False)

    @bot.tree.command(name="note", description="opens a bound modal")
    async def note(interaction: discord.Interaction) -> None:
        await open_modal(interaction, Note())

    bot.add_dynamic_items(Bound, Unbound)
    return bot


@pytest.fixture
def elsewhere(simcord_env):
    guild = simcord_env.create_guild("Other Club", id=OTHER_GUILD)
    return World(simcord_env, guild, guild.create_text_channel("general"))


async def test_a_moderator_of_the_same_server_may_use_it_where_allowed(world) -> None:
    owner, colleague, member = world.moderator("owner"), world.moderator("colleague"), world.member("member")
    sent = await owner.slash(world.channel, "shared")
    assert (await colleague.click(sent.response.message, custom_id="test:go")).response.content == "done by colleague"
    refused = await member.click(sent.response.message, custom_id="test:go")
    assert refused.ephemeral and refused.response.content == NOT_YOURS_OR_MODERATOR


async def test_without_the_moderator_allowance_only_the_owner_may_use_it(world) -> None:
    owner, colleague = world.member("owner"), world.moderator("colleague")
    sent = await owner.slash(world.channel, "shared", moderators=False)
    refused = await colleague.click(sent.response.message, custom_id="test:go")
    assert refused.response.content == NOT_YOURS
    assert (await owner.click(sent.response.message, custom_id="test:go")).response.content == "done by owner"


async def test_a_view_pressed_from_another_server_is_refused_even_by_a_moderator_there(world, elsewhere) -> None:
    sent = await world.moderator("owner").slash(world.channel, "shared")
    intruder = elsewhere.moderator("intruder")
    pressed = await forged_component(intruder, elsewhere.channel, sent.response.message, "test:go")
    assert pressed.ephemeral and pressed.response.content == OTHER_SERVER


async def test_a_dynamic_item_is_bound_by_its_custom_id_and_an_unbound_one_fails_closed(
    world, elsewhere, simcord_env
) -> None:
    owner: Any = world.member("owner")
    sent = await owner.slash(world.channel, "bound")
    ids = [c.custom_id for row in sent.response.message.components for c in row.children]
    bound_id = next(i for i in ids if i.startswith("test:bound:"))
    assert bound_id == f"test:bound:{world.guild.id}:{owner.id}"
    assert (await owner.click(sent.response.message, custom_id=bound_id)).response.content == "bound ran"
    other = await world.member("other").click(sent.response.message, custom_id=bound_id)
    assert other.response.content == NOT_YOURS
    owner_elsewhere = elsewhere.guild.add_member(owner.user)
    from_b = await forged_component(owner_elsewhere, elsewhere.channel, sent.response.message, bound_id)
    assert from_b.response.content == OTHER_SERVER
    unbound = await owner.click(sent.response.message, custom_id="test:unbound")
    assert "incident" in unbound.response.content
    simcord_env.errors  # noqa: B018 - the unbound item's RuntimeError was logged as an incident


async def test_a_modal_is_bound_to_who_opened_it(world) -> None:
    member = world.member()
    shown = await member.slash(world.channel, "note")
    assert (await member.submit_modal(shown, {"note": "hi"})).response.content == "noted"


async def test_a_button_in_a_server_kansou_left_does_nothing(world, simcord_env) -> None:
    owner = world.moderator("owner")
    sent = await owner.slash(world.channel, "shared")
    simcord_env.backend.emit("GUILD_DELETE", {"id": str(world.guild.id)})
    await simcord_env.settle()
    pressed = await owner.click(sent.response.message, custom_id="test:go")
    assert pressed.response.content == NOT_IN_SERVER
