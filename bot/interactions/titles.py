"""The title option every command shares: autocomplete from memory, and resolution of what was typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands

from bot.catalog.index import choice_label
from bot.catalog.links import display_name, escape_markdown, shorten
from bot.catalog.models import Candidate, Title
from bot.catalog.validate import check_new_title_name, clean_title_name
from bot.errors import NotFound

if TYPE_CHECKING:
    from bot.client import KansouBot

# Autocomplete answers carry the title id, so a picked choice never needs resolving again.
CHOICE_PREFIX = "t:"


def choice_value(title: Title) -> str:
    return f"{CHOICE_PREFIX}{title.id}"


def picked_id(value: str) -> int | None:
    """The title id of a picked autocomplete choice, or None for typed text."""
    if value.startswith(CHOICE_PREFIX) and value[len(CHOICE_PREFIX) :].isdigit():
        return int(value[len(CHOICE_PREFIX) :])
    return None


NO_LONGER_KNOWN = (
    "That title is no longer known (it may have been merged or deleted). Pick it again from the suggestions."
)


async def resolve_typed_title(bot: KansouBot, value: str, guild_id: int | None) -> Title | list[Candidate]:
    """A picked or surely-meant title this server sees, else the close candidates to offer ("Did you
    mean …?"), possibly none ("not found").

    Raises InvalidInput for text that cannot be a title (empty, too long, only emoji, mentions...),
    and NotFound for a picked title that is gone (a stale autocomplete value never becomes a name).
    """
    title_id = picked_id(value)
    if title_id is not None:
        title = bot.catalog.visible(title_id, guild_id)
        if title is None:
            raise NotFound(NO_LONGER_KNOWN)
        return title
    name = clean_title_name(value)
    surely = await bot.catalog.confident(name, guild_id=guild_id)
    return surely if surely is not None else await bot.catalog.did_you_mean(name, guild_id=guild_id)


def not_sure_message(typed: str, candidates: list[Candidate]) -> str:
    shown = escape_markdown(shorten(typed, 80))
    if not candidates:
        return f"Not found: I don't know a title called “{shown}”. Pick one from the suggestions as you type."
    names = ", ".join(f"**{display_name(c.title)}**" for c in candidates[:3])
    return f"I'm not sure which title you mean by “{shown}”. Did you mean {names}? Pick one from the suggestions."


async def title_choices(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Up to 25 titles for what the user has typed so far; this server's titles first."""
    bot = cast("KansouBot", interaction.client)
    candidates = await bot.catalog.complete(current[:200], interaction.guild_id)
    return [app_commands.Choice(name=choice_label(c), value=choice_value(c.title)) for c in candidates[:25]]


class _TitleTransformer(app_commands.Transformer):
    """Autocomplete shared by the title options."""

    # discord.py types the result as list[Choice[int | float | str]]; list is invariant, so a string
    # option's own list[Choice[str]] can only be returned against that annotation.
    async def autocomplete(  # type: ignore[override]
        self, interaction: discord.Interaction, value: int | float | str, /
    ) -> list[app_commands.Choice[str]]:
        return await title_choices(interaction, str(value))


class TitleTransformer(_TitleTransformer):
    """A title option that must name one title surely; otherwise the user is told what it could mean."""

    async def transform(self, interaction: discord.Interaction, value: str, /) -> Title:
        resolved = await resolve_typed_title(cast("KansouBot", interaction.client), value, interaction.guild_id)
        if isinstance(resolved, Title):
            return resolved
        raise NotFound(not_sure_message(value, resolved))


class NewTitleTransformer(_TitleTransformer):
    """Like TitleTransformer, but a name that resembles nothing known comes back as text (a new title)."""

    async def transform(self, interaction: discord.Interaction, value: str, /) -> Title | str:
        resolved = await resolve_typed_title(cast("KansouBot", interaction.client), value, interaction.guild_id)
        if isinstance(resolved, Title):
            return resolved
        if resolved:
            raise NotFound(not_sure_message(value, resolved))
        return check_new_title_name(value)


TitleOption = app_commands.Transform[Title, TitleTransformer]
# For commands that may name a show the catalog lacks: the command creates it once it has checked permissions.
TitleOrNewOption = app_commands.Transform[Title | str, NewTitleTransformer]
