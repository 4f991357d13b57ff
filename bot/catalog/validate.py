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


# A new title's name is shown in autocomplete, whose choices hold at most 100 characters.
MAX_NEW_TITLE_LENGTH = 100
# Discord markup a title never needs: code, bold/underline/strike/spoiler pairs, masked links,
# headings, quotes and list markers at the start, and web links.
_MARKUP = re.compile(
    r"`|\*\*|__|~~|\|\||\[[^\]]*\]\([^)]*\)|^(?:#{1,3}|>{1,3}|-#)\s|https?://|discord\.gg/", re.IGNORECASE
)
_STALE_CHOICE = re.compile(r"^t:\d+$")


def check_new_title_name(raw: str) -> str:
    """A name fit for a new (local) title or a rename, or InvalidInput saying what is wrong with it.

    Stricter than clean_title_name, which also checks what members type to look titles up: a new
    name is stored and shown to the whole server, so it is shorter, has no markup, and is mostly
    letters and digits. Text that looks like SQL is only text (every query is parameterised).
    """
    name = clean_title_name(raw)
    if len(name) > MAX_NEW_TITLE_LENGTH:
        raise InvalidInput(
            f"That name is {len(name)} characters long; a new title's name can have at most "
            f"{MAX_NEW_TITLE_LENGTH}. Please type just the anime's name."
        )
    if _STALE_CHOICE.match(name):
        raise InvalidInput("That title is no longer known; pick it again from the suggestions as you type.")
    if _CUSTOM_EMOJI.search(name) or _MARKUP.search(name):
        raise InvalidInput("A title's name cannot hold formatting, code, links or custom emoji: type just the name.")
    visible = [char for char in name if not char.isspace()]
    words = sum(1 for char in visible if unicodedata.category(char)[0] in "LN")
    if words * 2 < len(visible):
        raise InvalidInput("That name is mostly symbols or punctuation. Please type the anime's name.")
    return name


def fit_for_new(raw: str) -> bool:
    """Whether the text would pass check_new_title_name (to offer adding it as a new title)."""
    try:
        check_new_title_name(raw)
    except InvalidInput:
        return False
    return True
