"""Community scores: /rate, /unrate, /score, /top, /ratings list|export|remove and /privacy forget."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.catalog.links import display_name
from bot.catalog.models import Title
from bot.catalog.validate import check_new_title_name, fit_for_new
from bot.checks import MODERATORS_ONLY, is_moderator, member_role_ids, require_guild, require_moderator
from bot.interactions.groups import MOD_RATINGS, attach, detach, subgroup
from bot.interactions.pages import LazyPaginator
from bot.interactions.replies import note_done, reply
from bot.interactions.titles import TitleOption, resolve_typed_title, title_choices
from bot.interactions.views import Confirm, Paginator
from bot.scores.replies import rated_text, unrated_text
from cogs.scores.render import (
    PAGE_SIZE,
    export_csv,
    export_text,
    forget_question,
    forgotten_text,
    new_title_prompt,
    ratings_pages,
    score_embed,
    top_pages,
)
from cogs.scores.views import DidYouMean

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)

TOP_DEFAULT, TOP_MAX = 30, 100


class Scores(commands.Cog, name="Scores"):
    """Members score titles; the server gets a fair community average and a leaderboard."""

    ratings = app_commands.Group(name="ratings", description="Members' scores in this server", guild_only=True)
    privacy = app_commands.Group(name="privacy", description="Your data kept by kansou", guild_only=True)

    async def cog_load(self) -> None:
        attach(subgroup(self.bot.mod_group, MOD_RATINGS), self._mod_commands)

    async def cog_unload(self) -> None:
        detach(subgroup(self.bot.mod_group, MOD_RATINGS), self._mod_commands)

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.service = bot.ratings
        self._mod_commands = mod_commands(self)

    def _titles(self, ids: Iterable[int]) -> dict[int, Title]:
        return {title.id: title for title in map(self.bot.catalog.get, ids) if title is not None}

    def _tags(self, title_id: int) -> tuple[str, ...]:
        title = self.bot.catalog.get(title_id)
        return title.tags if title is not None else ()

    async def community_line(self, guild_id: int, title_id: int) -> str:
        """The review post's Community field for this title in this server."""
        return await self.service.community_line(guild_id, title_id)

    async def rate_title(self, interaction: discord.Interaction, title: Title, score: int) -> str:
        """Store the caller's score (through the one service every entry point shares) and say what changed."""
        guild_id = require_guild(interaction)
        result = await self.service.rate(guild_id, title.id, interaction.user.id, score, member_role_ids(interaction))
        note_done(interaction, f"Your score of **{score}/10** for **{display_name(title)}** was saved")
        self.bot.catalog.note_guild_title(guild_id, title.id)
        return rated_text(title, score, result)

    @app_commands.command(name="rate", description="Score a title from 1 to 10 (replaces your earlier score)")
    @app_commands.describe(title="The anime to score", score="Your score, 1 (worst) to 10 (best)")
    @app_commands.autocomplete(title=title_choices)
    @app_commands.guild_only()
    async def rate(self, interaction: discord.Interaction, title: str, score: app_commands.Range[int, 1, 10]) -> None:
        guild_id = require_guild(interaction)
        # Refuse at once rather than after a "Did you mean" the member could not use anyway.
        await self.service.check_may_rate(guild_id, interaction.user.id, member_role_ids(interaction))
        resolved = await resolve_typed_title(self.bot, title, guild_id)
        if isinstance(resolved, Title):
            await reply(interaction, await self.rate_title(interaction, resolved, score))
            return
        if not resolved:
            await self._rate_new_title(interaction, guild_id, title, score)
            return

        async def picked(pick: discord.Interaction, chosen: Title) -> None:
            text = await self.rate_title(pick, chosen, score)
            await pick.response.edit_message(content=text, view=None)

        async def new(button: discord.Interaction) -> None:
            await self._check_may_add(button, guild_id)
            name = check_new_title_name(title)
            confirm = self._add_view(guild_id, name, score, button)
            await button.response.edit_message(content=new_title_prompt(name, score), view=confirm)
            confirm.message = button.message

        view = DidYouMean(resolved, picked, owner=interaction, on_new=new if fit_for_new(title) else None)
        await reply(interaction, DidYouMean.prompt(title, score), view=view)
        view.message = await interaction.original_response()

    async def _rate_new_title(self, interaction: discord.Interaction, guild_id: int, typed: str, score: int) -> None:
        """Nothing close in the catalog: AniList may know the show; else the member may add it to this server."""
        name = check_new_title_name(typed)
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.bot.catalog.lookup(name, guild_id)
        if found is not None:
            await reply(interaction, await self.rate_title(interaction, found, score))
            return
        await self._check_may_add(interaction, guild_id)
        view = self._add_view(guild_id, name, score, interaction)
        await reply(interaction, new_title_prompt(name, score), view=view)
        view.message = await interaction.original_response()

    def _add_view(self, guild_id: int, name: str, score: int, owner: discord.Interaction) -> Confirm:
        """Add / Cancel for a new title of this server, bound to the member who asked."""

        async def add(button: discord.Interaction) -> None:
            await self._check_may_add(button, guild_id)
            created = await self.bot.catalog.create_local(name, guild_id, user_id=button.user.id)
            await button.response.edit_message(content=await self.rate_title(button, created, score), view=None)

        view = Confirm(add, owner=owner, confirm_label="Add")
        view.confirm.style = discord.ButtonStyle.success
        return view

    async def _check_may_add(self, interaction: discord.Interaction, guild_id: int) -> None:
        """Members may add a few titles a day; moderators (who can rename, merge and delete them) any number."""
        if not is_moderator(interaction, await self.bot.server_settings.get(guild_id)):
            await self.bot.catalog.check_may_create(guild_id, interaction.user.id)

    @app_commands.command(name="unrate", description="Remove your score for a title")
    @app_commands.describe(title="The anime whose score you remove")
    @app_commands.guild_only()
    async def unrate(self, interaction: discord.Interaction, title: TitleOption) -> None:
        guild_id = require_guild(interaction)
        result = await self.service.unrate(guild_id, title.id, interaction.user.id)
        note_done(interaction, f"Your score for **{display_name(title)}** was removed")
        await reply(interaction, unrated_text(title, result))

    @app_commands.command(name="score", description="The community score of a title in this server")
    @app_commands.describe(title="The anime to show")
    @app_commands.guild_only()
    async def score(self, interaction: discord.Interaction, title: TitleOption) -> None:
        guild_id = require_guild(interaction)
        view = await self.service.score_view(guild_id, title.id, interaction.user.id)
        await reply(interaction, embed=score_embed(title, view), ephemeral=False)

    @app_commands.command(name="top", description="This server's best titles by weighted community score")
    @app_commands.describe(limit="How many titles (default 30)", min_votes="Leave out titles with fewer votes")
    @app_commands.guild_only()
    async def top(
        self,
        interaction: discord.Interaction,
        limit: app_commands.Range[int, 1, TOP_MAX] = TOP_DEFAULT,
        min_votes: app_commands.Range[int, 1, 1000] | None = None,
    ) -> None:
        guild_id = require_guild(interaction)
        settings = await self.service.guild_settings(guild_id)
        floor = min_votes if min_votes is not None else settings.min_votes
        page = await self.service.top(guild_id, m=settings.min_votes, min_votes=floor, limit=limit)
        title_ids = [row.title_id for row in page.rows]
        own = await self.service.scores_for(guild_id, interaction.user.id, title_ids)
        pages = top_pages(page.rows, self._titles(title_ids), min_votes=floor, own=own)
        await Paginator(pages, owner=interaction).send(interaction, ephemeral=False)

    @ratings.command(name="list", description="A member's scores in this server, highest first")
    @app_commands.describe(member="Whose scores (default: yours)")
    async def ratings_list(self, interaction: discord.Interaction, member: discord.User | None = None) -> None:
        guild_id = require_guild(interaction)
        who = member or interaction.user
        profile = await self.service.profile(guild_id, who.id, self._tags)

        async def page(index: int) -> discord.Embed:
            # Every score, however many: each page is read (one query) when it is first shown.
            rows = await self.service.ratings_page(guild_id, who.id, limit=PAGE_SIZE, offset=index * PAGE_SIZE)
            titles = self._titles(r.title_id for r in rows)
            header = profile if index == 0 else None
            return ratings_pages(who.display_name, rows, titles, total=profile.count, profile=header)[0]

        count = -(-profile.count // PAGE_SIZE)
        paginator = LazyPaginator(await page(0), count, page, owner=interaction)
        await paginator.send(interaction, ephemeral=True)

    @ratings.command(name="export", description="Your scores in this server as a CSV file")
    async def ratings_export(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild(interaction)
        rows = await self.service.export_rows(guild_id, interaction.user.id)
        if not rows:
            await reply(interaction, "You have no scores in this server to export.")
            return
        await reply(interaction, export_text(len(rows)), file=export_csv(rows))

    async def remove_score(self, interaction: discord.Interaction, member: discord.User, title: Title) -> None:
        """`/mod ratings remove`: a moderator removes one member's score (audited)."""
        guild_id = require_guild(interaction)
        require_moderator(interaction, await self.service.guild_settings(guild_id))
        await self.service.remove_by_moderator(guild_id, title.id, member.id, interaction.user.id)
        note_done(interaction, f"{member.mention}'s score for **{display_name(title)}** was removed")
        log.info(
            "moderator %s removed the score of %s for title %s in %s",
            interaction.user.id,
            member.id,
            title.id,
            guild_id,
        )
        await reply(interaction, f"Removed {member.mention}'s score for **{title.name}**. This was logged.")

    @privacy.command(name="forget", description="Delete all your scores in this server")
    async def privacy_forget(self, interaction: discord.Interaction) -> None:
        guild_id = require_guild(interaction)
        count = await self.service.user_rating_count(guild_id, interaction.user.id)
        if not count:
            await reply(interaction, "You have no scores in this server; there is nothing to delete.")
            return

        async def forget(confirmed: discord.Interaction) -> None:
            removed = await self.service.forget(guild_id, confirmed.user.id)
            note_done(confirmed, "Your scores in this server were deleted")
            await confirmed.response.edit_message(content=forgotten_text(removed), view=None)

        view = Confirm(forget, owner=interaction, confirm_label="Delete my scores")
        await reply(
            interaction,
            forget_question(count),
            view=view,
        )
        view.message = await interaction.original_response()


def mod_commands(cog: Scores) -> list[app_commands.Command]:
    """`/mod ratings remove`, bound to this cog (moderator commands live under `/mod`)."""

    @app_commands.command(name="remove", description="Remove one member's score for a title", extras=MODERATORS_ONLY)
    @app_commands.describe(member="Whose score to remove", title="The title")
    async def remove(interaction: discord.Interaction, member: discord.User, title: TitleOption) -> None:
        await cog.remove_score(interaction, member, title)

    return [remove]
