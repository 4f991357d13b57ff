"""/about and /help through simcord."""

from __future__ import annotations


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


async def help_pages_text(member, channel) -> list[tuple[str, str]]:
    """Every (field name, value) of /help, walking its pages with the Next button."""
    result = await member.slash(channel, "help")
    assert result.ephemeral
    message = result.response.message
    fields = [(f.name, f.value) for f in result.response.embeds[0].fields]
    while any(
        c.get("custom_id") == "page:next" and not c.get("disabled")
        for row in result.response.components
        for c in row.get("components", [])
    ):
        result = await member.click(message, custom_id="page:next")
        fields += [(f.name, f.value) for f in result.response.embeds[0].fields]
    return fields


async def test_help_lists_every_command_under_its_feature_with_its_audience_once(world, simcord_bot) -> None:
    from cogs.meta.help import leaves

    fields = await help_pages_text(world.member("bob"), world.channel)
    features = [name for name, _ in fields]
    assert list(dict.fromkeys(features)) == ["Reviews", "Scores", "Titles", "Compare", "Settings", "About"]
    shown = "\n".join(value for _, value in fields)
    by_feature = {feature: "\n".join(v for n, v in fields if n == feature) for feature in features}
    names = [c.qualified_name for c in leaves(simcord_bot.tree)]
    assert names, "the tree has commands"
    for name in names:
        assert shown.count(f"`/{name}` ") == 1, name
    for command in ("mod review post", "review list", "mod review compare"):
        assert f"`/{command}`" in by_feature["Reviews"]
    for command in ("rate", "top", "mod ratings remove", "privacy forget"):
        assert f"`/{command}`" in by_feature["Scores"]
    assert "`/anime`" in by_feature["Titles"] and "`/similar`" in by_feature["Compare"]
    assert "`/settings show` — Show this server's kansou settings · *admins*" in shown
    post = next(line for line in shown.splitlines() if line.startswith("`/mod review post`"))
    assert post == "`/mod review post` — Post an official review (opens a form, or upload a file) · *moderators*"
    compare = next(line for line in shown.splitlines() if line.startswith("`/mod review compare`"))
    assert compare.count("moderators") == 1
    about = next(line for line in shown.splitlines() if line.startswith("`/about`"))
    assert "*" not in about  # everyone: no tag
    for line in shown.splitlines():
        assert line.lower().count("moderators") <= 1 and line.lower().count("admins") <= 1, line


async def test_help_command_shows_options_audience_and_an_example(world) -> None:
    member = world.member("carol")
    result = await member.slash(world.channel, "help", command="mod review post")
    assert result.ephemeral
    embed = result.response.embeds[0]
    fields = {f.name: f.value for f in embed.fields}
    assert embed.title == "/mod review post"
    assert "`title` (text, required, suggested as you type)" in fields["Options"]
    assert "`score` (number, optional, 0–10)" in fields["Options"]
    assert "`file` (file, optional)" in fields["Options"]
    assert fields["Who may use it"].startswith("Moderators: members with Manage Messages, or the server's reviewer")
    assert fields["Example"].startswith("`/mod review post title:")
    assert "Apps → Post as official review" in str(embed.to_dict()) and len(embed) <= 6_000
    rate = (await member.slash(world.channel, "help", command="/rate")).response.embeds[0]
    rate_fields = {f.name: f.value for f in rate.fields}
    assert rate_fields["Who may use it"] == "Everyone in the server."
    assert "`score` (whole number, required, 1–10)" in rate_fields["Options"]
    made_up = (await member.slash(world.channel, "help", command="similar")).response.embeds[0]
    assert {f.name: f.value for f in made_up.fields}["Example"] == "`/similar title:Cowboy Bebop`"


async def test_help_command_autocompletes_command_names(world) -> None:
    member = world.member("dave")
    choices = await member.autocomplete(world.channel, "help", "command", "review")
    names = [c["name"] for c in choices]
    assert "/mod review post" in names and "/review list" in names
    starting = [n for n in names if n.startswith("/review")]
    assert names[: len(starting)] == starting  # names starting with what was typed come first
    assert "/settings reviewer-role" in names[len(starting) :]
    assert [c["value"] for c in await member.autocomplete(world.channel, "help", "command", "forg")] == [
        "privacy forget"
    ]
    assert len(await member.autocomplete(world.channel, "help", "command", "")) <= 25


async def test_help_for_an_unknown_command_is_a_friendly_error(world) -> None:
    result = await world.member().slash(world.channel, "help", command="dance `now`")
    assert result.ephemeral
    text = result.response.content or result.response.embeds[0].description
    assert "kansou has no command called `/dance 'now'`" in text and "Traceback" not in text
    raised = [getattr(error, "original", None) or error for error in world.env.errors]  # reading acknowledges
    assert [type(error).__name__ for error in raised] == ["NotFound"]


async def test_help_top_explains_the_ranking_formula(world) -> None:
    embed = (await world.member().slash(world.channel, "help", command="top")).response.embeds[0]
    details = {f.name: f.value for f in embed.fields}["Details"]
    assert "WR = v/(v+m)·R + m/(v+m)·C" in details and "share a rank" in details


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
