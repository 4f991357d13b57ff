"""Interactive parts of official reviews: the review modal, the preview's buttons and the rating panel.

The preview's buttons are dynamic items (their custom_id carries the draft's server, author and token), so a
click after a restart or after the draft expired still reaches kansou and gets a clear answer, and only the
author or a moderator of that server may use them. The rating panel is
a persistent view with fixed custom_ids, registered at load, so it keeps working after restarts.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import discord

from bot.interactions.base import BaseModal, RoutedItem
from bot.interactions.binding import BOUND_IDS, Binding, check_choices
from bot.interactions.views import BaseView
from bot.reviews.intake import FORM_PARTS, PART_MAX, part_label
from bot.text import clip

if TYPE_CHECKING:
    from discord.ext import commands

MODAL_TITLE = "Post official review"
EDIT_MODAL_TITLE = "Edit official review"
COMPARISONS_MAX = 400
RATE_ID = "review:rate"
MAX_KEEP_OPTIONS = 25

OnSubmit = Callable[[discord.Interaction, list[str], str], Awaitable[None]]


class ReviewHandler(Protocol):
    """What the Reviews cog offers its interactive parts (a protocol: the cog module imports this one)."""

    async def on_preview_action(self, interaction: discord.Interaction, action: str, token: str) -> None: ...

    async def on_keep(self, interaction: discord.Interaction, token: str, values: Sequence[str]) -> None: ...

    async def on_rate(self, interaction: discord.Interaction, score: int) -> None: ...

    async def on_fix(self, interaction: discord.Interaction, token: str, name: str) -> None: ...


def handler(client: discord.Client) -> ReviewHandler:
    """The Reviews cog, for this feature's own buttons: discord.py builds dynamic items and persistent views
    from a custom_id alone, so they cannot be handed the cog; they find their own feature's cog by name."""
    cog = cast("commands.Bot", client).get_cog("Reviews")
    if cog is None:
        raise RuntimeError("the Reviews cog is not loaded")
    return cast(ReviewHandler, cog)


class ReviewModal(BaseModal):
    """The review text over FORM_PARTS paragraph inputs (custom_ids "text", "text2", ...; joined in order)
    and the titles to link (custom_id "comparisons")."""

    def __init__(
        self, on_submit: OnSubmit, *, parts: Sequence[str] = (), comparisons: str = "", editing: bool = False
    ) -> None:
        super().__init__(title=EDIT_MODAL_TITLE if editing else MODAL_TITLE, timeout=900)
        self._on_submit = on_submit
        self.parts: list[discord.ui.TextInput[ReviewModal]] = []
        for index in range(1, FORM_PARTS + 1):
            prefill = parts[index - 1] if index <= len(parts) else ""
            part: discord.ui.TextInput[ReviewModal] = discord.ui.TextInput(
                label=part_label(index),
                style=discord.TextStyle.paragraph,
                custom_id="text" if index == 1 else f"text{index}",
                required=index == 1,
                max_length=PART_MAX,
                default=prefill[:PART_MAX] or None,
                placeholder=(
                    "Paste the review; if it is longer than 4,000 characters, continue in part 2."
                    if index == 1
                    else f"Optional: the text that follows part {index - 1}."
                ),
            )
            self.parts.append(part)
            self.add_item(part)
        self.comparisons: discord.ui.TextInput[ReviewModal] = discord.ui.TextInput(
            label="Titles to link (optional, comma-separated)",
            style=discord.TextStyle.short,
            custom_id="comparisons",
            required=False,
            max_length=COMPARISONS_MAX,
            default=comparisons[:COMPARISONS_MAX] or None,
        )
        self.add_item(self.comparisons)

    async def submitted(self, interaction: discord.Interaction) -> None:
        await self._on_submit(interaction, [p.value or "" for p in self.parts], self.comparisons.value or "")


_ACTIONS = {
    "publish": ("Publish", discord.ButtonStyle.success),
    "edit": ("Edit", discord.ButtonStyle.secondary),
    "cancel": ("Cancel", discord.ButtonStyle.danger),
}


class PreviewAction(
    RoutedItem,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"review:(?P<action>publish|edit|cancel):{BOUND_IDS}:(?P<token>[A-Za-z0-9_-]{{1,40}})",
):
    """Publish, Edit or Cancel of one preview: its author's, or another moderator's of the same server."""

    def __init__(self, action: str, token: str, binding: Binding) -> None:
        label, style = _ACTIONS[action]
        custom_id = f"review:{action}:{binding.ids}:{token}"
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.action = action
        self.token = token
        self.binding = binding

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PreviewAction:
        return cls(match["action"], match["token"], Binding.parse(match["guild"], match["author"], moderators=True))

    async def run(self, interaction: discord.Interaction) -> None:
        await handler(interaction.client).on_preview_action(interaction, self.action, self.token)


class KeepSuggestions(
    RoutedItem,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"review:keep:{BOUND_IDS}:(?P<token>[A-Za-z0-9_-]{{1,40}})",
):
    """Names that look like titles but are not in the catalog: the moderator picks the ones to keep."""

    def __init__(self, token: str, binding: Binding, names: Sequence[str] = (), chosen: Sequence[str] = ()) -> None:
        options = [
            discord.SelectOption(label=clip(name, 100), value=str(index), default=name in chosen)
            for index, name in enumerate(names[:MAX_KEEP_OPTIONS])
        ] or [discord.SelectOption(label="(none)", value="0")]
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"review:keep:{binding.ids}:{token}",
            placeholder="Keep titles that are not in the catalog (optional)",
            min_values=0,
            max_values=len(options),
            options=options,
        )
        super().__init__(select)
        self.token = token
        self.binding = binding

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> KeepSuggestions:
        binding = Binding.parse(match["guild"], match["author"], moderators=True)
        kept = cls(match["token"], binding)
        if isinstance(item, discord.ui.Select):
            kept.item.options = item.options
        return kept

    async def run(self, interaction: discord.Interaction) -> None:
        await handler(interaction.client).on_keep(interaction, self.token, check_choices(interaction, self.item))


FIX_FIELDS = {
    "score": "Score",
    "tldr": "TL;DR",
    "verdict": "Verdict",
    "pros": "Pros",
    "cons": "Cons",
    "aspects": "Aspect lines",
    "metadata": "About lines (studio, premiere...)",
    "links": "Linked titles (compared to, studio credits)",
}


class FixField(
    RoutedItem,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"review:fix:{BOUND_IDS}:(?P<token>[A-Za-z0-9_-]{{1,40}})",
):
    """Which field of the preview to correct: it opens a form prefilled with the current value."""

    def __init__(self, token: str, binding: Binding) -> None:
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=f"review:fix:{binding.ids}:{token}",
            placeholder="Correct a field…",
            options=[discord.SelectOption(label=label, value=name) for name, label in FIX_FIELDS.items()],
        )
        super().__init__(select)
        self.token = token
        self.binding = binding

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> FixField:
        return cls(match["token"], Binding.parse(match["guild"], match["author"], moderators=True))

    async def run(self, interaction: discord.Interaction) -> None:
        [name] = check_choices(interaction, self.item)
        await handler(interaction.client).on_fix(interaction, self.token, name)


def preview_view(
    token: str, suggestions: Sequence[str], kept: Sequence[str], *, guild_id: int, author_id: int
) -> discord.ui.View:
    """The preview's components: the suggestions to keep (if any), the field to correct, then Publish, Edit,
    Cancel (three rows of Discord's five); bound to the draft's server and author (and that server's
    moderators)."""
    binding = Binding(guild_id, author_id, moderators=True)
    view = discord.ui.View(timeout=None)
    if suggestions:
        view.add_item(KeepSuggestions(token, binding, suggestions, kept))
    view.add_item(FixField(token, binding))
    for action in ("publish", "edit", "cancel"):
        view.add_item(PreviewAction(action, token, binding))
    return view


class RatingPanel(BaseView):
    """The select under every review post: members score the title 1–10 (persistent across restarts). BaseView
    has checked the value is one of the options; the cog checks the post belongs to the member's server."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.select(
        custom_id=RATE_ID,
        placeholder="Your score for this title (1–10)",
        options=[discord.SelectOption(label=f"{n}/10", value=str(n)) for n in range(10, 0, -1)],
    )
    async def rate(self, interaction: discord.Interaction, select: discord.ui.Select[RatingPanel]) -> None:
        await handler(interaction.client).on_rate(interaction, int(select.values[0]))
