"""/review: moderators post, edit and delete official reviews; everyone reads them and scores from the post.

Other features add subcommands to the module-level `review_group` at import time, e.g.::

    from cogs.reviews import review_group, reviews_cog

    @review_group.command(name="compare", description="...")
    async def review_compare(interaction: discord.Interaction, ...) -> None:
        cog = reviews_cog(interaction.client)  # the Reviews cog: repo, refresh_post(...)

After changing a review's comparison edges, call `await cog.refresh_post(guild_id, title_id)` so the
post's "Compared to:" shows the graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from bot.checks import MODERATORS_ONLY, require_guild, require_moderator
from bot.handler import reply
from bot.ui import Confirm, Paginator
from cogs.reviews_flow import Reviews
from cogs.titles import TitleOption, TitleOrNewOption

if TYPE_CHECKING:
    from bot.client import KansouBot

LIST_MAX = 250

review_group = app_commands.Group(
    name="review", description="Official reviews: read them, and (moderators) post them", guild_only=True
)


def reviews_cog(client: discord.Client) -> Reviews:
    cog = cast("KansouBot", client).get_cog("Reviews")
    if cog is None:
        raise RuntimeError("the Reviews cog is not loaded")
    return cast(Reviews, cog)


@review_group.command(
    name="post",
    description="Moderators: post an official review (opens a form, or upload a file)",
    extras=MODERATORS_ONLY,
)
@app_commands.describe(
    title="The anime reviewed",
    score="The official score, 0–10 (overrides the score found in the text)",
    file="The review as a .txt or .md file (UTF-8, up to 200 KB) for reviews longer than the form holds",
)
async def review_post(
    interaction: discord.Interaction,
    title: TitleOrNewOption,
    score: app_commands.Range[float, 0, 10] | None = None,
    file: discord.Attachment | None = None,
) -> None:
    await reviews_cog(interaction.client).start_post(interaction, title, score, file)


@review_group.command(
    name="edit", description="Moderators: edit the official review of a title", extras=MODERATORS_ONLY
)
@app_commands.describe(
    title="The anime whose review to edit",
    score="The official score, 0–10 (overrides the score found in the text)",
    file="The new text as a .txt or .md file, for reviews longer than the form holds",
)
async def review_edit(
    interaction: discord.Interaction,
    title: TitleOption,
    score: app_commands.Range[float, 0, 10] | None = None,
    file: discord.Attachment | None = None,
) -> None:
    await reviews_cog(interaction.client).start_edit(interaction, title, score, file)


@review_group.command(name="show", description="The official review of a title in this server")
@app_commands.describe(title="The anime")
async def review_show(interaction: discord.Interaction, title: TitleOption) -> None:
    cog = reviews_cog(interaction.client)
    guild_id = require_guild(interaction)
    review = await cog.repo.current(guild_id, title.id)
    if review is None:
        await reply(interaction, f"There is no official review of **{cog.name_of(title)}** in this server yet.")
        return
    link = f"[Jump to the post and its discussion](<{review.jump_url}>)" if review.jump_url else None
    await reply(interaction, link, embed=await cog.render_post(review), ephemeral=False)


@review_group.command(name="list", description="This server's official reviews, newest first")
async def review_list(interaction: discord.Interaction) -> None:
    cog = reviews_cog(interaction.client)
    guild_id = require_guild(interaction)
    pages = await cog.list_pages(guild_id, LIST_MAX)
    await Paginator(pages, owner_id=interaction.user.id).send(interaction, ephemeral=True)


@review_group.command(name="history", description="Earlier versions of the official review of a title")
@app_commands.describe(title="The anime")
async def review_history(interaction: discord.Interaction, title: TitleOption) -> None:
    cog = reviews_cog(interaction.client)
    guild_id = require_guild(interaction)
    embed = await cog.history(guild_id, title)
    await reply(interaction, embed=embed)


@review_group.command(
    name="delete", description="Moderators: delete the official review of a title", extras=MODERATORS_ONLY
)
@app_commands.describe(title="The anime whose review to delete")
async def review_delete(interaction: discord.Interaction, title: TitleOption) -> None:
    cog = reviews_cog(interaction.client)
    guild_id = require_guild(interaction)
    require_moderator(interaction, await cog.settings.get(guild_id))
    review = await cog.require_current(guild_id, title)

    async def confirmed(button: discord.Interaction) -> None:
        await cog.delete(button, review)

    view = Confirm(confirmed, owner_id=interaction.user.id, confirm_label="Delete the review")
    await reply(
        interaction,
        f"Delete the official review of **{cog.name_of(title)}**? The post goes; members' scores are kept.",
        view=view,
    )
    view.message = await interaction.original_response()


async def setup(bot: KansouBot) -> None:
    await bot.add_cog(Reviews(bot))
    bot.tree.add_command(review_group, override=True)


async def teardown(bot: KansouBot) -> None:
    bot.tree.remove_command(review_group.name)
