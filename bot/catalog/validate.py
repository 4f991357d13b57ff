"""Cleaning and checking title names typed by users or read from the catalog dataset."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InvalidInput

MAX_TITLE_LENGTH = 200

# Discord mentions: @everyone/@here, users, roles, channels. kansou never stores text that pings.
_MENTION = re.compile(r"@(?:everyone|here)\b|<@[!&]?\d+>|<#\d+>", re.IGNORECASE)
# Custom emoji look like <:name:123> or <a:name:123>; their names are letters but not a title.
_CUSTOM_EMOJI = re.compile(r"<a?:\w+:\d+>")
_JUNK_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def _is_junk(char: str) -> bool:
    # Cc: control characters; Cf: zero-width spaces/joiners, bidi overrides, BOM, soft hyphen;
    # Cs: lone surrogates (SQLite cannot store them as UTF-8); Co/Cn: private use, unassigned.
    return unicodedata.category(char) in _JUNK_CATEGORIES and not char.isspace()


def tidy_name(raw: str) -> str:
    """NFC-normalise, drop control and zero-width characters, collapse whitespace; never raises."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(" " if char.isspace() else char for char in text if not _is_junk(char))
    return " ".join(text.split())


def clean_title_name(raw: str) -> str:
    """A title name fit to store, or InvalidInput with a sentence saying what is wrong with it."""
    name = tidy_name(raw)
    if not name:
        raise InvalidInput("The title is empty: please type the anime's name.")
    if len(name) > MAX_TITLE_LENGTH:
        raise InvalidInput(
            f"That title is {len(name)} characters long; a title can have at most "
            f"{MAX_TITLE_LENGTH}. Please type just the anime's name."
        )
    if _MENTION.search(name):
        raise InvalidInput("A title cannot contain mentions (@everyone, @here, users, roles or channels).")
    without_emoji = _CUSTOM_EMOJI.sub("", name)
    if not any(unicodedata.category(char)[0] in "LN" for char in without_emoji):
        raise InvalidInput(
            "That title has no letters or digits (only emoji, symbols or formatting). Please type the anime's name."
        )
    return name
