"""Where a review's text comes from, apart from Discord: the form's parts joined in order, the form
prefilled from a stored text, a downloaded file checked against what it declared, a message's text and
its attachment, and the account the preview gives of what was read, cut or ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.errors import InvalidInput
from bot.plural import plural
from bot.reviews.publish import MAX_UPLOAD_BYTES, read_upload

FORM_PARTS = 4  # a modal holds five text inputs: four parts of the review and the titles to link
PART_MAX = 4_000  # a paragraph input holds 4,000 characters
FORM_MAX = FORM_PARTS * PART_MAX

# A part that ends a sentence (or a paragraph) starts a new paragraph; otherwise the moderator cut
# mid-sentence and the next part carries on after a space. Either way no two words are glued.
_SENTENCE_END = re.compile(r"[.!?…:;\"'”’)\]*_|~`]\s*$")


def part_label(index: int, count: int = FORM_PARTS) -> str:
    """The form's label for part `index` (1-based): the order is in the label itself (45 chars max)."""
    if index == 1:
        return f"Review text — part 1 of {count} (start here)"
    return f"Review text — part {index} of {count} (continues {index - 1})"


def join_parts(parts: Sequence[str]) -> str:
    """The review from the form's parts, in order; empty parts are skipped, a boundary is whitespace."""
    text = ""
    for part in parts:
        if not part or not part.strip():
            continue
        if not text:
            text = part
        elif text[-1].isspace() or part[0].isspace():
            text += part
        elif _SENTENCE_END.search(text):
            text += "\n\n" + part
        else:
            text += " " + part
    return text


def split_for_form(text: str, count: int = FORM_PARTS, size: int = PART_MAX) -> list[str] | None:
    """The text cut into at most `count` parts of at most `size` characters, at paragraph, line or word
    boundaries, so that joining them gives the same words back; None if it does not fit the form."""
    parts: list[str] = []
    rest = text
    while rest:
        if len(rest) <= size:
            parts.append(rest)
            break
        cut = _cut_at(rest, size)
        parts.append(rest[:cut])
        rest = rest[cut:]
        if len(parts) == count:
            return None
    return parts if len(parts) <= count else None


def _cut_at(text: str, size: int) -> int:
    """Where to end a part of at most `size` characters: after a blank line, a newline or a space
    (kept with the part, so the join puts nothing between), else hard at `size`."""
    window = text[:size]
    for mark in ("\n\n", "\n", " "):
        at = window.rfind(mark)
        if at > size // 2:
            return at + len(mark)
    return size


def check_download(filename: str, declared: int, data: bytes) -> str:
    """The text of a downloaded review file; refused if it is not the size Discord declared for it."""
    if len(data) != declared:
        raise InvalidInput(
            f"That file arrived with {len(data):,} bytes but was announced as {declared:,}: "
            "upload it again (nothing was read)."
        )
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"That file is {len(data) / 1024:,.0f} KB; a review file may be at most 200 KB.")
    return read_upload(filename, declared, data)


@dataclass(frozen=True, slots=True)
class Intake:
    """What was read for a draft: how many characters, from where, and what was cut or ignored."""

    chars: int
    source: str  # "the form (2 parts)", "review.md", "the message and review.md"
    ignored: tuple[str, ...] = field(default=())

    def line(self) -> str:
        """The preview's account: always the characters read; plainly what was cut or ignored."""
        read = f"**Read:** {plural(self.chars, 'character')} from {self.source}."
        if not self.ignored:
            return f"{read} Nothing was cut or ignored."
        return f"{read} ⚠️ Not read: " + "; ".join(self.ignored) + "."


def form_intake(parts: Sequence[str], text: str) -> Intake:
    used = sum(1 for p in parts if p and p.strip())
    return Intake(len(text), f"the form ({plural(used, 'part')})")


def message_review(content: str, files: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """The review of a message: its text and the text of its review file (name, text), if any.

    A message that only introduces its attached file (its text is in the file) is the file alone.
    Returns (text, where it came from).
    """
    content = content.strip()
    if not files:
        return content, "the message"
    name, attached = files[0]
    if not content or " ".join(content.split()) in " ".join(attached.split()):
        return attached, name
    return f"{content}\n\n{attached}", f"the message and {name}"


_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|[*_]{1,3})?(.*?)(?:[*_]{1,3})?\s*$")
_REVIEW_WORDS = re.compile(
    r"^(?:(?:my|a|an|official)\s+)?review\s*(?:of|:|[-—–])\s*|\s*[-—–:(]?\s*(?:a\s+)?review\)?\s*$", re.IGNORECASE
)
_TRAILING_SCORE = re.compile(r"\s*[-—–:|(]?\s*\d+(?:[.,]\d+)?\s*/\s*\d+\)?\s*$")


def title_guess(text: str) -> str | None:
    """The name a review's first line (its heading) most likely gives, for the title question's prefill:
    "# Frieren review — 9/10" gives "Frieren". None if the first line is a sentence, not a heading."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    match = _HEADING.match(first)
    name = match.group(1) if match else first
    name = _TRAILING_SCORE.sub("", name)
    name = _REVIEW_WORDS.sub("", name).strip(" \t*_#:—–-")
    words = len(name.split())
    sentence = re.search(r"[.!?;]\s+\S", name) or (name.endswith((".", "?")) and words > 5)
    if not name or len(name) > 100 or words > 12 or sentence:
        return None
    return name
