"""Apps → Post as official review: a message (and its .txt/.md attachment) becomes a review draft.

The moderator is asked which anime it reviews (prefilled from the message's heading when the catalog
knows it surely); a name that is not sure gets "Did you mean …?" as /mod review post does, or becomes a
new title of the server when it resembles nothing known.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, cast

import discord

from bot.catalog.links import escape_markdown, shorten
from bot.catalog.models import Candidate, Title
from bot.catalog.validate import check_new_title_name
from bot.checks import require_guild, require_moderator
from bot.errors import InvalidInput
from bot.interactions.base import BaseModal, open_modal
from bot.interactions.replies import reply
from bot.interactions.titles import resolve_typed_title
from bot.interactions.views import BaseView
from bot.reviews.intake import Intake, message_review, title_guess
from bot.reviews.publish import UPLOAD_EXTENSIONS, check_score_override
from cogs.reviews.drafting import upload_text
from cogs.reviews.views import COMPARISONS_MAX

if TYPE_CHECKING:
    from bot.client import KansouBot
    from cogs.reviews.drafting import Drafting

MENU_NAME = "Post as official review"
NO_TEXT = (
    "That message has no review text: pick the message that holds the review, or one with the review "
    "attached as a `.txt` or `.md` file."
)

Begin = Callable[[discord.Interaction, Title | str], Awaitable[None]]


async def read_message(message: discord.Message) -> tuple[str, Intake]:
    """The review a message holds (its text, and its first .txt/.md attachment) and what was read."""
    files: list[tuple[str, str]] = []
    ignored: list[str] = []
    for attachment in message.attachments:
        name = escape_markdown(shorten(attachment.filename, 60))
        if not attachment.filename.lower().endswith(UPLOAD_EXTENSIONS):
            ignored.append(f"the attachment {name} (not a .txt or .md file)")
        elif files:
            ignored.append(f"the attachment {name} (only the first review file is read)")
        else:
            files.append((attachment.filename, await upload_text(attachment)))
    if message.embeds:
        ignored.append("the message's embeds")
    text, source = message_review(message.content, files)
    if not text.strip():
        raise InvalidInput(NO_TEXT)
    return text, Intake(len(text), escape_markdown(shorten(source, 80)), tuple(ignored))


class TitleQuestion(BaseModal):
    """Which anime the message reviews (custom_id "title"), titles to link, and an optional score."""

    def __init__(self, on_answer: Callable[[discord.Interaction, str, str, str], Awaitable[None]], guess: str) -> None:
        super().__init__(title=MENU_NAME, timeout=900)
        self._on_answer = on_answer
        self.name: discord.ui.TextInput[TitleQuestion] = discord.ui.TextInput(
            label="Which anime does this message review?",
            custom_id="title",
            max_length=200,
            default=guess or None,
            placeholder="The anime's name, e.g. Frieren",
        )
        self.comparisons: discord.ui.TextInput[TitleQuestion] = discord.ui.TextInput(
            label="Titles to link (optional, comma-separated)",
            custom_id="comparisons",
            required=False,
            max_length=COMPARISONS_MAX,
        )
        self.score: discord.ui.TextInput[TitleQuestion] = discord.ui.TextInput(
            label="Official score, 0–10 (optional)",
            custom_id="score",
            required=False,
            max_length=5,
        )
        for item in (self.name, self.comparisons, self.score):
            self.add_item(item)

    async def submitted(self, interaction: discord.Interaction) -> None:
        await self._on_answer(interaction, self.name.value, self.comparisons.value or "", self.score.value or "")


class DidYouMean(BaseView):
    """The titles a typed name could mean, and the name itself as a new title of the server."""

    NEW = "new"

    def __init__(self, typed: str, candidates: list[Candidate], on_pick: Begin, *, owner: discord.Interaction) -> None:
        super().__init__(owner=owner, timeout=600)
        self.typed = typed
        self.titles = {str(c.title.id): c.title for c in candidates[:5]}
        self._on_pick = on_pick
        options = [
            discord.SelectOption(label=shorten(t.name, 100), value=key, description="in the catalog")
            for key, t in self.titles.items()
        ]
        options.append(
            discord.SelectOption(label=shorten(typed, 100), value=self.NEW, description="none of these: a new title")
        )
        cast("discord.ui.Select[DidYouMean]", self.pick).options = options

    @discord.ui.select(custom_id="review:didyoumean", placeholder="Which anime did you mean?")
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[DidYouMean]) -> None:
        self.stop()
        value = select.values[0]
        title: Title | str = self.titles[value] if value in self.titles else check_new_title_name(self.typed)
        await self._on_pick(interaction, title)


def score_of(raw: str) -> float | None:
    """The optional score typed in the title question."""
    raw = raw.strip().replace(",", ".").removesuffix("/10").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError as exc:
        raise InvalidInput("The score is a number from 0 to 10, such as `7.5` (or leave it empty).") from exc
    return check_score_override(value)


async def post_message(
    bot: KansouBot, drafting: Drafting, interaction: discord.Interaction, msg: discord.Message
) -> None:
    """The message command: moderators only (checked here; default_permissions is only a hint)."""
    guild_id = require_guild(interaction)
    require_moderator(interaction, await bot.server_settings.get(guild_id))
    text, intake = await read_message(msg)
    guess = title_guess(text) or ""
    surely = await bot.catalog.confident(guess, guild_id=guild_id) if guess else None

    async def answered(modal: discord.Interaction, name: str, comparisons: str, raw_score: str) -> None:
        require_moderator(modal, await bot.server_settings.get(guild_id))
        score = score_of(raw_score)

        async def begin(answer: discord.Interaction, title: Title | str) -> None:
            require_moderator(answer, await bot.server_settings.get(guild_id))
            await drafting.begin(answer, title, text=text, score=score, intake=intake, comparisons=comparisons)

        resolved = await resolve_typed_title(bot, name, guild_id)
        if isinstance(resolved, Title):
            await begin(modal, resolved)
        elif not resolved:
            await begin(modal, check_new_title_name(name))
        else:
            view = DidYouMean(name, resolved, begin, owner=modal)
            shown = escape_markdown(shorten(name, 80))
            await reply(modal, f"I'm not sure which anime “{shown}” is. Did you mean one of these?", view=view)
            view.message = await modal.original_response()

    await open_modal(interaction, TitleQuestion(answered, surely.name if surely else guess))
