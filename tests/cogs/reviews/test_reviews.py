"""Official reviews end to end through simcord: post, preview, publish, thread, rating panel, restart."""

from __future__ import annotations

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.storage.db import open_database
from tests.cogs.reviews.review_support import (
    METALLIC_ROUGE,
    button_id,
    corpus,
    custom_ids,
    fields,
    posts,
    seed_catalog,
)

# The post's Community field is refreshed at most every 5 s (a timer the tests drive with advance_time);
# a settle timeout below that interval lets simcord treat the waiting refresh as parked.
pytestmark = pytest.mark.simcord(settle_timeout=2.0)

ROUGE = f"t:{METALLIC_ROUGE}"
REVIEW = corpus("02_metallic_rouge_prose.md")


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


async def stored_reviews(settings: Settings) -> list[tuple[str, float | None]]:
    """(status, score) of every review row, read through a second connection."""
    db = await open_database(settings.database)
    try:
        return [(r["status"], r["score"]) for r in await db.fetchall("SELECT status, score FROM reviews ORDER BY id")]
    finally:
        await db.close()


async def preview_via_modal(world, mod, text: str = REVIEW, title: str = ROUGE, **options):
    shown = await mod.slash(world.channel, "mod review post", title=title, **options)
    assert shown.modal is not None and shown.modal["title"] == "Post official review"
    return await mod.submit_modal(shown, {"text": text})


async def publish(world, mod, text: str = REVIEW, **options):
    preview = await preview_via_modal(world, mod, text, **options)
    return await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))


async def test_preview_shows_the_post_and_what_was_understood(world, settings) -> None:
    """The preview is private: the exact post, plus score and where it was found, titles, credits, metadata."""
    mod = world.moderator()
    preview = await preview_via_modal(world, mod)
    assert preview.ephemeral
    text = preview.response.content
    assert "**Score:** 5.5 / 10 — found `5.5/10`" in text
    assert "Psycho-Pass" in text and "Carole & Tuesday" in text
    assert "**Studio credits:** Fullmetal Alchemist" in text
    assert "Studio: Bones" in text
    assert {"Publish", "Edit", "Cancel"} <= {
        c.get("label") for row in preview.response.components for c in row["components"]
    }
    embed = preview.response.embeds[0]
    assert embed.title == "Metallic Rouge" and "5.5 / 10" in embed.description
    assert await stored_reviews(settings) == []


async def test_publish_posts_summary_thread_and_rating_panel(world, settings) -> None:
    """Publish posts the embed in the channel, opens a thread with the full text and adds the 1–10 select."""
    mod = world.moderator()
    done = await publish(world, mod)
    assert "Published the official review" in done.response.content
    [post] = posts(world.channel)
    embed = post.embeds[0]
    got = fields(embed)
    assert "Compared to:" in got and "Psycho-Pass" in got["Compared to:"]
    assert "Fullmetal Alchemist" in got["From the makers of"]
    assert got["Community"] == "No community scores yet"
    assert "review:rate" in custom_ids(post)
    assert len(embed) <= 6000
    [thread] = world.channel.threads
    assert thread.name == "Review: Metallic Rouge"
    texts = [m.content for m in thread.history()]
    assert all(len(t) <= 2000 for t in texts)
    assert "Score: 5.5/10" in texts[-1]
    assert await stored_reviews(settings) == [("current", 5.5)]


async def test_long_review_file_is_attached_in_the_thread(world) -> None:
    """A review longer than ~12,000 characters goes into the thread as a .md file with a short note."""
    mod = world.moderator()
    long_text = (REVIEW + "\n\n") * 5
    preview = await mod.slash(world.channel, "mod review post", title=ROUGE, file=("review.md", long_text.encode()))
    assert preview.ephemeral and preview.response.embeds
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    [thread] = world.channel.threads
    [note] = thread.history()
    assert "attached as a file" in note.content
    assert note.attachments[0].filename == "review.md"


async def test_thread_splits_a_medium_review_into_messages_within_limits(world) -> None:
    mod = world.moderator()
    text = (REVIEW + "\n\n") * 2 + "||The twist is that the android was human all along.||"
    preview = await mod.slash(world.channel, "mod review post", title=ROUGE, file=("review.txt", text.encode()))
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    [thread] = world.channel.threads
    messages = [m.content for m in thread.history()]
    assert len(messages) >= 3
    assert all(len(m) <= 2000 and m.count("||") % 2 == 0 for m in messages)


async def test_cancel_publishes_nothing(world, settings) -> None:
    mod = world.moderator()
    preview = await preview_via_modal(world, mod)
    result = await mod.click(preview.response.message, custom_id=button_id(preview, "cancel"))
    assert "Cancelled" in result.response.content
    assert posts(world.channel) == [] and await stored_reviews(settings) == []


async def local_titles(settings: Settings) -> list[str]:
    db = await open_database(settings.database)
    try:
        rows = await db.fetchall("SELECT name FROM titles WHERE local = 1 AND name LIKE 'Qwxzzv%' ORDER BY id")
        return [r["name"] for r in rows]
    finally:
        await db.close()


async def test_a_cancelled_post_of_a_new_title_leaves_no_title_behind(world, settings) -> None:
    """A show the catalog lacks becomes this server's title only when the review is published."""
    mod = world.moderator()
    preview = await preview_via_modal(world, mod, title="Qwxzzv Plorp Movie")
    assert "Qwxzzv Plorp Movie" in preview.response.embeds[0].title
    assert await local_titles(settings) == []
    await mod.click(preview.response.message, custom_id=button_id(preview, "cancel"))
    assert await local_titles(settings) == [] and await stored_reviews(settings) == []
    again = await preview_via_modal(world, mod, title="Qwxzzv Plorp Movie")
    await mod.click(again.response.message, custom_id=button_id(again, "publish"))
    assert await local_titles(settings) == ["Qwxzzv Plorp Movie"]
    assert [status for status, _ in await stored_reviews(settings)] == ["current"]


async def test_edit_button_reopens_the_form_prefilled_and_updates_the_preview(world) -> None:
    mod = world.moderator()
    preview = await preview_via_modal(world, mod, "Short first draft of the review. Score: 4/10")
    form = await mod.click(preview.response.message, custom_id=button_id(preview, "edit"))
    inputs = [c for row in form.modal["components"] for c in row["components"]]
    assert inputs[0]["custom_id"] == "text" and inputs[0]["value"].startswith("Short first draft")
    edited = await mod.submit_modal(form, {"text": "A better draft, and it is worth watching. Score: 8/10"})
    assert "8 / 10" in edited.response.embeds[0].description


async def test_score_option_overrides_the_parsed_score(world, settings) -> None:
    mod = world.moderator()
    await publish(world, mod, score=7.25)
    assert "7.2 / 10" in posts(world.channel)[0].embeds[0].description
    assert await stored_reviews(settings) == [("current", 7.2)]


async def test_rating_panel_scores_and_keeps_working_after_a_restart(world, simcord_env, settings) -> None:
    """Every member can score from the post; the panel still answers after the bot restarts."""
    mod, alice, bob = world.moderator(), world.member("alice"), world.member("bob")
    await publish(world, mod)
    [post] = posts(world.channel)
    rated = await alice.select(post, ["8"], custom_id="review:rate")
    assert rated.ephemeral and "8/10" in rated.response.content
    await simcord_env.restart_bot(create_bot(settings))
    again = await bob.select(post, ["6"], custom_id="review:rate")
    assert again.ephemeral and "6/10" in again.response.content
    assert "7.00 / 10 from 2 votes" in again.response.content


async def test_community_field_is_updated_at_most_every_five_seconds(world, simcord_env) -> None:
    """A burst of scores gives one edit at once and one with the final state after the interval."""
    mod = world.moderator()
    members = [world.member(f"fan{i}") for i in range(4)]
    await publish(world, mod)
    [post] = posts(world.channel)
    await members[0].select(post, ["10"], custom_id="review:rate")
    assert fields(posts(world.channel)[0].embeds[0])["Community"] == "10.00 / 10 from 1 vote"
    for member, score in zip(members[1:], ["8", "6", "4"], strict=True):
        await member.select(post, [score], custom_id="review:rate")
    assert fields(posts(world.channel)[0].embeds[0])["Community"] == "10.00 / 10 from 1 vote"
    await simcord_env.advance_time(5)
    assert fields(posts(world.channel)[0].embeds[0])["Community"] == "7.00 / 10 from 4 votes"


async def test_preview_buttons_after_a_restart_say_the_preview_expired(world, simcord_env, settings) -> None:
    mod = world.moderator()
    preview = await preview_via_modal(world, mod)
    await simcord_env.restart_bot(create_bot(settings))
    result = await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert (
        "This preview expired; run /mod review post again" in result.followups[-1].content
        if result.followups
        else "This preview expired" in result.response.content
    )
    assert await stored_reviews(settings) == []


async def test_a_kept_suggestion_is_linked_and_a_dropped_one_is_not(world) -> None:
    """A name not in the catalog is only offered; picking it in the preview links it as a local title."""
    mod = world.moderator()
    text = "Fans of Skyward Lantern Saga will feel at home here. The story is great; it is worth watching. 8/10"
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    preview = await mod.submit_modal(shown, {"text": text, "comparisons": "Moonlit Harbor Chronicle"})
    assert "Not in the catalog" in preview.response.content
    assert "Compared to:" not in fields(preview.response.embeds[0])
    keep_id = next(i for i in custom_ids(preview.response) if i.startswith("review:keep:"))
    options = next(
        c for row in preview.response.components for c in row["components"] if c.get("custom_id") == keep_id
    )["options"]
    wanted = next(o["value"] for o in options if o["label"] == "Moonlit Harbor Chronicle")
    kept = await mod.select(preview.response.message, [wanted], custom_id=keep_id)
    assert "Moonlit Harbor Chronicle" in fields(kept.response.embeds[0])["Compared to:"]
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    linked = fields(posts(world.channel)[0].embeds[0])["Compared to:"]
    assert "Moonlit Harbor Chronicle" in linked and "Skyward" not in linked


async def test_review_of_a_title_the_catalog_lacks_creates_a_local_title(world, settings) -> None:
    """An unknown show is reviewable: after the moderator check it becomes a local title with a search link."""
    mod = world.moderator()
    preview = await preview_via_modal(world, mod, title="Zorblax Chronicles Zeta")
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    [post] = posts(world.channel)
    assert post.embeds[0].title == "Zorblax Chronicles Zeta"
    assert post.embeds[0].url.startswith("https://anilist.co/search/anime?search=")
    db = await open_database(settings.database)
    try:
        row = await db.fetchone("SELECT local FROM titles WHERE name = 'Zorblax Chronicles Zeta'")
        assert row is not None and row["local"] == 1
    finally:
        await db.close()


async def test_non_moderator_naming_an_unknown_title_stores_nothing(world, settings, simcord_env) -> None:
    """The permission check comes before the local title is created."""
    member = world.member()
    await world.show_command("mod", member)  # an admin let them see /mod; kansou still checks
    refused = await member.slash(world.channel, "mod review post", title="Zorblax Chronicles Zeta")
    assert refused.ephemeral and "moderators" in refused.response.content.lower()
    assert simcord_env.errors
    db = await open_database(settings.database)
    try:
        assert await db.fetchone("SELECT id FROM titles WHERE name = 'Zorblax Chronicles Zeta'") is None
    finally:
        await db.close()
