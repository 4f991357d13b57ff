"""/about and /help through simcord."""

from __future__ import annotations

from bot.client import EXTENSIONS


async def test_about_shows_version_uptime_servers_and_storage(world) -> None:
    member = world.member("alice")
    result = await member.slash(world.channel, "about")
    assert result.ephemeral
    embed = result.response.embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Version"] == "0.1.0"
    assert fields["Servers"] == "1"
    assert "0 ratings" in fields["Storage"] and "titles known" in fields["Storage"]
    assert "Uptime" in fields and "Gateway latency" in fields


async def test_help_lists_every_registered_command_with_its_audience(world, simcord_bot) -> None:
    from cogs.meta.cog import leaves

    member = world.member("bob")
    result = await member.slash(world.channel, "help")
    assert result.ephemeral
    text = "\n".join(f.value for e in [result.response.embeds[0]] for f in e.fields)
    # every page's fields together: walk pages by clicking Next when there is more than one
    pages = [text]
    message = result.response.message
    while any(
        c.get("custom_id") == "page:next" and not c.get("disabled")
        for row in result.response.components
        for c in row.get("components", [])
    ):
        result = await member.click(message, custom_id="page:next")
        pages.append("\n".join(f.value for f in result.response.embeds[0].fields))
    shown = "\n".join(pages)
    names = [c.qualified_name for c in leaves(simcord_bot.tree)]
    assert names, "the tree has commands"
    for name in names:
        assert f"`/{name}`" in shown
    assert "`/settings show` — Show this server's kansou settings · *admins*" in shown
    assert "`/about`" in shown and "*everyone*" in shown
    assert "`/review post` — " in shown and "· *moderators*" in shown.split("`/review post`")[1].split("\n")[0]
    assert "· *moderators*" in shown.split("`/ratings remove`")[1].split("\n")[0]
    assert set(EXTENSIONS) >= {"cogs.meta", "cogs.settings"}


async def test_every_command_logs_one_line_with_who_what_where_and_how_long(world, caplog) -> None:
    import logging

    caplog.set_level(logging.INFO, logger="kansou.commands")
    member = world.member("carol")
    await member.slash(world.channel, "about")
    lines = [r.getMessage() for r in caplog.records if r.name == "kansou.commands"]
    assert len(lines) == 1
    line = lines[0]
    assert line.startswith("/about ")
    assert f"user={member.id}" in line and f"guild={world.guild.id}" in line and f"channel={world.channel.id}" in line
    assert line.endswith(" ms") and " ok in " in line
