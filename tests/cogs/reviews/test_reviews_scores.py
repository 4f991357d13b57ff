"""The review post and the community scores feature together: one rating path, live Community field, /score."""

from __future__ import annotations

import pytest

from bot.client import create_bot
from bot.config import Settings
from tests.cogs.reviews.review_support import METALLIC_ROUGE, button_id, corpus, fields, posts, seed_catalog

pytestmark = pytest.mark.simcord(settle_timeout=2.0)

ROUGE = f"t:{METALLIC_ROUGE}"


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.database)
    return create_bot(settings)


async def published(world):
    mod = world.moderator()
    shown = await mod.slash(world.channel, "mod review post", title=ROUGE)
    preview = await mod.submit_modal(shown, {"text": corpus("02_metallic_rouge_prose.md")})
    await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    [post] = posts(world.channel)
    return post


async def test_the_panel_rates_through_the_same_code_as_rate(world) -> None:
    """The panel's answer is /rate's own confirmation, and a later /rate replaces the panel's score."""
    post = await published(world)
    alice = world.member("alice")
    from_panel = await alice.select(post, ["4"], custom_id="review:rate")
    assert "Saved your **4/10**" in from_panel.response.content
    again = await alice.slash(world.channel, "rate", title=ROUGE, score=9)
    assert "from 4 to **9/10**" in again.response.content


async def test_rate_refreshes_the_post_community_field(world, simcord_env) -> None:
    post = await published(world)
    alice, bob = world.member("alice"), world.member("bob")
    await alice.slash(world.channel, "rate", title=ROUGE, score=8)
    assert fields(posts(world.channel)[0].embeds[0])["Community"] == "8.00 / 10 from 1 vote"
    await bob.select(post, ["6"], custom_id="review:rate")
    await simcord_env.advance_time(5)
    assert fields(posts(world.channel)[0].embeds[0])["Community"] == "7.00 / 10 from 2 votes"


async def test_score_shows_the_official_score_and_the_post(world) -> None:
    await published(world)
    result = await world.member().slash(world.channel, "score", title=ROUGE)
    got = fields(result.response.embeds[0])
    assert got["Official score"] == "5.5 / 10" and "Read the official review" in got["Review"]
