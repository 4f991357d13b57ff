"""/settings: admins configure the server; everyone else is refused and nothing changes."""

from __future__ import annotations

from bot.storage.db import open_database
from bot.storage.settings import SettingsRepo


async def stored(settings, guild_id: int):
    db = await open_database(settings.database)
    try:
        return await SettingsRepo(db).get(guild_id)
    finally:
        await db.close()


async def test_admin_sets_the_reviews_channel_and_reviewer_role(world, settings) -> None:
    admin = world.admin()
    reviews = world.guild.create_text_channel("reviews")
    role = world.guild.create_role("Reviewers")
    result = await admin.slash(world.channel, "settings reviews-channel", channel=reviews)
    assert result.ephemeral and reviews.mention in result.response.content
    result = await admin.slash(world.channel, "settings reviewer-role", role=role)
    assert role.mention in result.response.content
    shown = await admin.slash(world.channel, "settings show")
    fields = {f.name: f.value for f in shown.response.embeds[0].fields}
    assert fields["Reviews channel"] == reviews.mention and fields["Reviewer role"] == role.mention
    saved = await stored(settings, world.guild.id)
    assert saved.reviews_channel_id == reviews.id and saved.reviewer_role_id == role.id


async def test_clearing_a_setting_goes_back_to_the_default(world, settings) -> None:
    admin = world.admin()
    reviews = world.guild.create_text_channel("reviews")
    await admin.slash(world.channel, "settings reviews-channel", channel=reviews)
    result = await admin.slash(world.channel, "settings reviews-channel")
    assert "where `/mod review post` is used" in result.response.content
    assert (await stored(settings, world.guild.id)).reviews_channel_id is None


async def test_a_member_without_manage_server_is_refused_and_nothing_changes(world, settings, simcord_env) -> None:
    moderator = world.moderator()  # Manage Messages is not enough for settings
    reviews = world.guild.create_text_channel("reviews")
    assert "settings reviews-channel" not in moderator.available_commands(world.channel)
    # default_permissions only hides the command: a server owner may override it, so the command checks too.
    commands = {c.name: c for c in await simcord_env.bot.tree.fetch_commands()}
    world.guild.set_command_permissions(commands["settings"], {moderator: True})
    result = await moderator.slash(world.channel, "settings reviews-channel", channel=reviews)
    assert result.ephemeral and "Manage Server" in result.response.content
    assert simcord_env.errors  # the refusal went through the central handler
    assert (await stored(settings, world.guild.id)).reviews_channel_id is None
