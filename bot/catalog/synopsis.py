"""AniList's description of a show, made fit for a Discord card: plain text, spoilers hidden, trimmed.

AniList writes descriptions in light HTML (<br>, <i>, <b>, links) with spoilers as ~!text!~ and often
ends them with a "(Source: ...)" note. The card shows the synopsis as Markdown: user-visible
markup from the description is escaped, spoilers go between Discord's || bars, and a trimmed
synopsis never cuts a spoiler (a spoiler that does not fit is left out whole).
"""

from __future__ import annotations

import html
import re

from bot.catalog.links import escape_markdown

SYNOPSIS_CHARS = 700

_BREAK = re.compile(r"<br\s*/?>|</p\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]{0,200}>")
_SPOILER = re.compile(r"~!(.*?)!~", re.DOTALL)
_SOURCE_NOTE = re.compile(r"[\(\[]\s*(?:source\s*:|written by\b)[^)\]]*[\)\]]\s*$", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_SENTENCE_END = re.compile(r"[.!?…」』)\"”](?=\s)")


def plain_text(description: str) -> str:
    """The description without HTML tags or entities, whitespace tidied; spoiler marks kept."""
    text = _BREAK.sub("\n", description)
    text = html.unescape(_TAG.sub("", text))
    text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
    text = _BLANK_LINES.sub("\n\n", text).strip()
    return _SOURCE_NOTE.sub("", text).strip()


def synopsis(description: str | None, max_chars: int = SYNOPSIS_CHARS) -> str | None:
    """Markdown for the card: escaped text, spoilers between ||, at most max_chars; None when empty."""
    if not description:
        return None
    text = plain_text(description)
    parts: list[str] = []
    used = 0
    cut = False
    position = 0
    pieces = [(match.start(), match.end(), match.group(1)) for match in _SPOILER.finditer(text)]
    for start, end, hidden in [*pieces, (len(text), len(text), None)]:
        before = escape_markdown(text[position:start])
        room = max_chars - used - 1  # one character kept for the ellipsis
        if len(before) > room:
            parts.append(_trim(before, room))
            cut = True
            break
        parts.append(before)
        used += len(before)
        if hidden is not None:
            spoiler = f"||{escape_markdown(hidden.strip().replace('|', '∣'))}||" if hidden.strip() else ""
            if used + len(spoiler) > max_chars - 1:
                cut = True  # a spoiler is shown whole or not at all
                break
            parts.append(spoiler)
            used += len(spoiler)
        position = end
    result = "".join(parts).rstrip()
    if cut:
        result = result.rstrip(" ,;:-—") + "…"
    return result or None


def _trim(text: str, room: int) -> str:
    """Text cut to room characters: at the last sentence end if one is near, else at a word."""
    if room <= 0:
        return ""
    head = text[: room + 1]
    ends = [match.end() for match in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= room * 2 // 3:
        return head[: ends[-1]].rstrip()
    space = head.rfind(" ")
    # A cut that leaves a lone escape backslash would escape the ellipsis instead.
    cut = head[:space] if space > room // 2 else head[:room]
    return cut.rstrip("\\")
