"""Starting a review and its preview: the form or the file, what kansou understood, the preview's buttons."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from bot.catalog.links import display_name, escape_markdown, shorten
from bot.catalog.models import Title
from bot.checks import require_guild, require_moderator
from bot.errors import InvalidInput
from bot.interactions.base import open_modal
from bot.interactions.binding import Binding, check_use
from bot.interactions.replies import NO_MENTIONS, reply
from bot.interactions.views import Confirm
from bot.reviews.corrections import Corrections
from bot.reviews.drafts import Draft
from bot.reviews.intake import FORM_MAX, Intake, check_download, form_intake, join_parts, split_for_form
from bot.reviews.publish import check_score_override, read_upload
from bot.reviews.service import NEW_TITLE
from cogs.reviews.render import post_embed, preview_text
from cogs.reviews.views import ReviewModal, preview_view

if TYPE_CHECKING:
    from bot.client import KansouBot

EXPIRED = "This preview expired; run /mod review post again."

Publish = Callable[[discord.Interaction, Draft], Awaitable[None]]


async def upload_text(file: discord.Attachment) -> str:
    """The text of an uploaded review file: refused by name and declared size before it is downloaded,
    and refused if what arrives is not what was declared (or is not text)."""
    read_upload(file.filename, file.size)
    try:
        data = await file.read()
    except discord.HTTPException as exc:
        raise InvalidInput("I could not download that file; upload it again.") from exc
    return check_download(file.filename, file.size, data)


def file_intake(file: discord.Attachment, text: str) -> Intake:
    return Intake(len(text), f"the file {escape_markdown(shorten(file.filename, 60))}")


TOO_LONG_FOR_FORM = (
    f"This review is longer than the form holds ({FORM_MAX:,} characters): "
    "edit it with `/mod review edit` and the `file` option."
)


class Drafting:
    """/mod review post and /mod review edit up to Publish: every step checks the moderator again."""

    def __init__(self, bot: KansouBot, publish: Publish) -> None:
        self.bot = bot
        self.service = bot.reviews
        self._publish = publish

    async def _require_moderator(self, interaction: discord.Interaction, guild_id: int) -> None:
        require_moderator(interaction, await self.bot.server_settings.get(guild_id))

    async def _require_draft_user(self, interaction: discord.Interaction, draft: Draft) -> None:
        """The draft's own server and author (or a moderator there), whatever its buttons' custom_id says."""
        await check_use(interaction, Binding(draft.guild_id, draft.author_id, moderators=True))
        await self._require_moderator(interaction, draft.guild_id)

    def _draft(self, interaction: discord.Interaction, title: Title, **kw: Any) -> Draft:
        return self.service.new_draft(
            guild_id=require_guild(interaction),
            author_id=interaction.user.id,
            author_name=interaction.user.display_name,
            title=title,
            **kw,
        )

    async def start_post(
        self, interaction: discord.Interaction, title: Title | str, score: float | None, file: discord.Attachment | None
    ) -> None:
        guild_id = require_guild(interaction)
        await self._require_moderator(interaction, guild_id)
        checked = check_score_override(score)
        text = await upload_text(file) if file is not None else ""
        await self.begin(interaction, title, text=text, score=checked, intake=file_intake(file, text) if file else None)

    async def begin(
        self,
        interaction: discord.Interaction,
        title: Title | str,
        *,
        text: str = "",
        score: float | None = None,
        intake: Intake | None = None,
        comparisons: str = "",
    ) -> None:
        """A new review of `title`: with text already read (intake given) straight to the preview, else the
        form; first a confirmation if the title has a review here already."""
        guild_id = require_guild(interaction)
        title = self.service.title_to_post(title, guild_id)
        existing = await self.service.current(guild_id, title.id)
        draft = self._draft(
            interaction, title, text=text, score=score, from_file=intake is not None, replace=existing is not None
        )
        draft.intake, draft.comparisons_raw = intake, comparisons
        if existing is None:
            await self._open(interaction, draft)
            return

        async def confirmed(button: discord.Interaction) -> None:
            await self._require_moderator(button, guild_id)
            await self._open(button, draft)

        view = Confirm(confirmed, owner=interaction, confirm_label="Replace it")
        await reply(
            interaction,
            f"**{display_name(title)}** already has an official review in this server. Replace it? "
            "The old one is kept as a revision.",
            view=view,
        )
        view.message = await interaction.original_response()

    async def start_edit(
        self, interaction: discord.Interaction, title: Title, score: float | None, file: discord.Attachment | None
    ) -> None:
        guild_id = require_guild(interaction)
        await self._require_moderator(interaction, guild_id)
        checked = check_score_override(score)
        review = await self.service.require_current(guild_id, title)
        text = await upload_text(file) if file is not None else review.text
        if file is None and split_for_form(review.text) is None:
            raise InvalidInput(TOO_LONG_FOR_FORM)
        draft = self._draft(interaction, title, text=text, score=checked, from_file=file is not None, edit_of=review.id)
        draft.corrections = Corrections.from_json(review.corrections)
        if file is not None:
            draft.intake = file_intake(file, text)
        await self._open(interaction, draft)

    async def _open(self, interaction: discord.Interaction, draft: Draft) -> None:
        """A file goes straight to the preview; otherwise the form opens (prefilled when editing)."""
        if draft.from_file:
            await self._preview(interaction, draft, first=True)
            return
        await open_modal(interaction, self._modal(draft, first=True))

    def _modal(self, draft: Draft, *, first: bool) -> ReviewModal:
        async def submitted(modal_interaction: discord.Interaction, parts: list[str], comparisons: str) -> None:
            await self._require_moderator(modal_interaction, draft.guild_id)
            text = join_parts(parts)
            draft.text, draft.comparisons_raw, draft.from_file = text, comparisons, False
            draft.intake = form_intake(parts, text)
            await self._preview(modal_interaction, draft, first=first)

        parts = split_for_form(draft.text) or []
        return ReviewModal(submitted, parts=parts, comparisons=draft.comparisons_raw, editing=draft.editing)

    async def draft_for(self, interaction: discord.Interaction, token: str) -> Draft | None:
        """The draft a preview's control acts on, if the clicker may: the draft's server, a moderator there
        (its author or another). Answers "expired" itself and returns None when the draft is gone."""
        draft = self.service.drafts.get(token)
        if draft is None:
            await reply(interaction, EXPIRED)
            return None
        await self._require_draft_user(interaction, draft)
        return draft

    async def refresh(self, interaction: discord.Interaction, draft: Draft, *, notes: Sequence[str] = ()) -> None:
        """Show the draft's preview again, in place, after a correction."""
        message = await self._preview_message(draft, notes=notes)
        await interaction.response.edit_message(**message, allowed_mentions=NO_MENTIONS)

    async def _preview_message(self, draft: Draft, *, notes: Sequence[str] = ()) -> dict[str, Any]:
        assert draft.analysis is not None
        content = draft.content()
        linked = draft.preview_links()
        community = await self.service.community(draft.guild_id, draft.title.id)
        return {
            "content": preview_text(
                draft.analysis,
                content,
                linked=linked,
                suggestions=draft.suggestions,
                unresolved=draft.unresolved,
                replacing=draft.replace,
                editing=draft.editing,
                intake=draft.intake_line(),
                notes=[*notes, *draft.notes()],
                new_title=draft.title.id == NEW_TITLE,
            ),
            "embed": post_embed(draft.title, content, linked=linked, community=community),
            "view": preview_view(
                draft.token, draft.suggestions, draft.kept, guild_id=draft.guild_id, author_id=draft.author_id
            ),
        }

    async def _preview(self, interaction: discord.Interaction, draft: Draft, *, first: bool) -> None:
        await self.service.preview(draft)  # InvalidInput (empty, wordless) reaches the user as is
        message = await self._preview_message(draft)
        if first or interaction.message is None:
            await reply(interaction, **message)
        else:
            await interaction.response.edit_message(**message, allowed_mentions=NO_MENTIONS)

    async def on_keep(self, interaction: discord.Interaction, token: str, values: Sequence[str]) -> None:
        draft = await self.draft_for(interaction, token)
        if draft is None:
            return
        draft.keep(values)
        await interaction.response.edit_message(**await self._preview_message(draft), allowed_mentions=NO_MENTIONS)

    async def on_preview_action(self, interaction: discord.Interaction, action: str, token: str) -> None:
        drafts = self.service.drafts
        draft = await self.draft_for(interaction, token)
        if draft is None:
            return
        if action == "cancel":
            drafts.take(token)
            await interaction.response.edit_message(content="Cancelled; nothing was published.", embed=None, view=None)
        elif action == "edit":
            if split_for_form(draft.text) is None:
                raise InvalidInput(
                    f"This review is longer than the form holds ({FORM_MAX:,} characters): fix the file and "
                    "run the command again with it."
                )
            await open_modal(interaction, self._modal(draft, first=False))
        elif drafts.take(token) is not None:  # taken first: a double click publishes once
            try:
                await self._publish(interaction, draft)
            except BaseException:
                drafts.put_back(draft)  # the moderator may try again
                raise
