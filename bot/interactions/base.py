"""Base classes for interactive parts, so timing and error routing are written once.

Commands get both from the tree (bot/client.py); views from BaseView (bot/interactions/views.py); modals
from BaseModal; dynamic items (buttons whose custom_id carries state, working after restarts) from
RoutedItem, which runs their `run` with the same timing and the same central error handler.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.interactions.error_handler import handle_error
from bot.interactions.timing import mark_start


class BaseModal(discord.ui.Modal):
    """A modal whose submission is timed and whose errors reach the central handler. Override `submitted`."""

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        mark_start(interaction)
        await self.submitted(interaction)

    async def submitted(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError

    # discord.py's own Modal.on_error drops the `item` argument of View's; this matches Modal's.
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        await handle_error(interaction, error)


class RoutedItem:
    """Mix into a discord.ui.DynamicItem (before it): its click is timed and its errors reach the central
    handler. Override `run` instead of `callback`."""

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        mark_start(interaction)
        try:
            await self.run(interaction)
        except Exception as error:  # routed to the one handler, as commands' errors are
            await handle_error(interaction, error)

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError
