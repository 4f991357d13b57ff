"""One server's kansou settings."""

from __future__ import annotations

from dataclasses import dataclass

# The longest rating cooldown a server may set (guild_settings CHECK): a day.
MAX_COOLDOWN = 86_400


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    reviews_channel_id: int | None = None
    reviewer_role_id: int | None = None
    rating_role_id: int | None = None
    min_votes: int = 3
    rating_cooldown: int = 0


# Where a server's settings change is announced to the processes sharing the database (Database.notify),
# with the change's own transaction: the payload is the server's id, and each process drops its cached copy.
SETTINGS_CHANNEL = "kansou_settings"
