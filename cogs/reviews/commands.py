"""/review subcommands of the reviews feature: post, edit, show, list, history, delete.

They are built for one Reviews cog and attached to the bot's one `/review` group when the cog loads
(bot/interactions/groups.py); the comparisons feature attaches `/mod review compare` and `uncompare` the same way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.catalog.links import display_name
from bot.checks import MODERATORS_ONLY, require_guild, require_moderator
from bot.interactions.pages import LazyPaginator
from bot.interactions.replies import reply
from bot.interactions.titles import TitleOption, TitleOrNewOption
from bot.interactions.views import Confirm
from cogs.reviews.render import history_embed, list_page

if TYPE_CHECKING:
    from cogs.reviews.cog import Reviews

LIST_PAGE = 10


def review_commands(cog: Reviews) -> list[app_commands.Command]:
    """The reviews feature's `/review` subcommands, bound to this cog."""

    @app_commands.command(
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
        await cog.drafting.start_post(interaction, title, score, file)

    @app_commands.command(
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
        await cog.drafting.start_edit(interaction, title, score, file)

    @app_commands.command(name="show", description="The official review of a title in this server")
    @app_commands.describe(title="The anime")
    async def review_show(interaction: discord.Interaction, title: TitleOption) -> None:
        guild_id = require_guild(interaction)
        review = await cog.service.current(guild_id, title.id)
        if review is None:
            await reply(interaction, f"There is no official review of **{display_name(title)}** in this server yet.")
            return
        link = f"[Jump to the post and its discussion](<{review.jump_url}>)" if review.jump_url else None
        await reply(interaction, link, embed=await cog.render_post(review), ephemeral=False)

    @app_commands.command(name="list", description="This server's official reviews, newest first")
    async def review_list(interaction: discord.Interaction) -> None:
        guild_id = require_guild(interaction)
        first = await cog.service.listing(guild_id, page=0, page_size=LIST_PAGE)

        async def load(page: int) -> discord.Embed:
            listing = await cog.service.listing(guild_id, page=page, page_size=LIST_PAGE)
            return list_page(listing.reviews, listing.titles, listing.community, total=listing.total)

        embed = list_page(first.reviews, first.titles, first.community, total=first.total)
        pages = -(-first.total // LIST_PAGE)  # every review, however many: each page is read when shown
        await LazyPaginator(embed, pages, load, owner=interaction).send(interaction, ephemeral=True)

    @app_commands.command(name="history", description="Earlier versions of the official review of a title")
    @app_commands.describe(title="The anime")
    async def review_history(interaction: discord.Interaction, title: TitleOption) -> None:
        guild_id = require_guild(interaction)
        embed = history_embed(title, *await cog.service.history(guild_id, title))
        await reply(interaction, embed=embed)

    @app_commands.command(
        name="delete", description="Moderators: delete the official review of a title", extras=MODERATORS_ONLY
    )
    @app_commands.describe(title="The anime whose review to delete")
    async def review_delete(interaction: discord.Interaction, title: TitleOption) -> None:
        guild_id = require_guild(interaction)
        require_moderator(interaction, await cog.bot.server_settings.get(guild_id))
        review = await cog.service.require_current(guild_id, title)

        async def confirmed(button: discord.Interaction) -> None:
            await cog.delete(button, review)

        view = Confirm(confirmed, owner=interaction, confirm_label="Delete the review")
        await reply(
            interaction,
            f"Delete the official review of **{display_name(title)}**? The post goes; members' scores are kept.",
            view=view,
        )
        view.message = await interaction.original_response()

    return [review_post, review_edit, review_show, review_list, review_history, review_delete]
