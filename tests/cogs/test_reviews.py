"""Official reviews end to end through simcord: post, preview, publish, thread, rating panel."""

from __future__ import annotations

import pytest

from bot.client import create_bot
from bot.config import Settings
from tests.cogs.review_support import (
    METALLIC_ROUGE,
    button_id,
    corpus,
    custom_ids,
    fields,
    seed_catalog,
)

ROUGE = f"t:{METALLIC_ROUGE}"


@pytest.fixture
async def simcord_bot(settings: Settings):
    await seed_catalog(settings.db_path)
    return create_bot(settings)


async def preview_via_modal(world, mod, text: str, **options):
    shown = await mod.slash(world.channel, "review post", title=ROUGE, **options)
    assert shown.modal is not None
    return await mod.submit_modal(shown, {"text": text})


async def test_post_via_modal_previews_then_publishes_with_thread_and_panel(world) -> None:
    """The modal leads to a private preview; Publish posts the summary, opens the thread, adds the panel."""
    mod = world.moderator()
    preview = await preview_via_modal(world, mod, corpus("02_metallic_rouge_prose.md"))
    assert preview.ephemeral
    print(preview.response.content)
    embed = preview.response.embeds[0]
    assert "Metallic Rouge" in embed.title
    published = await mod.click(preview.response.message, custom_id=button_id(preview, "publish"))
    print(published.response.content)
    post = world.channel.last_message
    print(post, post.embeds[0].to_dict() if post.embeds else None)
