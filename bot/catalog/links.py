"""The one way kansou shows a title: a Markdown link to its AniList page, else MyAnimeList, else a search."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

from bot.catalog.models import Title

ANILIST_SEARCH = "https://anilist.co/search/anime?search="
ELLIPSIS = "…"

# Characters that would end a link label or start bold, italics, strikethrough, spoilers or code.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_~|\[\]])")


def escape_markdown(text: str) -> str:
    """Escape Discord Markdown so text shows literally (brackets, `*_~|`, backticks, backslashes)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def title_url(title: Title) -> str:
    """The title's AniList page, else its MyAnimeList page, else an AniList search for its name."""
    return title.anilist_url or title.mal_url or ANILIST_SEARCH + quote_plus(title.name)


def shorten(text: str, max_chars: int) -> str:
    """Cut text to at most max_chars, on a word boundary when there is one, ending with "…"."""
    text = " ".join(text.split())
    if len(text) <= max_chars:
        return text
    if max_chars <= 1:
        return ELLIPSIS[:max_chars]
    cut = text[: max_chars - 1]
    boundary = cut.rfind(" ")
    # Only back off to a space when that keeps most of the name; a single huge word is cut mid-word.
    if boundary >= max_chars // 2:
        cut = cut[:boundary]
    return cut.rstrip(" ,;:-–—") + ELLIPSIS


def display_name(title: Title, max_chars: int = 80) -> str:
    """A title's name as a message shows it: shortened and Markdown-escaped."""
    return escape_markdown(shorten(title.name, max_chars))


def title_link(title: Title, *, max_name: int = 80) -> str:
    """`[Name](<url>)` with the name escaped and shortened; angle brackets stop Discord's embed preview."""
    return f"[{display_name(title, max_name)}](<{title_url(title)}>)"
