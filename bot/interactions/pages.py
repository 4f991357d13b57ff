"""Pages fetched as they are turned to: for lists too long to load at once (one query per page)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.interactions.views import Paginator

PageLoader = Callable[[int], Awaitable[discord.Embed]]


class LazyPaginator(Paginator):
    """Previous / Next over `page_count` pages; page i is built by `load(i)` when first shown, then kept."""

    def __init__(self, first: discord.Embed, page_count: int, load: PageLoader, *, owner: discord.Interaction) -> None:
        self.page_count = max(1, page_count)
        self.load = load
        self.loaded: dict[int, discord.Embed] = {0: first}
        super().__init__([first], owner=owner)

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= self.page_count - 1
        self.position.label = f"{self.index + 1} / {self.page_count}"

    async def _show(self, interaction: discord.Interaction) -> None:
        self.index = min(self.index, self.page_count - 1)
        if self.index not in self.loaded:
            self.loaded[self.index] = await self.load(self.index)
        self._sync()
        await interaction.response.edit_message(embed=self.loaded[self.index], view=self)

    async def send(self, interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
        """Send the first page (without buttons when there is only one)."""
        self.pages = [self.loaded[0]] * self.page_count  # Paginator.send decides on buttons by the count
        await super().send(interaction, ephemeral=ephemeral)
