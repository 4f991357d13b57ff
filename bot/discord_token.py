"""A Discord bot token's shape, checked offline: `python -m bot check` says what it found. Pure.

A bot token is three base64url segments joined by dots: the bot's user id (which is also the
application id), a timestamp, and an HMAC. Only Discord can say whether a token is valid; the shape
catches the usual mistakes (the client secret or public key pasted instead, quotes, a `Bot ` prefix,
a token cut short) before a start fails on them.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

_SEGMENT = re.compile(r"^[A-Za-z0-9_-]+$")
_MIN_TIMESTAMP, _MIN_HMAC = 4, 20
_ID_DIGITS = range(15, 21)  # Discord ids (snowflakes) are 64-bit: 15 to 20 decimal digits in practice
PORTAL = "copy it from the developer portal (your application → Bot → Reset Token)"


@dataclass(frozen=True, slots=True)
class TokenShape:
    """The bot id encoded in the token, or the problem with its shape (exactly one is set)."""

    bot_id: int | None = None
    problem: str | None = None


def token_shape(token: str) -> TokenShape:
    """Whether `token` has a bot token's shape, and the bot id its first segment encodes."""
    token = token.strip()
    if token[:1] in "\"'" and token[-1:] == token[:1] and len(token) > 1:
        return TokenShape(problem="it is wrapped in quotes: put only the token itself after DISCORD_TOKEN=")
    if token.lower().startswith("bot "):
        return TokenShape(problem="it starts with 'Bot ': put only the token itself after DISCORD_TOKEN=")
    parts = token.split(".")
    if len(parts) != 3:
        hint = ""
        if len(parts) == 1 and re.fullmatch(r"[0-9a-fA-F]{64}", token):
            hint = " (this looks like the application's public key)"
        elif len(parts) == 1 and re.fullmatch(r"[A-Za-z0-9_-]{32}", token):
            hint = " (this looks like the OAuth2 client secret)"
        found = "no dots" if len(parts) == 1 else f"{len(parts)} segments"
        return TokenShape(problem=f"a bot token is three segments joined by dots; this has {found}{hint}: {PORTAL}")
    if not all(_SEGMENT.match(part) for part in parts):
        return TokenShape(
            problem=f"it has characters a token never has (only letters, digits, - and _ between dots): {PORTAL}"
        )
    first, timestamp, hmac = parts
    bot_id = _decoded_id(first)
    if bot_id is None:
        return TokenShape(problem=f"its first segment does not encode a numeric bot id: {PORTAL}")
    if len(timestamp) < _MIN_TIMESTAMP or len(hmac) < _MIN_HMAC:
        return TokenShape(problem=f"it looks cut short (its last segments are too short): {PORTAL}")
    return TokenShape(bot_id=bot_id)


def _decoded_id(segment: str) -> int | None:
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None
    text = raw.decode("ascii", errors="replace")
    if not text.isdigit() or len(text) not in _ID_DIGITS:
        return None
    return int(text)
