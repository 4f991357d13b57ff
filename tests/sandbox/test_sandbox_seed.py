"""The sandbox's demo server, seeded through kansou's own commands, driven in-process with simcord."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from simcord import Env

from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.sandbox.app import SEEDED_KEY, SandboxOptions, mark_seeded, prepare_database, sandbox_settings
from bot.sandbox.seed import MIN_VOTES, REVIEWED, SCORES, pick_title, seed
from bot.sandbox.world import DEMO_GUILD_ID, DemoServer, build_demo_server
from bot.storage.sqlite import SQLiteDatabase
from bot.storage.state import StateRepo

pytestmark = pytest.mark.simcord(settle_timeout=2.0)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return sandbox_settings(SandboxOptions(db_path=tmp_path / "kansou-sandbox.db"))


@pytest.fixture
async def simcord_bot(settings: Settings):
    assert await prepare_database(settings.db_path, reset=False), "a missing database is a new one"
    return create_bot(settings)


@pytest.fixture
async def server(simcord_env: Env) -> DemoServer:
    demo = build_demo_server(simcord_env)
    await seed(demo)
    return demo


def embeds_in(channel: Any) -> list[Any]:
    return [embed for message in channel.history() if message.author.bot for embed in message.embeds]


async def ask(server: DemoServer, command: str, **titles: str) -> Any:
    """Run a command as the admin, picking each title option in the autocomplete as a member would."""
    options = {}
    for option, name in titles.items():
        choices = await server.admin.autocomplete(server.reviews, command, option, name)
        options[option] = next(c["value"] for c in choices if c["name"].startswith(name))
    return await server.admin.slash(server.reviews, command, **options)


def test_the_demo_server_has_its_channels_roles_and_people(simcord_env: Env) -> None:
    """#reviews and #general, a Moderator role; an admin, a moderator and four members to act as."""
    demo = build_demo_server(simcord_env)
    assert demo.guild.id == DEMO_GUILD_ID
    assert [c.name for c in (demo.reviews, demo.general)] == ["reviews", "general"]

    def role_names(person: Any) -> list[str]:
        roles = {role.id: role.name for role in simcord_env.backend.get_guild(demo.guild.id).roles.values()}
        return [roles[i] for i in simcord_env.backend.get_member(demo.guild.id, person.id).role_ids]

    assert role_names(demo.admin) == ["Admin"]
    assert role_names(demo.moderator) == ["Moderator"]
    assert len(demo.members) == 4 and all(role_names(m) == [] for m in demo.members)


async def test_seeding_publishes_the_official_review_in_reviews(server: DemoServer) -> None:
    """The moderator's /mod review post, published: the summary embed is in #reviews with its score and comparisons."""
    [embed] = [e for e in embeds_in(server.reviews) if e.title == REVIEWED]
    assert "9 / 10" in (embed.description or "")
    compared = next(field.value for field in embed.fields if field.name.startswith("Compared"))
    assert "Samurai Champloo" in compared and "Trigun" in compared
    community = next(field.value for field in embed.fields if field.name == "Community")
    assert "5 votes" in community
    assert embeds_in(server.general) == []


async def test_seeded_settings_are_what_the_admin_chose(server: DemoServer) -> None:
    result = await server.admin.slash(server.reviews, "settings show")
    fields = {field.name: field.value for field in result.response.embeds[0].fields}
    assert fields["Reviews channel"] == server.reviews.mention
    assert str(server.moderator_role.id) in fields["Reviewer role"]
    assert fields["Minimum votes (m)"] == str(MIN_VOTES)


async def test_score_shows_the_community_votes_and_the_official_review(server: DemoServer) -> None:
    result = await ask(server, "score", title=REVIEWED)
    fields = {field.name: field.value for field in result.response.embeds[0].fields}
    assert fields["Votes"] == str(sum(score is not None for score in SCORES[REVIEWED]))
    assert fields["Community mean"] == "**9.20** / 10"
    assert fields["Official score"] == "9 / 10"


async def test_top_lists_the_titles_with_enough_votes(server: DemoServer) -> None:
    """The demo's titles all have at least MIN_VOTES scores; the first page shows the best of them."""
    assert all(sum(score is not None for score in scores) >= MIN_VOTES for scores in SCORES.values())
    result = await server.admin.slash(server.reviews, "top")
    text = result.response.embeds[0].description or ""
    listed = [name for name in SCORES if name in text]
    assert len(listed) == text.count(" votes") >= 5
    assert "Frieren: Beyond Journey's End" in listed and REVIEWED in listed


async def test_similar_and_compare_have_something_to_show(server: DemoServer) -> None:
    similar = str((await ask(server, "similar", title=REVIEWED)).response.embeds[0].to_dict())
    assert "Samurai Champloo" in similar
    compared = await ask(server, "compare", first=REVIEWED, second="Samurai Champloo")
    text = str(compared.response.embeds[0].to_dict())
    assert REVIEWED in text and "Samurai Champloo" in text


async def test_autocomplete_knows_the_demo_catalog(server: DemoServer) -> None:
    """A few hundred real titles: typing part of a name finds it."""
    assert await pick_title(server.members[0], server.reviews, "rate", "Made in Abyss")


async def test_a_new_database_is_seeded_once(settings: Settings, server: DemoServer) -> None:
    """Once seeded, the next start keeps the data and does not seed again (prepare_database says it is not new)."""
    assert isinstance(server.env.bot, KansouBot)
    await mark_seeded(server.env.bot)
    assert not await prepare_database(settings.db_path, reset=False)


async def test_reset_starts_over(tmp_path: Path) -> None:
    """--reset deletes a seeded database: the demo is seeded again from scratch."""
    path = tmp_path / "s.db"
    assert await prepare_database(path, reset=False)
    db = await SQLiteDatabase.open(path)
    await StateRepo(db).set(SEEDED_KEY, "earlier")
    await db.close()
    assert not await prepare_database(path, reset=False)
    assert await prepare_database(path, reset=True)


async def test_a_restart_finds_the_same_people_and_their_scores(settings: Settings) -> None:
    """The server is rebuilt with the same ids on every start, so scores kept in the database are still theirs."""

    async def start(action: str) -> tuple[list[int], str]:
        await prepare_database(settings.db_path, reset=False)  # every start, as the sandbox does
        bot = create_bot(settings)
        env = Env(bot, settle_timeout=2.0)
        demo = build_demo_server(env)  # as the sandbox does it: before the bot starts
        await env.start()
        try:
            yuki, channel = demo.members[0], demo.reviews
            title = await pick_title(yuki, channel, "rate", "Planetes")
            if action == "rate":
                said = await yuki.slash(channel, "rate", title=title, score=7)
                text = said.response.content or ""
            else:
                shown = await yuki.slash(channel, "score", title=title)
                text = shown.response.embeds[0].footer.text or ""
        finally:
            await env.shutdown()
            await bot.close()
        return [demo.guild.id, demo.reviews.id, demo.moderator_role.id, *(p.id for p in demo.people)], text

    first_ids, rated = await start("rate")
    again_ids, footer = await start("score")
    assert "Saved your" in rated
    assert again_ids == first_ids
    assert footer == "Your score: 7/10"
