"""Done when: a moderator pastes a 770-word review, corrects what they disagree with, publishes, edits."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.storage.db import open_database
from tests.cogs.reviews.review_support import (
    DEATH_PARADE,
    button_id,
    custom_ids,
    fields,
    posts,
    seed_catalog,
)

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

PARADE = f"t:{DEATH_PARADE}"
STEINS_GATE, COWBOY_BEBOP, MONSTER = 17, 18, 14
LONG_REVIEW = (Path(__file__).parent / "long_review.md").read_text(encoding="utf-8")
TLDR = "Dark games in a strange bar turn into a moving story about learning to feel."


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


def fix_id(result) -> str:
    return next(i for i in custom_ids(result.response) if i.startswith("review:fix:"))


def modal_values(shown) -> dict[str, str]:
    return {c["custom_id"]: c.get("value") or "" for row in shown.modal["components"] for c in row["components"]}


async def stored_review(settings: Settings) -> dict:
    db = await open_database(settings.database)
    try:
        row = await db.fetchone("SELECT score, analysis, corrections FROM reviews WHERE status = 'current'")
        assert row is not None
        return {"score": row["score"], "analysis": json.loads(row["analysis"]), **json.loads(row["corrections"])}
    finally:
        await db.close()


async def pasted_preview(world, mod):
    """The 770-word review pasted over two parts of the form (it does not fit one)."""
    cut = LONG_REVIEW.rfind("\n\n", 0, 4_000)
    shown = await mod.slash(world.channel, "mod review post", title=PARADE)
    return await mod.submit_modal(shown, {"text": LONG_REVIEW[:cut], "text2": LONG_REVIEW[cut + 2 :]})


async def correct(mod, preview, field: str, values: dict[str, str]):
    form = await mod.select(preview.response.message, [field], custom_id=fix_id(preview))
    assert form.modal is not None and len(form.modal["title"]) <= 45
    return form, await mod.submit_modal(form, values)


async def test_paste_correct_publish_and_edit_end_to_end(world, settings) -> None:
    mod = world.moderator()
    preview = await pasted_preview(world, mod)
    text = preview.response.content
    assert len(LONG_REVIEW) > 4_300 and "from the form (2 parts)" in text
    assert "**Score:** 8 / 10" in text
    embed = preview.response.embeds[0]
    assert "moving, beautifully made anthology" in fields(embed)["Verdict"]
    assert "Steins;Gate" in fields(embed)["Compared to:"] and "Monster" in fields(embed)["From the makers of"]

    # Steins;Gate is only a recommendation: remove it; Cowboy Bebop is added by name.
    form, relinked = await correct(mod, preview, "links", {})
    prefilled = modal_values(form)
    assert "Steins;Gate" in prefilled["compared"].splitlines() and prefilled["credits"] == "Monster"
    compared = [n for n in prefilled["compared"].splitlines() if n != "Steins;Gate"] + ["cowboy bebop"]
    _, relinked = await correct(mod, preview, "links", {"compared": "\n".join(compared), "credits": "Monster"})
    linked = fields(relinked.response.embeds[0])["Compared to:"]
    assert "Steins;Gate" not in linked and "Cowboy Bebop" in linked

    form, fixed = await correct(mod, preview, "tldr", {"value": TLDR})
    assert modal_values(form)["value"] == embed.description.split("\n\n", 1)[1]
    assert fixed.response.embeds[0].description.endswith(TLDR)

    done = await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert "Published the official review of **Death Parade**" in done.response.content
    [post] = posts(world.channel)
    assert post.embeds[0].description.endswith(TLDR)
    assert "Steins;Gate" not in fields(post.embeds[0])["Compared to:"]
    stored = await stored_review(settings)
    assert stored["score"] == 8 and stored["analysis"]["tldr"] == TLDR
    assert stored["removed"] == [STEINS_GATE] and stored["added"] == [COWBOY_BEBOP]

    # /review edit reopens with the corrections: the unchanged text gives the corrected preview again.
    form = await mod.slash(world.channel, "mod review edit", title=PARADE)
    values = {k: v for k, v in modal_values(form).items() if k.startswith("text")}
    again = await mod.submit_modal(form, values)
    assert again.response.embeds[0].description.endswith(TLDR)
    assert "Steins;Gate" not in fields(again.response.embeds[0])["Compared to:"]
    await mod.click(again.response.message, custom_id=button_id(again, "publish"))
    assert posts(world.channel)[0].embeds[0].description.endswith(TLDR)


async def test_a_corrected_score_gives_way_when_the_edited_text_changes_its_score(world, settings) -> None:
    mod = world.moderator()
    preview = await pasted_preview(world, mod)
    _, fixed = await correct(mod, preview, "score", {"value": "8.5"})
    assert "8.5 / 10" in fixed.response.embeds[0].description
    form = await mod.click(preview.response.message, custom_id=button_id(preview, "edit"))
    values = modal_values(form)
    values["text2"] = values["text2"].replace("Score: 8/10", "Score: 9/10")
    edited = await mod.submit_modal(form, {k: v for k, v in values.items() if k.startswith("text")})
    assert "9 / 10" in edited.response.embeds[0].description
    assert "correction of the score no longer applies" in edited.response.content


async def test_a_name_close_to_several_titles_asks_did_you_mean(world) -> None:
    mod = world.moderator()
    preview = await pasted_preview(world, mod)
    _, relinked = await correct(mod, preview, "links", {"compared": "Death Note\nCowboy Bebpo", "credits": "Monster"})
    assert "did you mean **Cowboy Bebop**" in relinked.response.content


async def test_a_new_name_is_linked_as_a_marked_new_local_title_and_stays_linked(world, settings) -> None:
    """Added by name, it is marked new; it survives an edit of the text, and later edits (stored as added)."""
    mod = world.moderator()
    preview = await pasted_preview(world, mod)
    _, relinked = await correct(mod, preview, "links", {"compared": "Qwxzzv Plorp Movie", "credits": ""})
    assert "Qwxzzv Plorp Movie *(🆕 new local title)*" in relinked.response.content
    form = await mod.click(preview.response.message, custom_id=button_id(preview, "edit"))
    assert "Qwxzzv Plorp Movie" in modal_values(form)["comparisons"]
    edited = await mod.submit_modal(form, modal_values(form))
    assert "Qwxzzv Plorp Movie *(🆕 new local title)*" in edited.response.content
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    linked = fields(posts(world.channel)[0].embeds[0])
    assert "Qwxzzv Plorp Movie" in linked["Compared to:"] and "From the makers of" not in linked
    [added] = (await stored_review(settings))["added"]
    again = await mod.slash(world.channel, "mod review edit", title=PARADE)
    values = {k: v for k, v in modal_values(again).items() if k.startswith("text")}
    reread = await mod.submit_modal(again, values)
    assert "Qwxzzv Plorp Movie" in fields(reread.response.embeds[0])["Compared to:"]
    assert added > 40  # a title created by this publish, after the sample catalog's


async def test_a_file_review_is_as_correctable_as_a_typed_one(world, settings) -> None:
    mod = world.moderator()
    preview = await mod.slash(world.channel, "mod review post", title=PARADE, file=("parade.md", LONG_REVIEW.encode()))
    _, fixed = await correct(mod, preview, "verdict", {"value": "A must-watch."})
    assert fields(fixed.response.embeds[0])["Verdict"] == "A must-watch."
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    assert (await stored_review(settings))["fields"]["verdict"][0] == "A must-watch."


async def test_someone_who_is_no_longer_a_moderator_cannot_correct(world, simcord_bot) -> None:
    """Every control checks again: a reviewer whose role stopped being the reviewer role is refused."""
    admin = world.admin()
    reviewers, editors = world.guild.create_role("reviewers"), world.guild.create_role("editors")
    [mod_command] = [c for c in await simcord_bot.tree.fetch_commands() if c.name == "mod"]
    world.guild.set_command_permissions(mod_command, {reviewers: True})  # as the README says to
    await admin.slash(world.channel, "settings reviewer-role", role=reviewers)
    writer = world.guild.add_member(world.env.create_user("writer"), roles=[reviewers])
    preview = await pasted_preview(world, writer)
    await admin.slash(world.channel, "settings reviewer-role", role=editors)
    refused = await writer.select(preview.response.message, ["tldr"], custom_id=fix_id(preview))
    assert refused.ephemeral and "Only moderators" in refused.response.content and refused.modal is None


async def test_the_preview_stays_within_discords_component_limits(world) -> None:
    mod = world.moderator()
    preview = await pasted_preview(world, mod)
    rows = preview.response.components
    assert len(rows) <= 5
    for row in rows:
        for component in row["components"]:
            assert len(component.get("options", [])) <= 25 and len(component.get("custom_id", "")) <= 100
    assert len(preview.response.content) <= 2_000
