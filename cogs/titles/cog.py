"""/title rename | merge | delete: moderators tidy up the titles their server created."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.index import choice_label
from bot.catalog.models import HAS_REVIEW, Title
from bot.checks import MODERATORS_ONLY, require_guild, require_moderator
from bot.errors import Conflict, InvalidInput
from bot.interactions.replies import note_done, reply
from bot.interactions.titles import TitleOption, choice_value, title_choices
from bot.interactions.views import Confirm
from cogs.titles.render import (
    delete_question,
    deleted_text,
    merge_question,
    merged_text,
    renamed_text,
)

if TYPE_CHECKING:
    from bot.client import KansouBot

NOT_OWN = (
    "Only titles this server added itself can be renamed, merged or deleted: **{}** comes from the "
    "catalog, which every server shares."
)


async def own_title_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """This server's own titles matching what was typed (the ones /title can change)."""
    bot = cast("KansouBot", interaction.client)
    own = bot.catalog.locals.of(interaction.guild_id)
    if own is None:
        return []
    return [
        app_commands.Choice(name=choice_label(c), value=choice_value(c.title)) for c in own.complete(current[:200])
    ][:25]


def require_own(title: Title, guild_id: int) -> None:
    if not title.local or title.guild_id != guild_id:
        raise InvalidInput(NOT_OWN.format(title.name[:80]))


class Titles(commands.Cog, name="Titles"):
    """Moderators rename, merge and delete the titles their server added (audited)."""

    group = app_commands.Group(
        name="title",
        description="Moderators: rename, merge or delete this server's own titles",
        guild_only=True,
        default_permissions=discord.Permissions(manage_messages=True),
        extras=MODERATORS_ONLY,
    )

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot

    async def _moderator(self, interaction: discord.Interaction) -> int:
        guild_id = require_guild(interaction)
        require_moderator(interaction, await self.bot.server_settings.get(guild_id))
        return guild_id

    @group.command(name="rename", description="Moderators: rename a title this server added", extras=MODERATORS_ONLY)
    @app_commands.describe(title="One of this server's own titles", name="Its new name")
    @app_commands.autocomplete(title=own_title_choices)
    async def rename(
        self, interaction: discord.Interaction, title: TitleOption, name: app_commands.Range[str, 1, 200]
    ) -> None:
        guild_id = await self._moderator(interaction)
        require_own(title, guild_id)
        renamed = await self.bot.catalog.rename(title, name, guild_id, interaction.user.id)
        note_done(interaction, "The title was renamed")
        await reply(interaction, renamed_text(title, renamed))

    @group.command(
        name="merge",
        description="Moderators: merge a title this server added into another (scores, reviews, links move)",
        extras=MODERATORS_ONLY,
    )
    @app_commands.describe(title="One of this server's own titles", into="The title it really is")
    @app_commands.autocomplete(title=own_title_choices, into=title_choices)
    async def merge(self, interaction: discord.Interaction, title: TitleOption, into: TitleOption) -> None:
        guild_id = await self._moderator(interaction)
        require_own(title, guild_id)
        if title.id == into.id:
            raise InvalidInput("Pick two different titles: a title cannot be merged into itself.")

        async def confirmed(button: discord.Interaction) -> None:
            await self._moderator(button)
            report = await self.bot.catalog.merge_local(title, into, guild_id, button.user.id)
            note_done(button, "The titles were merged")
            await button.response.edit_message(content=merged_text(title, into, report), view=None)

        view = Confirm(confirmed, owner=interaction, confirm_label="Merge")
        await reply(interaction, merge_question(title, into), view=view)
        view.message = await interaction.original_response()

    @group.command(name="delete", description="Moderators: delete a title this server added", extras=MODERATORS_ONLY)
    @app_commands.describe(title="One of this server's own titles")
    @app_commands.autocomplete(title=own_title_choices)
    async def delete(self, interaction: discord.Interaction, title: TitleOption) -> None:
        guild_id = await self._moderator(interaction)
        require_own(title, guild_id)
        if await self.bot.reviews.current(guild_id, title.id) is not None:
            raise Conflict(HAS_REVIEW)

        async def confirmed(button: discord.Interaction) -> None:
            await self._moderator(button)
            deleted = await self.bot.catalog.delete_local(title, guild_id, button.user.id)
            note_done(button, "The title was deleted")
            await button.response.edit_message(content=deleted_text(title, deleted), view=None)

        view = Confirm(confirmed, owner=interaction, confirm_label="Delete")
        await reply(interaction, delete_question(title), view=view)
        view.message = await interaction.original_response()
