"""Apps → Post as official review: a message (and its review file) becomes a draft, for moderators only."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.errors import InvalidInput, PermissionDenied
from tests.cogs.reviews.review_support import (
    DEATH_PARADE,
    answered_errors,
    button_id,
    fields,
    posts,
    seed_catalog,
)

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

MENU = "Post as official review"
LONG_REVIEW = (Path(__file__).parent / "long_review.md").read_text(encoding="utf-8")
SHORT = "# Death Parade review\n\nA strange bar, dark games and a moving ending. It is worth watching.\n\nScore: 8/10"


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


def inputs(shown) -> dict[str, dict]:
    return {c["custom_id"]: c for row in shown.modal["components"] for c in row["components"]}


async def test_the_menu_is_a_moderators_message_command(world, simcord_bot) -> None:
    [menu] = [c for c in simcord_bot.tree.get_commands() if c.name == MENU]
    assert menu.type.name == "message" and menu.default_permissions.manage_messages and menu.guild_only


async def test_a_messages_text_becomes_a_preview_with_the_title_from_its_heading(world) -> None:
    author, mod = world.member("writer"), world.moderator()
    message = await author.send(world.channel, SHORT)
    shown = await mod.context_menu(world.channel, MENU, message)
    assert shown.modal["title"] == MENU
    assert inputs(shown)["title"]["value"] == "Death Parade"
    preview = await mod.submit_modal(shown, {"title": "Death Parade"})
    assert preview.ephemeral and preview.response.embeds[0].title == "Death Parade"
    assert "**Score:** 8 / 10" in preview.response.content
    assert f"**Read:** {len(SHORT)} characters from the message. Nothing was cut or ignored." in (
        preview.response.content
    )
    done = await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert "Published the official review of **Death Parade**" in done.response.content


async def test_a_message_with_its_review_attached_reads_the_file_and_says_what_it_ignored(world) -> None:
    author, mod = world.member("writer"), world.moderator()
    message = await author.send(
        world.channel,
        "My Death Parade review is attached.",
        attachments=[("parade.md", LONG_REVIEW.encode()), ("cover.png", b"\x89PNG....")],
    )
    shown = await mod.context_menu(world.channel, MENU, message)
    preview = await mod.submit_modal(shown, {"title": f"t:{DEATH_PARADE}"})
    text = preview.response.content
    assert "from the message and parade.md" in text and "**Score:** 8 / 10" in text
    assert "Not read: the attachment cover.png (not a .txt or .md file)" in text
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert "Verdict" in fields(posts(world.channel)[0].embeds[0])


async def test_a_non_moderator_is_refused_and_nothing_opens(world, simcord_env, simcord_bot) -> None:
    """default_permissions only hides the menu; a server that shows it to everyone still gets a refusal."""
    author, member = world.member("writer"), world.member("fan")
    [menu] = [c for c in await simcord_bot.tree.fetch_commands() if c.name == MENU]
    world.guild.set_command_permissions(menu, {member: True})
    message = await author.send(world.channel, SHORT)
    refused = await member.context_menu(world.channel, MENU, message)
    assert refused.ephemeral and "Only moderators" in refused.response.content
    assert refused.modal is None
    assert answered_errors(simcord_env) == [PermissionDenied]


async def test_an_unsure_title_asks_did_you_mean(world) -> None:
    author, mod = world.member("writer"), world.moderator()
    message = await author.send(world.channel, "Thoughts after the finale: it is worth watching. 7/10")
    shown = await mod.context_menu(world.channel, MENU, message)
    assert not inputs(shown)["title"].get("value")
    asked = await mod.submit_modal(shown, {"title": "Death Parad"})
    assert "Did you mean" in asked.response.content
    options = next(c for row in asked.response.components for c in row["components"])["options"]
    assert options[0]["label"] == "Death Parade" and options[-1]["description"].startswith("none of these")
    preview = await mod.select(asked.response.message, [options[0]["value"]], custom_id="review:didyoumean")
    assert preview.response.embeds[0].title == "Death Parade"


async def test_a_message_without_text_is_refused_clearly(world, simcord_env) -> None:
    author, mod = world.member("writer"), world.moderator()
    message = await author.send(world.channel, "", attachments=[("cover.png", b"\x89PNG....")])
    refused = await mod.context_menu(world.channel, MENU, message)
    assert refused.ephemeral and "no review text" in refused.response.content
    assert answered_errors(simcord_env) == [InvalidInput]


async def test_a_binary_review_file_on_a_message_is_refused(world, simcord_env) -> None:
    author, mod = world.member("writer"), world.moderator()
    message = await author.send(world.channel, "", attachments=[("review.txt", b"\x00\x01binary\x00")])
    refused = await mod.context_menu(world.channel, MENU, message)
    assert refused.ephemeral and "binary" in refused.response.content
    assert answered_errors(simcord_env) == [InvalidInput]
