"""Base classes for interactive parts, so timing, error routing and who may use them are written once.

Commands get all three from the tree (bot/client.py); views from BaseView (bot/interactions/views.py); modals
from BaseModal (opened with `open_modal`, which binds them to the server and user that opened them); dynamic
items (buttons whose custom_id carries state, working after restarts) from RoutedItem: their custom_id carries
their server and author too (BOUND_IDS), and their `run` gets the same timing and central error handler.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.interactions.binding import Binding, check_use, may_use
from bot.interactions.error_handler import handle_error
from bot.interactions.timing import mark_start

UNBOUND = "a {} was used that nothing bound to a server and user (open modals with open_modal)"


class BaseModal(discord.ui.Modal):
    """A modal whose submission is timed, checked against who opened it, and whose errors reach the central
    handler. Open it with `open_modal`; override `submitted`."""

    binding: Binding | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        mark_start(interaction)
        if self.binding is None:  # fail closed: an unbound modal is a bug, not a modal anyone may submit
            raise RuntimeError(UNBOUND.format(type(self).__name__))
        return await may_use(interaction, self.binding)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        await self.submitted(interaction)

    async def submitted(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    # discord.py's own Modal.on_error drops the `item` argument of View's; this matches Modal's.
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        await handle_error(interaction, error)


async def open_modal(interaction: discord.Interaction, modal: BaseModal) -> None:
    """Show the modal to this interaction's user; only they, in this server, can submit it."""
    modal.binding = Binding.of(interaction)
    await interaction.response.send_modal(modal)


class RoutedItem:
    """Mix into a discord.ui.DynamicItem (before it): its click is timed, checked against its `binding` (set
    from the BOUND_IDS of its custom_id), and its errors reach the central handler. Override `run`."""

    binding: Binding | None = None

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        mark_start(interaction)
        try:
            if self.binding is None:  # fail closed, as for modals
                raise RuntimeError(UNBOUND.format(type(self).__name__))
            await check_use(interaction, self.binding)
            await self.run(interaction)
        except Exception as error:  # routed to the one handler, as commands' errors are
            await handle_error(interaction, error)

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError
