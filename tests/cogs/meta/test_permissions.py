"""Moderator and admin commands are hidden from members (default_permissions) and still checked by kansou."""

from __future__ import annotations

import discord
import pytest
from simcord.backend.errors import SetupError

from bot.catalog.models import Title
from bot.client import KansouBot, create_bot
from bot.config import Settings


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles: list[Title]) -> KansouBot:
    return create_bot(settings)


MANAGE_MESSAGES = discord.Permissions(manage_messages=True).value
MANAGE_GUILD = discord.Permissions(manage_guild=True).value


def synced_commands(env) -> list[dict]:
    """The command list kansou last sent to Discord."""
    puts = [r for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]
    return list(puts[-1].json)


def leaves(command: dict, prefix: str = "") -> list[str]:
    name = f"{prefix}{command['name']}"
    subs = [o for o in command.get("options", []) if o.get("type") in (1, 2)]  # subcommand, subcommand group
    return [leaf for sub in subs for leaf in leaves(sub, f"{name} ")] if subs else [name]


async def test_moderator_and_admin_commands_are_hidden_from_members_as_discord_sees_them(world, simcord_env) -> None:
    from cogs.meta.help import audience, find_command

    tree = simcord_env.bot.tree
    for command in synced_commands(simcord_env):
        needed = command.get("default_member_permissions")
        if command.get("type", 1) != 1:  # an Apps menu command (Post as official review): moderators'
            assert int(needed or 0) == MANAGE_MESSAGES, command["name"]
            continue
        audiences = {audience(found) for name in leaves(command) if (found := find_command(tree, name))}
        assert audiences, command["name"]
        # Discord hides a top-level command as a whole: it must not mix members' and moderators' commands.
        assert len(audiences) == 1, (command["name"], audiences)
        (who,) = audiences
        expected = {"everyone": None, "moderators": MANAGE_MESSAGES, "admins": MANAGE_GUILD}[who]
        assert (None if needed is None else int(needed)) == expected, (command["name"], who, needed)
    names = {leaf for command in synced_commands(simcord_env) for leaf in leaves(command)}
    assert {"mod review post", "mod review delete", "mod ratings remove", "review show", "ratings list"} <= names
    assert "review post" not in names and "ratings remove" not in names


async def test_a_member_cannot_run_a_hidden_command_until_an_admin_shows_it_and_kansou_still_checks(world) -> None:
    """default_permissions hides /mod; shown through Integrations to a role that is not the reviewer role,
    kansou's own check still refuses."""
    helpers = world.guild.create_role("Helpers")
    member = world.guild.add_member(world.env.create_user("helper"), roles=[helpers])
    with pytest.raises(SetupError, match="default-member-permissions"):
        await member.slash(world.channel, "mod ratings remove", member=member, title="t:1")
    await world.show_command("mod", helpers)
    refused = await member.slash(world.channel, "mod ratings remove", member=member, title="t:1")
    assert refused.ephemeral and "Only moderators" in refused.response.content
    assert [type(getattr(e, "original", e)).__name__ for e in world.env.errors] == ["PermissionDenied"]


async def test_setting_a_reviewer_role_says_how_to_show_it_the_moderator_commands(world) -> None:
    role = world.guild.create_role("Reviewers")
    result = await world.admin().slash(world.channel, "settings reviewer-role", role=role)
    text = result.response.content
    assert "may now post reviews" in text
    assert "Server Settings → Integrations → kansou" in text and "`/mod`" in text and role.mention in text
