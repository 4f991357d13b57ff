"""Official reviews through simcord: replace, edit, history, show, list, delete, permissions, bad input, faults."""

from __future__ import annotations

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.errors import InvalidInput, PermissionDenied, UserFacingError
from tests.cogs.reviews.review_support import (
    METALLIC_ROUGE,
    MONSTER,
    answered_errors,
    button_id,
    corpus,
    fields,
    posts,
    rows,
    seed_catalog,
)

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

ROUGE = f"t:{METALLIC_ROUGE}"
REVIEW = corpus("02_metallic_rouge_prose.md")


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


async def publish(world, mod, text: str = REVIEW, title: str = ROUGE, channel=None, **options):
    channel = channel or world.channel
    shown = await mod.slash(channel, "mod review post", title=title, **options)
    preview = await mod.submit_modal(shown, {"text": text})
    return await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))


async def test_posting_again_asks_to_replace_and_keeps_the_old_text_as_a_revision(world, settings) -> None:
    mod = world.moderator()
    await publish(world, mod, "A first short review; it is worth watching. Score: 6/10")
    asked = await mod.slash(world.channel, "mod review post", title=ROUGE)
    assert "already has an official review" in asked.response.content
    form = await mod.click(asked.response.message, custom_id="confirm:yes")
    preview = await mod.submit_modal(form, {"text": REVIEW})
    assert "replaces" in preview.response.content
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert [p.embeds[0].description.split("\n")[0] for p in posts(world.channel)] == ["**Official score: 5.5 / 10**"]
    stored = await rows(settings, "SELECT status, score FROM reviews ORDER BY id")
    assert stored == [("replaced", 6.0), ("current", 5.5)]
    history = await mod.slash(world.channel, "review history", title=ROUGE)
    assert "A first short review" in history.response.embeds[0].description


async def test_review_edit_updates_post_and_thread_in_place(world, settings) -> None:
    mod = world.moderator()
    await publish(world, mod)
    [post] = posts(world.channel)
    form = await mod.slash(world.channel, "mod review edit", title=ROUGE)
    assert form.modal["title"] == "Edit official review"
    preview = await mod.submit_modal(form, {"text": "Rewritten: the story is great and it is worth watching. 9/10"})
    assert "edits" in preview.response.content
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    [same] = posts(world.channel)
    assert same.id == post.id and "9 / 10" in same.embeds[0].description
    [thread] = world.channel.threads
    assert [m.content for m in thread.history()] == ["Rewritten: the story is great and it is worth watching. 9/10"]
    assert await rows(settings, "SELECT count(*) FROM review_revisions") == [(1,)]
    history = await mod.slash(world.channel, "review history", title=ROUGE)
    assert "Revision 1" in history.response.embeds[0].description


async def test_show_gives_the_post_or_says_there_is_none(world) -> None:
    mod, member = world.moderator(), world.member()
    none = await member.slash(world.channel, "review show", title=ROUGE)
    assert none.ephemeral and "no official review" in none.response.content
    await publish(world, mod)
    shown = await member.slash(world.channel, "review show", title=ROUGE)
    assert not shown.ephemeral and shown.response.embeds[0].title == "Metallic Rouge"
    assert "Jump to the post" in shown.response.content


async def test_list_shows_reviews_newest_first_with_scores(world) -> None:
    mod, member = world.moderator(), world.member()
    await publish(world, mod)
    await publish(world, mod, "Monster is a masterpiece and worth watching. Score: 10/10", title=f"t:{MONSTER}")
    listed = await member.slash(world.channel, "review list")
    lines = listed.response.embeds[0].description.split("\n")
    assert "Monster" in lines[0] and "10 / 10" in lines[0]
    assert "Metallic Rouge" in lines[1] and "5.5 / 10" in lines[1]


async def test_delete_asks_first_removes_the_post_and_keeps_member_scores(world, settings) -> None:
    mod, fan = world.moderator(), world.member("fan")
    await publish(world, mod)
    [post] = posts(world.channel)
    await fan.select(post, ["9"], custom_id="review:rate")
    asked = await mod.slash(world.channel, "mod review delete", title=ROUGE)
    assert "Delete the official review" in asked.response.content
    done = await mod.click(asked.response.message, custom_id="confirm:yes")
    assert "Members' scores are kept" in done.response.content
    assert posts(world.channel) == []
    assert await rows(settings, "SELECT status FROM reviews") == [("deleted",)]
    assert await rows(settings, "SELECT score FROM ratings") == [(9,)]


async def test_non_moderators_are_refused_politely_and_nothing_is_stored(world, simcord_env, settings) -> None:
    member = world.member()
    await world.show_command("mod", member)  # shown through Integrations, but not a moderator
    for command in ("mod review post", "mod review edit", "mod review delete"):
        result = await member.slash(world.channel, command, title=ROUGE)
        assert result.ephemeral and "Only moderators" in result.response.content
    assert await rows(settings, "SELECT count(*) FROM reviews") == [(0,)]
    assert answered_errors(simcord_env) == [PermissionDenied] * 3


async def test_reviewer_role_may_post_and_losing_it_stops_publish(world) -> None:
    """The server's reviewer role makes a moderator; the Publish button checks again when pressed."""
    admin = world.admin()
    reviewers = world.guild.create_role("Reviewers")
    writer = world.guild.add_member(world.env.create_user("writer"), roles=[reviewers])
    await admin.slash(world.channel, "settings reviewer-role", role=reviewers)
    await world.show_command("mod", reviewers)  # as /settings reviewer-role tells the admin to
    shown = await writer.slash(world.channel, "mod review post", title=ROUGE)
    preview = await writer.submit_modal(shown, {"text": REVIEW})
    await admin.slash(world.channel, "settings reviewer-role")
    refused = await writer.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert "Only moderators" in (refused.followups[-1].content if refused.followups else refused.response.content)
    assert posts(world.channel) == []


async def test_reviews_channel_setting_is_where_the_post_goes(world) -> None:
    admin, mod = world.admin(), world.moderator()
    reviews = world.guild.create_text_channel("reviews")
    await admin.slash(world.channel, "settings reviews-channel", channel=reviews)
    shown = await admin.slash(world.channel, "settings show")
    assert "reviews" in fields(shown.response.embeds[0])["Reviews channel"] or str(reviews.id) in str(
        shown.response.embeds[0].fields
    )
    await publish(world, mod)
    assert posts(world.channel) == [] and len(posts(reviews)) == 1


@pytest.mark.parametrize(
    "case",
    [
        ("review.pdf", b"%PDF-1.7 a review", "`.txt` or `.md`"),
        ("review.txt", b"", "empty"),
        ("review.txt", b"\x00\x01\x02binary\x00", "binary"),
        ("review.md", "Ceci est une critique très réussie.".encode("latin-1"), "UTF-8"),
        ("review.txt", b"a" * (5 * 1024 * 1024), "200 KB"),
    ],
)
async def test_unusable_files_are_refused_clearly(world, simcord_env, settings, case) -> None:
    """Binary, non-UTF-8, empty, 5 MB and other extensions get a clear answer before any work."""
    filename, data, says = case
    mod = world.moderator()
    result = await mod.slash(world.channel, "mod review post", title=ROUGE, file=(filename, data))
    assert result.ephemeral and says in result.response.content
    assert await rows(settings, "SELECT count(*) FROM reviews") == [(0,)]
    assert answered_errors(simcord_env) == [InvalidInput]


@pytest.mark.parametrize(
    ("text", "says"),
    [("   \n  ", "empty"), ("🎉🔥💯 😂😂", "no words"), ("<@123> <@&456> @everyone 10/10", "no words")],
)
async def test_wordless_text_gets_a_clear_answer(world, simcord_env, text, says) -> None:
    mod = world.moderator()
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    result = await mod.submit_modal(shown, {"text": text})
    assert result.ephemeral and says in result.response.content
    assert all(issubclass(kind, UserFacingError) for kind in answered_errors(simcord_env))


async def test_hostile_text_never_pings_and_stays_within_limits(world) -> None:
    mod = world.moderator()
    zalgo = "Z̷̧̛̖̪̬͈̙̫̭̣̩̪̈́̀̑̐̅̀̈́̈́a̵̢̛̞̫̳͍̩͉͗̈́̋͌̓l̴͉͉̝̯̣̈́g̸̨̢̛̰o̸"
    text = (
        f"@everyone @here <@&42> <@1> **bold** __under__ ```code``` {zalgo} [x](https://evil.example) "
        + "word " * 10_000
        + "Score: 7/10"
    )
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE, file=("review.txt", text.encode()))
    await mod.click(shown.response.message, custom_id=button_id(shown, "publish"))
    [post] = posts(world.channel)
    assert len(post.embeds[0]) <= 6000
    assert not post.mention_everyone and not post.raw_role_mentions
    [thread] = world.channel.threads
    for message in thread.history():
        assert not message.mention_everyone and not message.raw_role_mentions and not message.mentions


async def test_a_failed_post_tells_the_moderator_and_stores_nothing(world, simcord_env, settings) -> None:
    mod = world.moderator()
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    preview = await mod.submit_modal(shown, {"text": REVIEW})
    simcord_env.inject_error(
        "POST", f"/channels/{world.channel.id}/messages", status=403, code=50013, message="Missing Permissions"
    )
    result = await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert "could not post" in result.response.content and "Nothing was published" in result.response.content
    assert posts(world.channel) == []
    assert await rows(settings, "SELECT count(*) FROM reviews") == [(0,)]


async def test_a_failed_post_of_a_new_title_leaves_no_title_behind(world, simcord_env, settings) -> None:
    mod = world.moderator()
    shown = await mod.slash(world.channel, "mod review post", title="Qwxzzv Plorp Movie")
    preview = await mod.submit_modal(shown, {"text": REVIEW})
    simcord_env.inject_error(
        "POST", f"/channels/{world.channel.id}/messages", status=403, code=50013, message="Missing Permissions"
    )
    result = await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert "Nothing was published" in result.response.content
    assert await rows(settings, "SELECT count(*) FROM titles WHERE name LIKE 'Qwxzzv%'") == [(0,)]
    assert await rows(settings, "SELECT count(*) FROM title_actions") == [(0,)]


async def test_a_failed_thread_takes_the_post_down_again(world, simcord_env, settings) -> None:
    mod = world.moderator()
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    preview = await mod.submit_modal(shown, {"text": REVIEW})
    simcord_env.inject_error("POST", f"/channels/{world.channel.id}/messages/*/threads", status=500)
    result = await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert "discussion thread" in result.response.content
    assert posts(world.channel) == []
    assert await rows(settings, "SELECT count(*) FROM reviews") == [(0,)]
