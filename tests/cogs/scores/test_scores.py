"""Community scores end to end through simcord: every command, bad input, isolation, concurrency, restart."""

from __future__ import annotations

import csv
import io
import random
from typing import cast

import discord
import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.scores.stats import Aggregate
from bot.storage.db import open_database
from bot.storage.ratings import RatingRepo

METALLIC_ROUGE, MONSTER, KAIBA, DEATH_PARADE = 9, 14, 39, 8


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles):
    return create_bot(settings)


async def stored(settings: Settings, guild_id: int, title_id: int) -> Aggregate:
    """What the database file holds, read through a second connection."""
    db = await open_database(settings.database)
    try:
        return await RatingRepo(db).aggregate(guild_id, title_id)
    finally:
        await db.close()


def fields(result) -> dict[str, str]:
    return {field.name: field.value for field in result.response.embeds[0].fields}


async def test_rate_confirms_with_the_new_community_average(world) -> None:
    """/rate stores the score and answers privately with the average and vote count."""
    alice, bob = world.member("alice"), world.member("bob")
    await bob.slash(world.channel, "rate", title="t:9", score=6)
    result = await alice.slash(world.channel, "rate", title="t:9", score=9)
    assert result.ephemeral
    assert "Saved your **9/10**" in result.response.content
    assert "Metallic Rouge" in result.response.content
    assert "7.50 / 10 from 2 votes" in result.response.content


def user_errors(env) -> list[BaseException]:
    """The user-facing errors the bot raised (and answered); reading env.errors acknowledges them."""
    return [getattr(error, "original", None) or error.__cause__ or error for error in env.errors]


def custom_ids(result) -> list[str]:
    return [c["custom_id"] for row in result.response.components for c in row["components"] if "custom_id" in c]


async def test_rerating_replaces_the_old_score(world, settings) -> None:
    """A second /rate replaces the member's score; the average is never taken against the old one."""
    alice = world.member("alice")
    await alice.slash(world.channel, "rate", title="t:9", score=4)
    result = await alice.slash(world.channel, "rate", title="t:9", score=10)
    assert "from 4 to **10/10**" in result.response.content
    assert "10.00 / 10 from 1 vote" in result.response.content
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate.of([10])


async def test_typed_exact_name_is_rated_without_asking(world, settings) -> None:
    """A name the catalog surely knows needs no autocomplete pick."""
    result = await world.member().slash(world.channel, "rate", title="Monster", score=8)
    assert "Saved your **8/10**" in result.response.content
    assert await stored(settings, world.guild.id, MONSTER) == Aggregate.of([8])


async def test_rate_autocomplete_offers_titles_with_ids(world) -> None:
    """Typing part of a name offers catalog titles whose values carry the id."""
    choices = await world.member().autocomplete(world.channel, "rate", "title", "metal")
    assert {"name": "Metallic Rouge (2024)", "value": "t:9"} in choices


async def test_near_miss_asks_did_you_mean_and_rates_the_pick(world, settings) -> None:
    """'Metalic Rouge' is not created as a new title: the member picks Metallic Rouge and the score is saved."""
    alice = world.member("alice")
    asked = await alice.slash(world.channel, "rate", title="Metalic Rouge", score=7)
    assert "Did you mean" in asked.response.content
    assert custom_ids(asked)[0] == "rate:pick:0"
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate()
    picked = await alice.click(asked.response.message, custom_id="rate:pick:0")
    assert "Saved your **7/10** for [Metallic Rouge]" in picked.response.content
    assert picked.response.components == []
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate.of([7])


async def test_did_you_mean_none_of_these_stores_nothing(world, settings) -> None:
    """Declining the suggestions saves nothing and no title is created."""
    alice = world.member("alice")
    asked = await alice.slash(world.channel, "rate", title="Metalic Rouge", score=7)
    declined = await alice.click(asked.response.message, custom_id="rate:cancel")
    assert "Nothing saved" in declined.response.content
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate()


async def test_unknown_title_is_added_for_the_server_once_the_member_confirms(world, settings) -> None:
    """A show nothing resembles is offered as a new local title; Add creates it and saves the score."""
    member = world.member()
    asked = await member.slash(world.channel, "rate", title="Qwxzzv Plorp", score=7)
    assert asked.ephemeral
    assert asked.response.content.startswith("Not found. Add *Qwxzzv Plorp* as a new title for this server?")
    assert custom_ids(asked) == ["confirm:yes", "confirm:no"]
    db = await open_database(settings.database)
    try:
        assert await db.fetchone("SELECT id FROM titles WHERE name = 'Qwxzzv Plorp'") is None
        added = await member.click(asked.response.message, custom_id="confirm:yes")
        assert "Qwxzzv Plorp" in added.response.content and "7/10" in added.response.content
        local = await db.fetchone("SELECT id, local, guild_id FROM titles WHERE name = 'Qwxzzv Plorp'")
        assert local is not None and (local["local"], local["guild_id"]) == (1, world.guild.id)
        assert (await RatingRepo(db).aggregate(world.guild.id, local["id"])).count == 1
    finally:
        await db.close()
    again = await world.member().slash(world.channel, "rate", title="qwxzzv plorp", score=9)
    assert "2 votes" in again.response.content


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "The title is empty"),
        ("x" * 400, "at most"),
        ("@everyone <@&123> <@456>", "cannot contain mentions"),
    ],
)
async def test_bad_title_text_is_answered_privately(world, settings, typed: str, says: str) -> None:
    """Empty, too long or mention-filled titles: an ephemeral explanation, nothing stored."""
    result = await world.member().slash(world.channel, "rate", title=typed, score=5)
    assert result.ephemeral
    assert says in result.response.content
    assert user_errors(world.env)
    db = await open_database(settings.database)
    try:
        assert await RatingRepo(db).count() == 0
    finally:
        await db.close()


async def test_rating_role_is_enforced(world, settings) -> None:
    """With a rating role set, members without it are refused and members with it may score."""
    admin = world.admin()
    voters = world.guild.create_role("voters")
    await admin.slash(world.channel, "settings rating-role", role=voters)
    outsider = world.member("outsider")
    refused = await outsider.slash(world.channel, "rate", title="t:9", score=8)
    assert refused.ephemeral
    assert "Only members with the" in refused.response.content
    assert user_errors(world.env)
    insider = world.guild.add_member(world.env.create_user("insider"), roles=[voters])
    accepted = await insider.slash(world.channel, "rate", title="t:9", score=8)
    assert "Saved your **8/10**" in accepted.response.content
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate.of([8])


async def test_rating_cooldown_uses_the_simulated_clock(world, settings) -> None:
    """Under a 30 s cooldown a quick second score waits; after 30 s of simulated time it is accepted."""
    await world.admin().slash(world.channel, "settings rating-cooldown", seconds=30)
    alice = world.member("alice")
    await alice.slash(world.channel, "rate", title="t:9", score=5)
    await world.env.advance_time(10)
    early = await alice.slash(world.channel, "rate", title="t:14", score=9)
    assert early.ephemeral
    assert "try again in 20 s" in early.response.content
    assert user_errors(world.env)
    assert await stored(settings, world.guild.id, MONSTER) == Aggregate()
    await world.env.advance_time(20)
    later = await alice.slash(world.channel, "rate", title="t:14", score=9)
    assert "Saved your **9/10**" in later.response.content


async def test_admin_sets_min_votes_role_and_cooldown(world) -> None:
    """The three score settings are saved and shown back to the admin."""
    admin = world.admin()
    voters = world.guild.create_role("voters")
    await admin.slash(world.channel, "settings min-votes", votes=5)
    await admin.slash(world.channel, "settings rating-cooldown", seconds=45)
    changed = await admin.slash(world.channel, "settings rating-role", role=voters)
    assert changed.ephemeral
    shown = fields(changed)
    assert shown["Minimum votes (m)"] == "5"
    assert shown["Rating cooldown"] == "45 s"
    assert shown["Rating role"] == f"<@&{voters.id}>"
    cleared = await admin.slash(world.channel, "settings rating-role")
    assert "every member may score" in fields(cleared)["Rating role"]


async def test_unrate_removes_the_members_score(world, settings) -> None:
    """/unrate removes only the caller's score; a second /unrate says there is none."""
    alice, bob = world.member("alice"), world.member("bob")
    await alice.slash(world.channel, "rate", title="t:9", score=3)
    await bob.slash(world.channel, "rate", title="t:9", score=9)
    removed = await alice.slash(world.channel, "unrate", title="t:9")
    assert "Removed your score (3/10)" in removed.response.content
    assert "9.00 / 10 from 1 vote" in removed.response.content
    again = await alice.slash(world.channel, "unrate", title="t:9")
    assert "have not scored" in again.response.content
    assert user_errors(world.env)
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate.of([9])


async def test_score_shows_the_community_figures_publicly(world) -> None:
    """/score: mean with two decimals, median, votes, deviation, histogram bars, and the asker's own score."""
    members = [world.member(f"m{i}") for i in range(3)]
    for member, score in zip(members, [7, 8, 8], strict=True):
        await member.slash(world.channel, "rate", title="t:9", score=score)
    result = await members[0].slash(world.channel, "score", title="t:9")
    assert not result.ephemeral
    shown = fields(result)
    assert shown["Community mean"] == "**7.67** / 10"
    assert shown["Median"] == "8"
    assert shown["Votes"] == "3"
    assert shown["Std. deviation"] == "0.47"
    bars = shown["Distribution"]
    assert " 8 ████████████████ 2" in bars
    assert " 7 ████████         1" in bars
    embed = result.response.embeds[0]
    assert embed.title == "Metallic Rouge"
    assert embed.footer.text == "Your score: 7/10"
    other = await world.member("nobody").slash(world.channel, "score", title="t:9")
    assert other.response.embeds[0].footer.text is None


async def test_score_of_an_unscored_title_invites_the_first_vote(world) -> None:
    """No votes yet: no figures, an invitation to /rate."""
    result = await world.member().slash(world.channel, "score", title="t:39")
    assert "Be the first" in result.response.embeds[0].description


async def test_servers_are_isolated(world, settings) -> None:
    """Scores in one server never appear in another's /score, /top or /ratings."""
    other_guild = world.env.create_guild("Other Club")
    other_channel = other_guild.create_text_channel("general")
    user = world.env.create_user("both")
    here = world.guild.add_member(user)
    there = other_guild.add_member(user)
    await here.slash(world.channel, "rate", title="t:9", score=10)
    await there.slash(other_channel, "rate", title="t:9", score=2)
    assert fields(await here.slash(world.channel, "score", title="t:9"))["Community mean"] == "**10.00** / 10"
    assert fields(await there.slash(other_channel, "score", title="t:9"))["Community mean"] == "**2.00** / 10"
    listed = await there.slash(other_channel, "ratings list")
    assert "**2/10**" in listed.response.embeds[0].description
    assert "10/10" not in listed.response.embeds[0].description
    await there.slash(other_channel, "unrate", title="t:9")
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate.of([10])
    assert await stored(settings, other_guild.id, METALLIC_ROUGE) == Aggregate()


async def test_top_ranks_by_weighted_rating_and_pages(world) -> None:
    """/top orders by WR, leaves out titles under the minimum votes, shows WR, mean and votes, and pages."""
    members = [world.member(f"m{i}") for i in range(4)]
    # Eleven titles with 3 votes each (scores 1..10 and one more), one title with a single 10.
    title_ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    for rank_score, title_id in enumerate(title_ids, start=0):
        for member in members[:3]:
            await member.slash(world.channel, "rate", title=f"t:{title_id}", score=min(10, 1 + rank_score))
    await members[3].slash(world.channel, "rate", title="t:39", score=10)
    result = await members[0].slash(world.channel, "top")
    assert not result.ephemeral
    first_page = result.response.embeds[0].description
    lines = first_page.splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("**1.** [Carole & Tuesday]")  # ties at mean 10 with FMA:B; lower id first
    assert lines[1].startswith("**1.** [Fullmetal Alchemist: Brotherhood]")  # a tie shares the rank
    assert lines[2].startswith("**3.** ")
    assert "mean 10.00" in lines[0] and "3 votes" in lines[0] and "you **10**" in lines[0]
    assert "Kaiba" not in first_page  # one vote, under the default minimum of 3
    turned = await members[0].click(result.response.message, custom_id="page:next")
    second_page = turned.response.embeds[0].description
    assert second_page.startswith("**11.** [Attack on Titan]")
    footer = result.response.embeds[0].footer.text
    assert footer.startswith("You scored 11 of these 11 titles")
    assert "Ranked by a weighted score so that a few votes don't top the list" in footer
    assert "WR =" not in footer and "/help top" in footer
    outsider = await world.member("new").slash(world.channel, "top")
    assert "you **" not in outsider.response.embeds[0].description
    assert "You scored" not in outsider.response.embeds[0].footer.text
    assert "mean 1.00" in second_page
    with_one_vote = await members[0].slash(world.channel, "top", min_votes=1, limit=100)
    assert "Kaiba" in "".join(e.description for e in with_one_vote.response.embeds)
    footer = with_one_vote.response.embeds[0].footer.text
    assert "at least 1 vote" in footer and "1 votes" not in footer


async def test_top_without_enough_votes_says_so(world) -> None:
    """An empty leaderboard explains the minimum."""
    result = await world.member().slash(world.channel, "top")
    assert "No title has 3 votes or more yet" in result.response.embeds[0].description


async def test_ratings_list_shows_a_members_scores_highest_first(world) -> None:
    """/ratings list for oneself and for another member, highest score first."""
    alice, bob = world.member("alice"), world.member("bob")
    for title_id, score in [(9, 6), (14, 9), (39, 3)]:
        await alice.slash(world.channel, "rate", title=f"t:{title_id}", score=score)
    mine = await alice.slash(world.channel, "ratings list")
    lines = mine.response.embeds[0].description.splitlines()[3:]  # after the profile header
    assert [line.split(" · ")[0] for line in lines] == ["**9/10**", "**6/10**", "**3/10**"]
    assert "Monster" in lines[0]
    theirs = await bob.slash(world.channel, "ratings list", member=alice)
    assert theirs.response.embeds[0].description == mine.response.embeds[0].description
    assert "alice" in theirs.response.embeds[0].title
    empty = await bob.slash(world.channel, "ratings list")
    assert "No scores" in empty.response.embeds[0].description


async def test_ratings_list_opens_with_the_members_profile(world) -> None:
    """Scores given, mean, how far from the server's mean, and the tags of the titles scored most."""
    alice, bob = world.member("alice"), world.member("bob")
    for title_id, score in [(9, 6), (14, 9), (39, 3)]:  # Metallic Rouge, Monster, Kaiba
        await alice.slash(world.channel, "rate", title=f"t:{title_id}", score=score)
    await bob.slash(world.channel, "rate", title="t:9", score=10)
    embed = (await bob.slash(world.channel, "ratings list", member=alice)).response.embeds[0]
    header, tags, blank, first, *_ = embed.description.splitlines()
    # (6 + 9 + 3 + 10) / 4 = 7.00 for the server; alice's mean is 6.00
    assert header == "**3 scores** given · mean **6.00** · 1.00 below the server's 7.00"
    assert tags == "Most-rated tags: mystery (2) · sci-fi (2) · action (1) · android (1) · drama (1)"
    assert blank == "" and first.startswith("**9/10**")  # then the list
    own = (await bob.slash(world.channel, "ratings list")).response.embeds[0]
    assert own.description.splitlines()[0] == "**1 score** given · mean **10.00** · 3.00 above the server's 7.00"


async def test_ratings_export_is_a_private_csv(world) -> None:
    """/ratings export attaches the caller's scores as CSV, ephemerally."""
    alice = world.member("alice")
    await alice.slash(world.channel, "rate", title="t:9", score=6)
    await alice.slash(world.channel, "rate", title="t:14", score=9)
    result = await alice.slash(world.channel, "ratings export")
    assert result.ephemeral
    (attachment,) = result.response.attachments
    assert attachment.filename == "kansou-scores.csv"
    rows = list(csv.reader(io.StringIO((await attachment.read()).decode("utf-8"))))
    assert rows[0] == ["title_id", "title", "score", "updated_at"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [("14", "Monster", "9"), ("9", "Metallic Rouge", "6")]


async def test_moderator_removes_a_score_and_it_is_audited(world, settings) -> None:
    """Moderators remove one member's score (audit row with who); members without the power are refused."""
    alice, bob, mod = world.member("alice"), world.member("bob"), world.moderator()
    await alice.slash(world.channel, "rate", title="t:9", score=1)
    await bob.slash(world.channel, "rate", title="t:9", score=8)
    await world.show_command("mod", bob)  # shown to him through Integrations; kansou still refuses
    refused = await bob.slash(world.channel, "mod ratings remove", member=alice, title="t:9")
    assert "Only moderators" in refused.response.content
    assert user_errors(world.env)
    removed = await mod.slash(world.channel, "mod ratings remove", member=alice, title="t:9")
    assert removed.ephemeral and "Removed" in removed.response.content
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate.of([8])
    db = await open_database(settings.database)
    try:
        (entry,) = await RatingRepo(db).removals(world.guild.id)
    finally:
        await db.close()
    assert (entry["user_id"], entry["moderator_id"], entry["score"]) == (alice.id, mod.id, 1)


async def test_privacy_forget_asks_first_then_deletes_everything(world, settings) -> None:
    """Cancel keeps the scores; confirm deletes all of the caller's scores in this server."""
    alice, bob = world.member("alice"), world.member("bob")
    await alice.slash(world.channel, "rate", title="t:9", score=6)
    await alice.slash(world.channel, "rate", title="t:14", score=9)
    await bob.slash(world.channel, "rate", title="t:9", score=2)
    asked = await alice.slash(world.channel, "privacy forget")
    assert asked.ephemeral and "all your 2 scores" in asked.response.content
    cancelled = await alice.click(asked.response.message, custom_id="confirm:no")
    assert "nothing was changed" in cancelled.response.content
    assert await stored(settings, world.guild.id, MONSTER) == Aggregate.of([9])
    asked = await alice.slash(world.channel, "privacy forget")
    done = await alice.click(asked.response.message, custom_id="confirm:yes")
    assert "Deleted your 2 scores" in done.response.content
    assert await stored(settings, world.guild.id, MONSTER) == Aggregate()
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == Aggregate.of([2])
    nothing = await alice.slash(world.channel, "privacy forget")
    assert "nothing to delete" in nothing.response.content


async def test_score_changes_are_announced_for_the_review_post(world, simcord_bot) -> None:
    """Every change dispatches kansou_score_changed, and community_line gives the Community field."""
    seen: list[tuple[int, int]] = []

    async def on_kansou_score_changed(guild_id: int, title_id: int) -> None:
        seen.append((guild_id, title_id))

    simcord_bot.add_listener(on_kansou_score_changed)
    alice = world.member("alice")
    await alice.slash(world.channel, "rate", title="t:9", score=6)
    await alice.slash(world.channel, "unrate", title="t:9")
    await alice.slash(world.channel, "rate", title="t:14", score=7)
    assert seen == [(world.guild.id, 9), (world.guild.id, 9), (world.guild.id, 14)]
    cog = simcord_bot.get_cog("Scores")
    assert await cog.community_line(world.guild.id, MONSTER) == "7.00 / 10 from 1 vote"


async def test_500_interleaved_interactions_from_100_members_end_exact(world, settings) -> None:
    """Rates, re-rates and unrates from 100 members in a shuffled order give the exact final figures."""
    members = [world.member(f"voter{i}") for i in range(100)]
    rng = random.Random(500)
    model: dict[int, int] = {}
    for _ in range(500):
        index = rng.randrange(100)
        member = members[index]
        if index in model and rng.random() < 0.25:
            result = await member.slash(world.channel, "unrate", title="t:9")
            assert "Removed your score" in result.response.content
            del model[index]
        else:
            score = rng.randint(1, 10)
            result = await member.slash(world.channel, "rate", title="t:9", score=score)
            assert f"**{score}/10**" in result.response.content
            model[index] = score
    expected = Aggregate.of(list(model.values()))
    assert await stored(settings, world.guild.id, METALLIC_ROUGE) == expected
    shown = fields(await members[0].slash(world.channel, "score", title="t:9"))
    assert shown["Votes"] == str(len(model))
    assert shown["Community mean"] == f"**{expected.mean:.2f}** / 10"


async def test_scores_survive_a_restart(world, settings) -> None:
    """After the bot restarts on the same database, /score shows what members were told was saved."""
    alice, bob = world.member("alice"), world.member("bob")
    await alice.slash(world.channel, "rate", title="t:9", score=9)
    await bob.slash(world.channel, "rate", title="t:9", score=6)
    await world.env.restart_bot(create_bot(settings))
    shown = fields(await alice.slash(world.channel, "score", title="t:9"))
    assert shown["Community mean"] == "**7.50** / 10"
    assert shown["Votes"] == "2"


async def test_a_user_who_is_not_a_member_has_no_roles_to_score_with(world) -> None:
    """An interaction from a user who is no longer a member gives no role ids, which the service refuses."""
    from cogs.scores.cog import member_role_ids

    class Departed:
        user = discord.Object(id=1)

    assert member_role_ids(cast("discord.Interaction", Departed())) is None  # a stand-in: only .user is read
