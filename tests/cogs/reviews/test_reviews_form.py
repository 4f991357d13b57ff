"""Long reviews through the form: four parts joined in order, and the preview's account of what was read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.client import create_bot
from bot.config import Settings
from bot.reviews.intake import join_parts, split_for_form
from tests.cogs.reviews.review_support import DEATH_PARADE, button_id, fields, posts, seed_catalog

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

PARADE = f"t:{DEATH_PARADE}"
LONG_REVIEW = (Path(__file__).parent / "long_review.md").read_text(encoding="utf-8")


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


def form_inputs(shown) -> list[dict]:
    return [c for row in shown.modal["components"] for c in row["components"]]


def cut_mid_word(text: str, at: int) -> tuple[str, str]:
    """Two parts cut inside a word, as a moderator pasting in pieces might (no whitespace at the cut)."""
    while text[at].isspace() or text[at - 1].isspace():
        at += 1
    return text[:at], text[at:]


async def test_the_form_has_four_ordered_parts_and_the_titles_input(world) -> None:
    mod = world.moderator()
    shown = await mod.slash(world.channel, "mod review post", title=PARADE)
    inputs = form_inputs(shown)
    assert [i["custom_id"] for i in inputs] == ["text", "text2", "text3", "text4", "comparisons"]
    assert inputs[0]["label"] == "Review text — part 1 of 4 (start here)"
    assert inputs[1]["label"] == "Review text — part 2 of 4 (continues 1)"
    assert [i.get("required", True) for i in inputs] == [True, False, False, False, False]
    assert all(i["max_length"] == 4_000 for i in inputs[:4])


async def test_a_770_word_review_over_two_parts_keeps_its_closing_score(world) -> None:
    """4,300 characters do not fit one input; split over two, the closing `Score: 8/10` is read."""
    assert len(LONG_REVIEW) > 4_300
    mod = world.moderator()
    first, second = LONG_REVIEW[:3_990], LONG_REVIEW[3_990:]
    shown = await mod.slash(world.channel, "mod review post", title=PARADE)
    preview = await mod.submit_modal(shown, {"text": first, "text2": second})
    text = preview.response.content
    assert "**Score:** 8 / 10" in text
    assert f"**Read:** {len(join_parts([first, second])):,} characters from the form (2 parts)" in text
    assert "Nothing was cut or ignored." in text


async def test_a_cut_inside_a_word_is_joined_without_gluing_words(world) -> None:
    mod = world.moderator()
    first, second = cut_mid_word(LONG_REVIEW, 2_000)
    shown = await mod.slash(world.channel, "mod review post", title=PARADE)
    preview = await mod.submit_modal(shown, {"text": first, "text2": second})
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    [thread] = world.channel.threads
    published = " ".join(m.content for m in reversed(thread.history()))
    assert first.split()[-1] + " " + second.split()[0] in published


async def test_twelve_thousand_characters_fit_the_form(world) -> None:
    mod = world.moderator()
    paragraph = LONG_REVIEW.split("\n\n")[2] + "\n\n"
    parts = [(paragraph * 10)[:3_978] + " It is worth watching." for _ in range(3)] + ["Score: 7/10"]
    shown = await mod.slash(world.channel, "mod review post", title=PARADE)
    values = dict(zip(["text", "text2", "text3", "text4"], parts, strict=True))
    preview = await mod.submit_modal(shown, values)
    assert "from the form (4 parts)" in preview.response.content
    assert "**Score:** 7 / 10" in preview.response.content
    read = int(preview.response.content.split("**Read:** ")[1].split(" ")[0].replace(",", ""))
    assert read >= 12_000


async def test_edit_reopens_a_long_review_over_the_parts_it_needs(world) -> None:
    """/review edit of a 4,300-character review prefills two parts; submitted unchanged, nothing changes."""
    mod = world.moderator()
    typed = [LONG_REVIEW[:3_990], LONG_REVIEW[3_990:]]
    shown = await mod.slash(world.channel, "mod review post", title=PARADE)
    preview = await mod.submit_modal(shown, {"text": typed[0], "text2": typed[1]})
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    form = await mod.slash(world.channel, "mod review edit", title=PARADE)
    inputs = form_inputs(form)
    prefilled = [i.get("value") or "" for i in inputs[:4]]
    assert prefilled[:2] == split_for_form(join_parts(typed)) and prefilled[2:] == ["", ""]
    assert join_parts(prefilled) == join_parts(typed)
    again = await mod.submit_modal(form, {"text": prefilled[0], "text2": prefilled[1]})
    assert "**Score:** 8 / 10" in again.response.content
    await mod.click(again.response.message, custom_id=button_id(again, "publish"))
    assert "8 / 10" in posts(world.channel)[0].embeds[0].description
    assert "Verdict" in fields(posts(world.channel)[0].embeds[0])


async def test_the_file_preview_says_how_many_characters_were_read(world) -> None:
    mod = world.moderator()
    preview = await mod.slash(
        world.channel, "mod review post", title=PARADE, file=("parade.md", LONG_REVIEW.encode("utf-8"))
    )
    assert f"**Read:** {len(LONG_REVIEW):,} characters from the file parade.md" in preview.response.content


async def test_titles_to_link_beyond_ten_are_reported_as_not_read(world) -> None:
    mod = world.moderator()
    names = ", ".join(f"Qzxv Made Up Show {i}" for i in range(13))
    shown = await mod.slash(world.channel, "mod review post", title=PARADE)
    preview = await mod.submit_modal(shown, {"text": LONG_REVIEW[:3_990], "comparisons": names})
    assert "Not read: 3 of the titles to link (at most 10 are read)" in preview.response.content
