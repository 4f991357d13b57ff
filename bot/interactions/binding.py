"""Who may use an interactive part: the server it was created in, and whose it is (or that server's moderators).

Every button, select and modal goes through `check_use` once (in BaseView, RoutedItem and BaseModal), and
every command through `check_server` (in the tree): nothing is done in a server kansou is not in, nothing
created in one server is used from another, and nobody uses someone else's buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.checks import is_moderator
from bot.errors import InvalidInput, PermissionDenied, UserFacingError
from bot.interactions.error_handler import handle_error

if TYPE_CHECKING:
    from bot.client import KansouBot

# The part of a dynamic item's custom_id that names its server and its author: "<guild>:<author>".
BOUND_IDS = r"(?P<guild>\d{1,20}):(?P<author>\d{1,20})"

NOT_IN_SERVER = (
    "kansou is not a member of this server (only its commands are left here), so nothing was done. "
    "Ask an admin to invite the bot again."
)
OTHER_SERVER = "These buttons belong to another server; they do nothing here."
NOT_YOURS = "These buttons belong to someone else's command; run it yourself to get your own."
NOT_YOURS_OR_MODERATOR = "Only the moderator who started this, or another moderator of this server, can use it."
NOT_A_CHOICE = "That is not one of the choices offered; pick again from the list."


@dataclass(frozen=True)
class Binding:
    """Where an interactive part works and whose it is.

    guild_id: the server it was created in (None: direct messages). user_id: its author (None: any member
    of that server). moderators: a moderator of that same server may use it too.
    """

    guild_id: int | None
    user_id: int | None
    moderators: bool = False

    @classmethod
    def of(cls, interaction: discord.Interaction, *, moderators: bool = False) -> Binding:
        """Bound to the server and the user of this interaction."""
        return cls(interaction.guild_id, interaction.user.id, moderators)

    @classmethod
    def parse(cls, guild: str, author: str, *, moderators: bool = False) -> Binding:
        """From the BOUND_IDS groups of a custom_id ("0" stands for none)."""
        return cls(int(guild) or None, int(author) or None, moderators)

    @property
    def ids(self) -> str:
        """The BOUND_IDS part of a custom_id."""
        return f"{self.guild_id or 0}:{self.user_id or 0}"


def _bot(interaction: discord.Interaction) -> KansouBot:
    return cast("KansouBot", interaction.client)


def check_server(interaction: discord.Interaction) -> None:
    """Refuse an interaction from a server kansou is not in (its commands can outlive the bot's membership)."""
    guild_id = interaction.guild_id
    if guild_id is not None and interaction.client.get_guild(guild_id) is None:
        raise PermissionDenied(NOT_IN_SERVER)


async def check_use(interaction: discord.Interaction, binding: Binding | None) -> None:
    """Raise PermissionDenied unless this interaction may use a part bound by `binding` (None: anyone)."""
    check_server(interaction)
    if binding is None:
        return
    if interaction.guild_id != binding.guild_id:
        raise PermissionDenied(OTHER_SERVER)
    if binding.user_id is None or interaction.user.id == binding.user_id:
        return
    if binding.moderators and binding.guild_id is not None:
        if is_moderator(interaction, await _bot(interaction).server_settings.get(binding.guild_id)):
            return
        raise PermissionDenied(NOT_YOURS_OR_MODERATOR)
    raise PermissionDenied(NOT_YOURS)


async def may_use(interaction: discord.Interaction, binding: Binding | None, select: Any = None) -> bool:
    """check_use (and check_choices for a select), as an interaction_check: a refusal is answered, not raised."""
    try:
        await check_use(interaction, binding)
        if select is not None:
            check_choices(interaction, select)
    except UserFacingError as refusal:
        await handle_error(interaction, refusal)
        return False
    return True


def chosen_values(interaction: discord.Interaction) -> list[str]:
    """The values of a select interaction, as sent (possibly anything: the client is not trusted)."""
    values = cast("dict[str, Any]", interaction.data or {}).get("values")
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise InvalidInput(NOT_A_CHOICE)
    return values


def check_choices(interaction: discord.Interaction, select: discord.ui.Select[Any]) -> list[str]:
    """The chosen values, refused unless each is one of the select's options and their count is allowed."""
    values = chosen_values(interaction)
    offered = {option.value for option in select.options}
    if not select.min_values <= len(values) <= select.max_values or not set(values) <= offered:
        raise InvalidInput(NOT_A_CHOICE)
    return values


def used_select(interaction: discord.Interaction, children: Sequence[discord.ui.Item[Any]]) -> Any:
    """The string select of `children` this interaction used, if it used one."""
    data = cast("dict[str, Any]", interaction.data or {})
    if data.get("component_type") != discord.ComponentType.select.value:
        return None
    return next(
        (c for c in children if isinstance(c, discord.ui.Select) and c.custom_id == data.get("custom_id")), None
    )
