"""Views every feature shares: errors routed to the central handler, buttons bound to their server and owner,
select values checked against the options offered, confirmation, pages."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bot.interactions.binding import Binding, may_use, used_select
from bot.interactions.error_handler import handle_error
from bot.interactions.replies import NO_MENTIONS
from bot.interactions.timing import mark_start

DEFAULT_TIMEOUT = 180.0


class BaseView(discord.ui.View):
    """A view whose errors reach the central handler. With an owner (the interaction that created it), only
    that user, in that server, may use it (or that server's moderators, with moderators=True); without one
    (persistent views), anyone in a server kansou is in. A select's values must be among its options."""

    def __init__(
        self,
        *,
        owner: discord.Interaction | None = None,
        moderators: bool = False,
        timeout: float | None = DEFAULT_TIMEOUT,
    ) -> None:
        super().__init__(timeout=timeout)
        self.binding = Binding.of(owner, moderators=moderators) if owner is not None else None
        self.message: discord.Message | discord.InteractionMessage | None = None

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        mark_start(interaction)
        return await may_use(interaction, self.binding, used_select(interaction, self.children))

    async def on_error(self, interaction: discord.Interaction, error: Exception, item: Any) -> None:
        await handle_error(interaction, error)

    def disable_all(self) -> None:
        for child in self.children:
            if isinstance(child, discord.ui.Button | discord.ui.Select):
                child.disabled = True

    async def on_timeout(self) -> None:
        if self.message is None:
            return
        self.disable_all()
        # The message may be gone or its token expired: then there is nothing left to disable.
        with contextlib.suppress(discord.HTTPException):
            await self.message.edit(view=self)


OnConfirm = Callable[[discord.Interaction], Awaitable[None]]


class Confirm(BaseView):
    """Asks the owner to confirm a destructive action, then runs `on_confirm` with the button's interaction."""

    def __init__(
        self,
        on_confirm: OnConfirm,
        *,
        owner: discord.Interaction,
        confirm_label: str = "Confirm",
        timeout: float = 60.0,
    ) -> None:
        super().__init__(owner=owner, timeout=timeout)
        self.on_confirm = on_confirm
        self.confirm.label = confirm_label

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger, custom_id="confirm:yes")
    async def confirm(self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]) -> None:
        self.stop()
        await self.on_confirm(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="confirm:no")
    async def cancel(self, interaction: discord.Interaction, button: discord.ui.Button[Confirm]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Cancelled; nothing was changed.", embed=None, view=None)


class Paginator(BaseView):
    """Pages of embeds with Previous / Next buttons; only the user who asked may turn them."""

    def __init__(self, pages: Sequence[discord.Embed], *, owner: discord.Interaction) -> None:
        super().__init__(owner=owner)
        self.pages = list(pages)
        self.index = 0
        self._sync()

    def _sync(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1
        self.position.label = f"{self.index + 1} / {len(self.pages)}"

    @discord.ui.button(label="◀ Previous", style=discord.ButtonStyle.secondary, custom_id="page:prev")
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        self.index = max(0, self.index - 1)
        await self._show(interaction)

    @discord.ui.button(label="1 / 1", style=discord.ButtonStyle.secondary, custom_id="page:pos", disabled=True)
    async def position(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        await interaction.response.defer()

    @discord.ui.button(label="Next ▶", style=discord.ButtonStyle.secondary, custom_id="page:next")
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Paginator]) -> None:
        self.index = min(len(self.pages) - 1, self.index + 1)
        await self._show(interaction)

    async def _show(self, interaction: discord.Interaction) -> None:
        self._sync()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    async def send(self, interaction: discord.Interaction, *, ephemeral: bool = False) -> None:
        """Send the first page (without buttons when there is only one)."""
        view = self if len(self.pages) > 1 else discord.utils.MISSING
        await interaction.response.send_message(
            embed=self.pages[0], view=view, ephemeral=ephemeral, allowed_mentions=NO_MENTIONS
        )
        if len(self.pages) > 1:
            self.message = await interaction.original_response()


def chunk(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    """Split a list into pages of `size` (at least one page, possibly empty)."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]
