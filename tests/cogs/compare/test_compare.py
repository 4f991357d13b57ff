"""/compare, /similar and the moderators' /mod review compare and /mod review uncompare, end to end through simcord."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.errors import InvalidInput, NotFound, PermissionDenied
from bot.storage.db import open_database

BEBOP, CHAMPLOO, TRIGUN, KON, DANDY, OUTLAW = 1, 2, 3, 4, 5, 6
TITLES = [
    (BEBOP, "Cowboy Bebop", ["Space", "Noir", "Jazz"], ["Sunrise"]),
    (CHAMPLOO, "Samurai Champloo", ["Samurai", "Jazz"], ["Manglobe"]),
    (TRIGUN, "Trigun", ["Space", "Western"], ["Madhouse"]),
    (KON, "K-On!", ["Music", "School"], ["Kyoto Animation"]),
    (DANDY, "Space Dandy", ["Space", "Comedy"], ["Bones"]),
    (OUTLAW, "Outlaw Star", [], []),
]
REVIEW_OF_BEBOP, REVIEW_OF_TRIGUN = 100, 101


async def seed_titles(path: str | Path) -> None:
    """Titles with tags, studios and an AniList page, before the bot loads its catalog."""
    db = await open_database(path)
    try:
        for title_id, name, tags, studios in TITLES:
            await db.execute(
                "INSERT INTO titles (id, name, tags, studios) VALUES (?, ?, ?, ?)",
                (title_id, name, json.dumps(tags), json.dumps(studios)),
            )
            await db.execute(
                "INSERT INTO title_sources (url, title_id) VALUES (?, ?)",
                (f"https://anilist.co/anime/{title_id}", title_id),
            )
    finally:
        await db.close()


async def seed_server(path: str | Path, guild_id: int, members: list[int]) -> None:
    """Two official reviews (Trigun's posted), their edges and four members' scores, via a second connection."""
    db = await open_database(path)
    try:
        await db.executemany(
            "INSERT INTO reviews (id, guild_id, title_id, author_id, text, score, score_raw, channel_id, message_id) "
            "VALUES (?, ?, ?, 1, 'text', ?, ?, ?, ?)",
            [
                (REVIEW_OF_BEBOP, guild_id, BEBOP, 9.0, "9/10", None, None),
                (REVIEW_OF_TRIGUN, guild_id, TRIGUN, 7.0, None, 70, 80),
            ],
        )
        await db.executemany(
            "INSERT INTO comparison_edges (guild_id, review_id, title_id, other_title_id, kind, sentence) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (guild_id, REVIEW_OF_TRIGUN, TRIGUN, BEBOP, "comparison", "Trigun is Bebop's wilder cousin."),
                (guild_id, REVIEW_OF_BEBOP, BEBOP, OUTLAW, "studio_credit", "From the studio of Outlaw Star."),
            ],
        )
        # The four members score Bebop and Champloo alike (they love or dislike both) and K-On! the other way.
        scores = [(9, 9, 4), (8, 9, 5), (3, 2, 8), (10, 8, 3)]
        rows = [
            (guild_id, user, title, score)
            for user, row in zip(members, scores, strict=True)
            for title, score in zip((BEBOP, CHAMPLOO, KON), row, strict=True)
        ]
        rows.append((guild_id, members[3], DANDY, 7))  # scored once here: known to the server, no co-raters
        await db.executemany("INSERT INTO ratings (guild_id, user_id, title_id, score) VALUES (?, ?, ?, ?)", rows)
    finally:
        await db.close()


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_titles(settings.database)
    return create_bot(settings)


@pytest.fixture
async def club(world, settings: Settings):
    """The server with four members who scored titles, two official reviews and their comparison edges."""
    world.raters = [world.member(f"rater{i}") for i in range(1, 5)]
    await seed_server(settings.database, world.guild.id, [m.id for m in world.raters])
    return world


def user_errors(env) -> list[type]:
    """The kinds of user-facing errors the bot raised and answered (reading env.errors acknowledges them)."""
    return [type(getattr(error, "original", None) or error.__cause__ or error) for error in env.errors]


def fields(result) -> dict[str, str]:
    return {field.name: field.value for field in result.response.embeds[0].fields}


async def test_compare_puts_two_titles_side_by_side(club) -> None:
    """Official scores, community means, co-raters, shared tags, and nothing private about it."""
    result = await club.raters[0].slash(club.channel, "compare", first="t:1", second="t:2")
    assert not result.ephemeral
    embed = result.response.embeds[0]
    assert embed.title == "Cowboy Bebop vs Samurai Champloo"
    values = [f.value for f in embed.fields]
    assert "[Cowboy Bebop](<https://anilist.co/anime/1>)" in values[0]
    assert "**Official review:** 9/10" in values[0] and "7.50 / 10 (4 votes)" in values[0]
    assert "**Official review:** —" in values[1] and "7.00 / 10 (4 votes)" in values[1]
    members = fields(result)["Members who scored both"]
    assert "4 members scored both: Cowboy Bebop 0.50 higher on average." in members
    assert "Preferred Cowboy Bebop: 2" in members and "preferred Samurai Champloo: 1" in members
    assert fields(result)["In common"] == "**Tags:** Jazz"


async def test_compare_quotes_the_review_that_compares_the_two(club) -> None:
    result = await club.raters[0].slash(club.channel, "compare", first="t:1", second="t:3")
    quotes = fields(result)["What the reviews say"]
    assert "> Trigun is Bebop's wilder cousin." in quotes
    assert f"[official review of Trigun](<https://discord.com/channels/{club.guild.id}/70/80>)" in quotes
    assert "**Official review:** 7/10" in result.response.embeds[0].fields[1].value


async def test_compare_a_title_with_itself_gets_a_clear_answer(club) -> None:
    result = await club.raters[0].slash(club.channel, "compare", first="t:1", second="t:1")
    assert result.ephemeral
    assert "Pick two different titles" in result.response.content
    assert user_errors(club.env) == [InvalidInput]


async def test_compare_titles_with_nothing_in_common(club) -> None:
    result = await club.raters[0].slash(club.channel, "compare", first="t:4", second="t:6")
    assert result.ephemeral
    assert "Nothing to compare yet between K-On! and Outlaw Star" in result.response.content
    assert user_errors(club.env) == [NotFound]


async def test_similar_ranks_review_links_then_members_then_tags_and_marks_the_askers_titles(club) -> None:
    result = await club.raters[0].slash(club.channel, "similar", title="t:1")
    embed = result.response.embeds[0]
    assert embed.title == "Like Cowboy Bebop"
    lines = embed.description.split("\n")
    assert lines[0].startswith("**1.** [Trigun](<https://anilist.co/anime/3>)")
    assert lines[1].startswith("compared in the official review of Trigun")
    assert lines[2].startswith("**2.** [Samurai Champloo]") and lines[2].endswith("✓")
    assert "members who scored Cowboy Bebop highly gave it 8.7 on average (3 members)" in lines[3]
    assert "Outlaw Star" not in embed.description  # a studio credit is not a comparison
    assert "K-On!" not in embed.description  # scored the opposite way
    assert "[Space Dandy]" in lines[4] and lines[5] == "shares the tag Space"
    assert embed.footer.text.startswith("✓ you scored it")


async def test_similar_with_nothing_related_says_so(club) -> None:
    result = await club.raters[0].slash(club.channel, "similar", title="t:6")
    assert "Nothing related to Outlaw Star yet" in result.response.content
    assert user_errors(club.env) == [NotFound]


async def test_title_options_autocomplete_from_the_catalog(club) -> None:
    choices = await club.raters[0].autocomplete(club.channel, "similar", "title", "samurai")
    assert any(choice["value"] == "t:2" for choice in choices)


async def test_moderator_links_a_review_and_similar_shows_it_then_unlinks_it(club, simcord_bot, monkeypatch) -> None:
    """The edit reaches /similar at once, and the review post is asked to re-render its "Compared to:"."""
    refreshed = []

    async def refresh_post(guild_id: int, title_id: int) -> None:
        refreshed.append((guild_id, title_id))

    monkeypatch.setattr(simcord_bot.get_cog("Reviews"), "refresh_post", refresh_post)
    mod = club.moderator()
    added = await mod.slash(club.channel, "mod review compare", title="t:1", other="t:4")
    assert added.ephemeral
    assert "now compares it with **K-On!**" in added.response.content
    again = await mod.slash(club.channel, "mod review compare", title="t:1", other="t:4")
    assert "already compares" in again.response.content
    shown = await club.raters[0].slash(club.channel, "similar", title="t:4")
    assert "compared in the official review of Cowboy Bebop" in shown.response.embeds[0].description
    removed = await mod.slash(club.channel, "mod review uncompare", title="t:1", other="t:4")
    assert "no longer compares it with **K-On!**" in removed.response.content
    after = await club.raters[0].slash(club.channel, "similar", title="t:4")
    assert "Nothing related to K-On! yet" in after.response.content
    assert user_errors(club.env) == [NotFound]
    assert refreshed == [(club.guild.id, BEBOP), (club.guild.id, BEBOP)]  # the no-op "already" asked nothing


async def test_moderators_only_edit_comparisons(club) -> None:
    commands = await club.env.bot.tree.fetch_commands()
    club.guild.set_command_permissions(next(c for c in commands if c.name == "mod"), {club.raters[0]: True})
    result = await club.raters[0].slash(club.channel, "mod review compare", title="t:1", other="t:4")
    assert result.ephemeral and "Only moderators" in result.response.content
    assert user_errors(club.env) == [PermissionDenied]


async def test_linking_a_title_without_a_review_or_to_itself_is_refused(club) -> None:
    mod = club.moderator()
    missing = await mod.slash(club.channel, "mod review compare", title="t:2", other="t:4")
    assert "has no official review in this server" in missing.response.content
    itself = await mod.slash(club.channel, "mod review compare", title="t:1", other="t:1")
    assert "cannot be compared with its own title" in itself.response.content
    absent = await mod.slash(club.channel, "mod review uncompare", title="t:1", other="t:5")
    assert "does not compare it with **Space Dandy**" in absent.response.content
    assert user_errors(club.env) == [NotFound, InvalidInput, NotFound]
