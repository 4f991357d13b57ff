"""The scores feature's buttons: "Did you mean …?" when a typed title is not sure."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import discord

from bot.catalog.index import choice_label
from bot.catalog.links import escape_markdown, shorten
from bot.catalog.models import Candidate, Title
from bot.interactions.views import BaseView

OnPick = Callable[[discord.Interaction, Title], Awaitable[None]]
OnNew = Callable[[discord.Interaction], Awaitable[None]]
MAX_SUGGESTIONS = 4


class DidYouMean(BaseView):
    """'Did you mean …?' with one button per close title, so a typo never creates a near-duplicate."""

    def __init__(
        self,
        candidates: Sequence[Candidate],
        on_pick: OnPick,
        *,
        owner: discord.Interaction,
        on_new: OnNew | None = None,
    ) -> None:
        super().__init__(owner=owner)
        self.on_pick = on_pick
        self.on_new = on_new
        for index, candidate in enumerate(candidates[:MAX_SUGGESTIONS]):
            self.add_item(_PickButton(candidate, index))
        if on_new is not None:
            self.add_item(_NewButton())
        self.add_item(_CancelButton())

    @staticmethod
    def prompt(typed: str, score: int) -> str:
        return (
            f"I don't know a title called “{escape_markdown(shorten(typed, 80))}”. "
            f"Did you mean one of these? Your score of **{score}/10** is saved once you pick."
        )


class _PickButton(discord.ui.Button[DidYouMean]):
    def __init__(self, candidate: Candidate, index: int) -> None:
        super().__init__(
            label=choice_label(candidate, max_chars=80),
            style=discord.ButtonStyle.primary,
            custom_id=f"rate:pick:{index}",
        )
        self.title = candidate.title

    async def callback(self, interaction: discord.Interaction) -> None:
        view = _view_of(self)
        view.stop()
        await view.on_pick(interaction, self.title)


class _NewButton(discord.ui.Button[DidYouMean]):
    """None of these: the member means a show kansou does not know yet (asked to confirm next)."""

    def __init__(self) -> None:
        super().__init__(label="None: it's a new title", style=discord.ButtonStyle.secondary, custom_id="rate:new")

    async def callback(self, interaction: discord.Interaction) -> None:
        view = _view_of(self)
        if view.on_new is not None:
            view.stop()
            await view.on_new(interaction)


class _CancelButton(discord.ui.Button[DidYouMean]):
    def __init__(self) -> None:
        super().__init__(label="None of these", style=discord.ButtonStyle.secondary, custom_id="rate:cancel")

    async def callback(self, interaction: discord.Interaction) -> None:
        _view_of(self).stop()
        await interaction.response.edit_message(
            content="Nothing saved. Pick the title from the suggestions as you type it.", view=None
        )


def _view_of(button: discord.ui.Button[DidYouMean]) -> DidYouMean:
    if button.view is None:  # discord.py only calls back items that are attached to a view
        raise RuntimeError("a DidYouMean button was pressed outside its view")
    return button.view
