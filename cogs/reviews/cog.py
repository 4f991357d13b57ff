"""The Reviews cog: drafts and their preview, publishing, editing, deleting, the rating panel's scores."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.catalog.links import escape_markdown, shorten
from bot.catalog.models import Title
from bot.checks import require_guild, require_moderator
from bot.errors import InvalidInput, NotFound
from bot.handler import NO_MENTIONS, reply
from bot.interactions.groups import attach, detach
from bot.interactions.views import Confirm
from bot.reviews.analysis import ReviewAnalysis, understand_review
from bot.reviews.coalesce import Coalescer
from bot.reviews.publish import PostContent, check_score_override, comparison_names, post_content, read_upload
from bot.scores.service import RatingService, community_text
from bot.storage.comparisons import ComparisonRepo
from bot.storage.ratings import RatingRepo
from bot.storage.reviews import NewReview, Published, Review, ReviewRepo
from bot.storage.settings import SettingsRepo
from cogs.reviews.commands import review_commands
from cogs.reviews.render import Linked, history_embed, list_pages, post_embed, preview_text
from cogs.reviews.thread import remove_post, rewrite_thread, write_thread
from cogs.reviews.views import (
    TEXT_MAX,
    KeepSuggestions,
    PreviewAction,
    RatingPanel,
    ReviewModal,
    preview_view,
)

if TYPE_CHECKING:
    from bot.client import KansouBot

log = logging.getLogger(__name__)

DRAFT_LIFETIME = 15 * 60.0  # the preview's interaction token lives 15 minutes
EXPIRED = "This preview expired; run /review post again."
SCORE_CHANGED = "kansou_score_changed"
COMMUNITY_INTERVAL = 5.0


@dataclass
class Draft:
    """A review being previewed: nothing is stored until Publish."""

    token: str
    guild_id: int
    author_id: int
    author_name: str
    title: Title
    text: str
    comparisons_raw: str
    score: float | None
    from_file: bool
    replace: bool
    edit_of: int | None
    expires_at: float
    analysis: ReviewAnalysis | None = None
    compared: list[Title] = field(default_factory=list)
    credits: list[Title] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class Reviews(commands.Cog, name="Reviews"):
    """Official reviews: preview, publish, thread, rating panel; SQL stays in ReviewRepo."""

    def __init__(self, bot: KansouBot) -> None:
        self.bot = bot
        self.repo = ReviewRepo(bot.db)
        self.settings = SettingsRepo(bot.db)
        self.comparisons = ComparisonRepo(bot.db)
        self.ratings = RatingRepo(bot.db)
        self._fallback_rating: RatingService | None = None
        self.drafts: dict[str, Draft] = {}
        self.coalescer = Coalescer(COMMUNITY_INTERVAL)
        self._commands = review_commands(self)

    async def cog_load(self) -> None:
        self.bot.add_view(RatingPanel())
        self.bot.add_dynamic_items(PreviewAction, KeepSuggestions)
        attach(self.bot.review_group, self._commands)
        self._offer_official_scores()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # The Scores cog may load after this one; by READY every extension is in.
        self._offer_official_scores()

    def _offer_official_scores(self) -> None:
        """Let /score show the official score and the post's link."""
        scores = self.bot.get_cog("Scores")
        if scores is not None and hasattr(scores, "official_lookup"):
            scores.official_lookup = self.official  # type: ignore[attr-defined]

    async def cog_unload(self) -> None:
        # Shutting down: the review posts get the latest community score before the bot goes.
        await self.coalescer.flush()
        self.bot.remove_dynamic_items(PreviewAction, KeepSuggestions)
        detach(self.bot.review_group, self._commands)

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def name_of(title: Title) -> str:
        return escape_markdown(shorten(title.name, 80))

    async def require_current(self, guild_id: int, title: Title) -> Review:
        review = await self.repo.current(guild_id, title.id)
        if review is None:
            raise NotFound(f"There is no official review of **{self.name_of(title)}** in this server yet.")
        return review

    async def community(self, guild_id: int, title_id: int) -> str:
        return community_text(await self.ratings.aggregate(guild_id, title_id))

    async def linked(self, guild_id: int, review_id: int) -> Linked:
        """The post's links, from the comparison graph (so moderators' additions show up)."""
        edges = await self.comparisons.edges_of_review(guild_id, review_id)
        compared = [t for e in edges if e.kind == "comparison" and (t := self.bot.catalog.get(e.other_title_id))]
        credits = [t for e in edges if e.kind == "studio_credit" and (t := self.bot.catalog.get(e.other_title_id))]
        return Linked(tuple(compared), tuple(credits))

    async def render_post(self, review: Review) -> discord.Embed:
        """A stored review's post, as it is published now."""
        title = self.bot.catalog.get(review.title_id) or Title(review.title_id, f"Title {review.title_id}")
        content = PostContent.from_json(review.analysis)
        return post_embed(
            title,
            content,
            linked=await self.linked(review.guild_id, review.id),
            community=await self.community(review.guild_id, review.title_id),
        )

    async def refresh_post(self, guild_id: int, title_id: int) -> None:
        """Re-render the current post of a title (after its comparisons or scores changed), coalesced."""
        review = await self.repo.current(guild_id, title_id)
        if review is None or review.message_id is None or review.channel_id is None:
            return
        channel_id, message_id = review.channel_id, review.message_id

        async def refresh() -> None:
            latest = await self.repo.current(guild_id, title_id)
            if latest is None or latest.message_id != message_id:
                return
            message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            await message.edit(embed=await self.render_post(latest))

        self.coalescer.request(message_id, refresh)

    @commands.Cog.listener(f"on_{SCORE_CHANGED}")
    async def on_score_changed(self, guild_id: int, title_id: int) -> None:
        await self.refresh_post(guild_id, title_id)

    async def official(self, guild_id: int, title_id: int) -> Any:
        """For /score: the official score and the post's link (Scores' Official record)."""
        review = await self.repo.current(guild_id, title_id)
        if review is None:
            return None
        from cogs.scores.render import Official  # the scores feature's own record type

        return Official(review.score, review.jump_url)

    # -- starting a draft ------------------------------------------------------------------------

    async def _upload_text(self, file: discord.Attachment) -> str:
        read_upload(file.filename, file.size)  # refuse by name and size before downloading
        try:
            data = await file.read()
        except discord.HTTPException as exc:
            raise InvalidInput("I could not download that file; upload it again.") from exc
        return read_upload(file.filename, len(data), data)

    def _new_draft(self, interaction: discord.Interaction, title: Title, **kw: Any) -> Draft:
        return Draft(
            token=secrets.token_urlsafe(12),
            guild_id=require_guild(interaction),
            author_id=interaction.user.id,
            author_name=interaction.user.display_name,
            title=title,
            expires_at=_loop_time() + DRAFT_LIFETIME,
            **kw,
        )

    async def start_post(
        self,
        interaction: discord.Interaction,
        title: Title | str,
        score: float | None,
        file: discord.Attachment | None,
    ) -> None:
        guild_id = require_guild(interaction)
        require_moderator(interaction, await self.settings.get(guild_id))
        checked = check_score_override(score)
        text = await self._upload_text(file) if file is not None else ""
        if isinstance(title, str):
            # A show the catalog lacks: a local title (reused by name; a later import or lookup merges it).
            title = await self.bot.catalog.create_local(title)
        existing = await self.repo.current(guild_id, title.id)
        draft = self._new_draft(
            interaction,
            title,
            text=text,
            comparisons_raw="",
            score=checked,
            from_file=file is not None,
            replace=existing is not None,
            edit_of=None,
        )
        if existing is None:
            await self._open(interaction, draft)
            return

        async def confirmed(button: discord.Interaction) -> None:
            require_moderator(button, await self.settings.get(guild_id))
            await self._open(button, draft)

        view = Confirm(confirmed, owner_id=interaction.user.id, confirm_label="Replace it")
        await reply(
            interaction,
            f"**{self.name_of(title)}** already has an official review in this server. Replace it? "
            "The old one is kept as a revision.",
            view=view,
        )
        view.message = await interaction.original_response()

    async def start_edit(
        self, interaction: discord.Interaction, title: Title, score: float | None, file: discord.Attachment | None
    ) -> None:
        guild_id = require_guild(interaction)
        require_moderator(interaction, await self.settings.get(guild_id))
        checked = check_score_override(score)
        review = await self.require_current(guild_id, title)
        text = await self._upload_text(file) if file is not None else review.text
        if file is None and len(review.text) > TEXT_MAX:
            raise InvalidInput(
                "This review is longer than the form holds: edit it with `/review edit` and the `file` option."
            )
        draft = self._new_draft(
            interaction,
            title,
            text=text,
            comparisons_raw="",
            score=checked,
            from_file=file is not None,
            replace=False,
            edit_of=review.id,
        )
        await self._open(interaction, draft)

    async def _open(self, interaction: discord.Interaction, draft: Draft) -> None:
        """A file goes straight to the preview; otherwise the form opens (prefilled when editing)."""
        if draft.from_file:
            await self._preview(interaction, draft, first=True)
            return
        await interaction.response.send_modal(self._modal(draft, first=True))

    def _modal(self, draft: Draft, *, first: bool) -> ReviewModal:
        async def submitted(modal_interaction: discord.Interaction, text: str, comparisons: str) -> None:
            require_moderator(modal_interaction, await self.settings.get(draft.guild_id))
            draft.text, draft.comparisons_raw, draft.from_file = text, comparisons, False
            await self._preview(modal_interaction, draft, first=first)

        return ReviewModal(
            submitted, text=draft.text, comparisons=draft.comparisons_raw, editing=draft.edit_of is not None
        )

    # -- the preview -----------------------------------------------------------------------------

    def _understand(self, draft: Draft) -> None:
        analysis = understand_review(draft.text, finder=self.bot.catalog.index, reviewed_title_id=draft.title.id)
        draft.analysis = analysis
        draft.compared = [r.title for r in analysis.comparisons if r.kind == "comparison"]
        draft.credits = [r.title for r in analysis.comparisons if r.kind != "comparison"]
        draft.suggestions = list(analysis.suggestions)
        draft.unresolved = []
        known = {t.id for t in (*draft.compared, *draft.credits)} | {draft.title.id}
        for name in comparison_names(draft.comparisons_raw):
            title = self.bot.catalog.confident(name)
            if title is None:
                if name.casefold() not in {s.casefold() for s in draft.suggestions}:
                    draft.suggestions.append(name)
            elif title.id not in known:
                known.add(title.id)
                draft.compared.append(title)
        draft.suggestions = draft.suggestions[:25]
        draft.kept = [k for k in draft.kept if k in draft.suggestions]

    def _kept_titles(self, draft: Draft) -> list[Title]:
        # Placeholders for the preview; Publish creates them as local titles.
        return [Title(-1 - i, name) for i, name in enumerate(draft.kept)]

    def _content(self, draft: Draft) -> PostContent:
        assert draft.analysis is not None
        return post_content(draft.analysis, score_override=draft.score, reviewer=draft.author_name)

    async def _preview_message(self, draft: Draft) -> dict[str, Any]:
        assert draft.analysis is not None
        content = self._content(draft)
        linked = Linked(tuple(draft.compared + self._kept_titles(draft)), tuple(draft.credits))
        community = await self.community(draft.guild_id, draft.title.id)
        return {
            "content": preview_text(
                draft.analysis,
                content,
                linked=linked,
                suggestions=draft.suggestions,
                unresolved=draft.unresolved,
                replacing=draft.replace,
                editing=draft.edit_of is not None,
            ),
            "embed": post_embed(draft.title, content, linked=linked, community=community),
            "view": preview_view(draft.token, draft.suggestions, draft.kept),
        }

    async def _preview(self, interaction: discord.Interaction, draft: Draft, *, first: bool) -> None:
        self._understand(draft)  # InvalidInput (empty, wordless) reaches the user as is
        self._forget_expired()
        draft.expires_at = _loop_time() + DRAFT_LIFETIME
        self.drafts[draft.token] = draft
        message = await self._preview_message(draft)
        if first or interaction.message is None:
            await reply(interaction, **message)
        else:
            await interaction.response.edit_message(**message, allowed_mentions=NO_MENTIONS)

    def _forget_expired(self) -> None:
        now = _loop_time()
        for token in [t for t, d in self.drafts.items() if d.expires_at <= now]:
            del self.drafts[token]

    def _draft(self, token: str) -> Draft | None:
        self._forget_expired()
        return self.drafts.get(token)

    async def on_keep(self, interaction: discord.Interaction, token: str, values: Sequence[str]) -> None:
        draft = self._draft(token)
        if draft is None:
            await reply(interaction, EXPIRED)
            return
        require_moderator(interaction, await self.settings.get(draft.guild_id))
        draft.kept = [draft.suggestions[int(v)] for v in values if v.isdigit() and int(v) < len(draft.suggestions)]
        await interaction.response.edit_message(**await self._preview_message(draft), allowed_mentions=NO_MENTIONS)

    async def on_preview_action(self, interaction: discord.Interaction, action: str, token: str) -> None:
        draft = self._draft(token)
        if draft is None:
            await reply(interaction, EXPIRED)
            return
        require_moderator(interaction, await self.settings.get(draft.guild_id))
        if action == "cancel":
            self.drafts.pop(token, None)
            await interaction.response.edit_message(content="Cancelled; nothing was published.", embed=None, view=None)
        elif action == "edit":
            if draft.from_file and len(draft.text) > TEXT_MAX:
                raise InvalidInput(
                    "This review came from a file and is longer than the form holds: fix the file and "
                    "run the command again with it."
                )
            await interaction.response.send_modal(self._modal(draft, first=False))
        elif self.drafts.pop(token, None) is not None:  # popped first: a double click publishes once
            try:
                await self._publish(interaction, draft)
            except BaseException:
                self.drafts[token] = draft  # the moderator may try again
                raise

    # -- publishing ------------------------------------------------------------------------------

    async def _done(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.edit_original_response(content=text, embed=None, view=None)

    async def _target_channel(self, interaction: discord.Interaction, guild_id: int) -> discord.abc.Messageable:
        settings = await self.settings.get(guild_id)
        channel = self.bot.get_channel(settings.reviews_channel_id) if settings.reviews_channel_id else None
        if isinstance(channel, discord.TextChannel):
            return channel
        if interaction.channel is None or not isinstance(interaction.channel, discord.abc.Messageable):
            raise InvalidInput("I cannot post here; set a reviews channel with `/settings reviews-channel`.")
        return interaction.channel

    async def _links_for_publish(self, draft: Draft) -> list[tuple[Title, str]]:
        kept = [await self.bot.catalog.create_local(name) for name in draft.kept]
        refs = {t.id: (t, "comparison") for t in (*draft.compared, *kept) if t.id != draft.title.id}
        for t in draft.credits:
            refs.setdefault(t.id, (t, "studio_credit"))
        return list(refs.values())

    async def _publish(self, interaction: discord.Interaction, draft: Draft) -> None:
        await interaction.response.defer()
        if draft.edit_of is not None:
            await self._apply_edit(interaction, draft)
            return
        guild_id = draft.guild_id
        if not draft.replace and await self.repo.current(guild_id, draft.title.id) is not None:
            await self._done(
                interaction,
                "Someone published a review of this title meanwhile; run "
                "/review post again to replace it. Nothing was published.",
            )
            return
        channel = await self._target_channel(interaction, guild_id)
        refs = await self._links_for_publish(draft)
        content = self._content(draft)
        linked = Linked(tuple(t for t, k in refs if k == "comparison"), tuple(t for t, k in refs if k != "comparison"))
        community = await self.community(guild_id, draft.title.id)
        embed = post_embed(draft.title, content, linked=linked, community=community)
        try:
            message = await channel.send(embed=embed, view=RatingPanel(), allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as exc:
            log.warning("could not post a review in %s: %s", getattr(channel, "id", "?"), exc)
            await self._done(
                interaction,
                "I could not post the review in that channel (Discord refused: "
                f"{shorten(exc.text or str(exc.status), 100)}). Nothing was published; "
                "check my permissions there and try again.",
            )
            return
        try:
            thread = await write_thread(message, draft.title.name, draft.text)
        except discord.HTTPException as exc:
            await remove_post(self.bot, message.channel.id, message.id, None)
            log.warning("could not open the review thread: %s", exc)
            await self._done(
                interaction,
                "I could not open the discussion thread on the post, so I took the post "
                "down again. Nothing was published; check my thread permissions.",
            )
            return
        new = NewReview(
            guild_id=guild_id,
            title_id=draft.title.id,
            author_id=draft.author_id,
            text=draft.text,
            score=content.score,
            score_raw=content.score_raw,
            analysis=content.to_json(),
            channel_id=message.channel.id,
            message_id=message.id,
            thread_id=thread.id,
        )
        published: Published | None = None
        try:
            published = await self.repo.publish(new, replace=draft.replace)
            edges = [(t.id, kind, self._sentence(draft, t.id)) for t, kind in refs]
            await self.comparisons.replace_review_edges(guild_id, published.review.id, draft.title.id, edges)
        except Exception:
            log.exception("storing a published review failed; taking the post down")
            if published is not None:
                await self.repo.discard(published)
            await remove_post(self.bot, message.channel.id, message.id, thread.id)
            await self._done(
                interaction,
                "I could not save the review, so I took the post down again. "
                "Nothing was published; try again in a moment.",
            )
            return
        if published.replaced is not None:
            old = published.replaced
            await remove_post(self.bot, old.channel_id, old.message_id, old.thread_id)
        self.bot.catalog.note_guild_title(guild_id, draft.title.id)
        what = "Replaced the official review" if draft.replace else "Published the official review"
        await self._done(interaction, f"{what} of **{self.name_of(draft.title)}**: {message.jump_url}")

    @staticmethod
    def _sentence(draft: Draft, title_id: int) -> str:
        assert draft.analysis is not None
        return next((r.sentence for r in draft.analysis.comparisons if r.title.id == title_id), "")[:500]

    async def _apply_edit(self, interaction: discord.Interaction, draft: Draft) -> None:
        before = await self.repo.get(draft.edit_of or 0)
        if before is None or before.status != "current":
            await self._done(interaction, "That review was deleted or replaced meanwhile; nothing was changed.")
            return
        refs = await self._links_for_publish(draft)
        content = self._content(draft)
        updated = await self.repo.edit(
            before.id,
            text=draft.text,
            score=content.score,
            score_raw=content.score_raw,
            analysis=content.to_json(),
            editor_id=interaction.user.id,
        )
        old_edges = await self.comparisons.edges_of_review(draft.guild_id, before.id)
        await self.comparisons.replace_review_edges(
            draft.guild_id, before.id, draft.title.id, [(t.id, k, self._sentence(draft, t.id)) for t, k in refs]
        )
        try:
            channel = self.bot.get_partial_messageable(before.channel_id or 0)
            await channel.get_partial_message(before.message_id or 0).edit(embed=await self.render_post(updated))
            thread = self.bot.get_channel(before.thread_id or 0) or await self.bot.fetch_channel(before.thread_id or 0)
            if isinstance(thread, discord.Thread) and self.bot.user is not None:
                await rewrite_thread(thread, draft.text, self.bot.user.id)
        except discord.HTTPException as exc:
            log.warning("could not update review post %s: %s", before.message_id, exc)
            await self.repo.restore(before)
            await self.comparisons.replace_review_edges(
                draft.guild_id,
                before.id,
                draft.title.id,
                [(e.other_title_id, e.kind, e.sentence) for e in old_edges if e.source == "review"],
            )
            await self._done(
                interaction, "I could not update the post, so the review was left as it was. Try again in a moment."
            )
            return
        await self._done(
            interaction,
            f"Updated the official review of **{self.name_of(draft.title)}** "
            f"(the previous text is kept in /review history).",
        )

    # -- reading and deleting --------------------------------------------------------------------

    async def list_pages(self, guild_id: int, limit: int) -> list[discord.Embed]:
        reviews = await self.repo.list_current(guild_id, limit=limit)
        titles = {t.id: t for r in reviews if (t := self.bot.catalog.get(r.title_id))}
        community = {r.title_id: await self.community(guild_id, r.title_id) for r in reviews}
        return list_pages(reviews, titles, community, total=await self.repo.count(guild_id))

    async def history(self, guild_id: int, title: Title) -> discord.Embed:
        review = await self.require_current(guild_id, title)
        return history_embed(title, review, await self.repo.history(review.id))

    async def delete(self, interaction: discord.Interaction, review: Review) -> None:
        require_moderator(interaction, await self.settings.get(review.guild_id))
        if not await self.repo.delete(review.id):
            await interaction.response.edit_message(content="That review was already gone.", view=None)
            return
        await self.comparisons.delete_review(review.guild_id, review.id)
        await remove_post(self.bot, review.channel_id, review.message_id, review.thread_id)
        title = self.bot.catalog.get(review.title_id)
        name = self.name_of(title) if title else "that title"
        await interaction.response.edit_message(
            content=f"Deleted the official review of **{name}**. Members' scores are kept.", view=None
        )

    # -- the rating panel ------------------------------------------------------------------------

    async def on_rate(self, interaction: discord.Interaction, score: int) -> None:
        message_id = interaction.message.id if interaction.message else 0
        review = await self.repo.by_message(message_id)
        title = self.bot.catalog.get(review.title_id) if review else None
        if review is None or review.status != "current" or title is None:
            await reply(interaction, "This review is no longer current; score the title with `/rate`.")
            return
        scores = self.bot.get_cog("Scores")
        rate_title = getattr(scores, "rate_title", None)
        if rate_title is not None:
            # The same code path as /rate (it announces the change, which refreshes this post).
            await reply(interaction, await rate_title(interaction, title, score))
            return
        await reply(interaction, await self._rate_fallback(interaction, review, title, score))

    async def _rate_fallback(self, interaction: discord.Interaction, review: Review, title: Title, score: int) -> str:
        if self._fallback_rating is None:
            self._fallback_rating = RatingService(self.ratings, self.settings)
        roles = [r.id for r in interaction.user.roles] if isinstance(interaction.user, discord.Member) else None
        result = await self._fallback_rating.rate(review.guild_id, title.id, interaction.user.id, score, roles)
        self.bot.dispatch(SCORE_CHANGED, review.guild_id, title.id)
        community = community_text(result.aggregate)
        return f"Saved your **{score}/10** for **{self.name_of(title)}**.\nCommunity: {community}."
