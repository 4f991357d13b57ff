"""Buttons, selects and modals work only in the server they were made in, for whom they were made (or that
server's moderators where the action allows it); select values must be offered ones; a server kansou is not
in gets nothing done."""

from __future__ import annotations

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.interactions.binding import NOT_A_CHOICE, NOT_IN_SERVER, NOT_YOURS_OR_MODERATOR, OTHER_SERVER
from bot.storage.db import open_database
from tests.cogs.reviews.review_support import METALLIC_ROUGE, button_id, corpus, posts, seed_catalog
from tests.conftest import World
from tests.interactions.forged import forged_component

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

ROUGE = f"t:{METALLIC_ROUGE}"
REVIEW = corpus("02_metallic_rouge_prose.md")
OTHER_GUILD = 700_000_000_000_000_001


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


@pytest.fixture
def elsewhere(simcord_env):
    """A second server the bot is also in, with a moderator and a member."""
    guild = simcord_env.create_guild("Other Club", id=OTHER_GUILD)
    return World(simcord_env, guild, guild.create_text_channel("general"))


async def count(settings: Settings, table: str) -> int:
    db = await open_database(settings.database)
    try:
        row = await db.fetchone(f"SELECT COUNT(*) AS n FROM {table}")
        return int(row["n"]) if row else 0
    finally:
        await db.close()


async def preview(world: World, mod):
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    return await mod.submit_modal(shown, {"text": REVIEW})


async def test_a_moderator_of_another_server_cannot_publish_a_draft(world, elsewhere, settings) -> None:
    """Publish pressed from server B (by a member with Manage Messages there) is refused; nothing is posted."""
    shown = await preview(world, world.moderator())
    intruder = elsewhere.moderator("intruder")
    publish = button_id(shown, "publish")
    pressed = await forged_component(intruder, elsewhere.channel, shown.response.message, publish)
    assert pressed.ephemeral and pressed.response.content == OTHER_SERVER
    assert posts(world.channel) == [] and posts(elsewhere.channel) == []
    assert await count(settings, "reviews") == 0


async def test_a_draft_token_under_another_servers_ids_is_still_refused(world, elsewhere, settings) -> None:
    """A custom_id rewritten to name server B and the presser still names server A's draft: refused."""
    shown = await preview(world, world.moderator())
    intruder = elsewhere.moderator("intruder")
    original = button_id(shown, "publish")
    rewritten = f"review:publish:{elsewhere.guild.id}:{intruder.id}:{original.rsplit(':', 1)[1]}"
    message = shown.response.message
    pressed = await forged_component(intruder, elsewhere.channel, message, rewritten, replacing=original)
    assert pressed.response.content == OTHER_SERVER
    assert await count(settings, "reviews") == 0


async def test_a_member_who_is_not_a_moderator_cannot_use_someone_elses_draft(world, settings) -> None:
    shown = await preview(world, world.moderator("author"))
    member = world.member("curious")
    for action in ("publish", "cancel"):
        pressed = await forged_component(member, world.channel, shown.response.message, button_id(shown, action))
        assert pressed.ephemeral and pressed.response.content == NOT_YOURS_OR_MODERATOR
    assert posts(world.channel) == []


async def test_another_members_confirm_button_is_refused_and_so_is_the_owners_from_elsewhere(
    world, elsewhere, settings
) -> None:
    """/privacy forget's Confirm: another member of the server, or the owner pressing it from another server,
    changes nothing."""
    alice = world.member("alice")
    await alice.slash(world.channel, "rate", title=ROUGE, score=7)
    asked = await alice.slash(world.channel, "privacy forget")
    bob = world.member("bob")
    by_bob = await forged_component(bob, world.channel, asked.response.message, "confirm:yes")
    assert by_bob.ephemeral and "someone else's" in by_bob.response.content
    alice_elsewhere = elsewhere.guild.add_member(alice.user)
    from_b = await forged_component(alice_elsewhere, elsewhere.channel, asked.response.message, "confirm:yes")
    assert from_b.response.content == OTHER_SERVER
    assert await count(settings, "ratings") == 1


@pytest.mark.parametrize("value", ["abc", "7.5", "", "11", "0"])
async def test_a_rating_panel_value_that_was_not_offered_is_refused(world, settings, value: str) -> None:
    """Values the 1-10 select never offered get a friendly refusal (no incident) and store nothing."""
    mod = world.moderator()
    shown = await preview(world, mod)
    await mod.click(shown.response.message, custom_id=button_id(shown, "publish"))
    [post] = posts(world.channel)
    member = world.member("alice")
    chose = await forged_component(member, world.channel, post, "review:rate", values=[value])
    assert chose.ephemeral and chose.response.content == NOT_A_CHOICE
    assert await count(settings, "ratings") == 0
    none = await forged_component(member, world.channel, post, "review:rate", values=[])
    assert none.response.content == NOT_A_CHOICE


async def test_a_review_post_cannot_be_scored_from_another_server(world, elsewhere, settings) -> None:
    mod = world.moderator()
    shown = await preview(world, mod)
    await mod.click(shown.response.message, custom_id=button_id(shown, "publish"))
    [post] = posts(world.channel)
    outsider = elsewhere.member("outsider")
    chose = await forged_component(outsider, elsewhere.channel, post, "review:rate", values=["10"])
    assert chose.response.content == OTHER_SERVER
    assert await count(settings, "ratings") == 0


async def test_a_server_kansou_is_not_in_is_refused_and_nothing_is_stored(world, simcord_env, settings) -> None:
    """Discord says kansou left the server; a member there still uses its commands: refused, nothing stored."""
    member = world.member("alice")
    simcord_env.backend.emit("GUILD_DELETE", {"id": str(world.guild.id)})
    await simcord_env.settle()
    assert simcord_env.bot.get_guild(world.guild.id) is None
    rated = await member.slash(world.channel, "rate", title=ROUGE, score=9)
    assert rated.ephemeral and rated.response.content == NOT_IN_SERVER
    assert await count(settings, "ratings") == 0
    choices = await member.autocomplete(world.channel, "rate", "title", "metal")
    assert choices == []
