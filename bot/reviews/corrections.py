"""A moderator's corrections of what kansou understood, field by field, and when they still apply.

The rule, the same for every field: a correction holds while kansou still reads from the text what
it read when the correction was made (its `base`). When an edit of the text changes what kansou
reads for that field (a new score line, a new closing paragraph...), the text wins again and the
correction is dropped, and the preview says so. Titles: a removed or moved title stays removed or
moved while the text still names it; a title the moderator added stays linked.

Plain data, stored as JSON with the review (and its revisions); no Discord here.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from bot.comparisons.graph import EdgeKind
from bot.reviews.publish import BUDGET, PostContent, clip_line, lines_within

TEXT_FIELDS = ("tldr", "verdict", "pros", "cons", "aspects", "metadata")
LABELS = {
    "score": "score",
    "tldr": "TL;DR",
    "verdict": "verdict",
    "pros": "pros",
    "cons": "cons",
    "aspects": "aspect lines",
    "metadata": "About lines",
}
LINE_MAX = 150


@dataclass(frozen=True, slots=True)
class FieldFix:
    """A corrected field: the moderator's value and what kansou had read when it was corrected."""

    value: Any
    base: Any


@dataclass
class Corrections:
    """Everything a moderator corrected on one review."""

    fields: dict[str, FieldFix] = field(default_factory=dict)
    removed: list[int] = field(default_factory=list)  # title ids no longer linked
    moved: dict[int, EdgeKind] = field(default_factory=dict)  # title id -> the kind the moderator chose
    added: list[int] = field(default_factory=list)  # title ids linked as comparisons by the moderator

    def __bool__(self) -> bool:
        return bool(self.fields or self.removed or self.moved or self.added)

    # -- storing ---------------------------------------------------------------------------------

    def to_json(self) -> str:
        return json.dumps(
            {
                "fields": {name: [fix.value, fix.base] for name, fix in self.fields.items()},
                "removed": self.removed,
                "moved": {str(k): v for k, v in self.moved.items()},
                "added": self.added,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | None) -> Corrections:
        """Stored corrections; an unreadable record is no corrections rather than an error."""
        try:
            data = json.loads(raw or "{}")
            fields = {str(k): FieldFix(_frozen(v[0]), _frozen(v[1])) for k, v in data.get("fields", {}).items()}
            moved: dict[int, EdgeKind] = {
                int(k): ("comparison" if v == "comparison" else "studio_credit")
                for k, v in data.get("moved", {}).items()
            }
            return cls(
                fields, [int(i) for i in data.get("removed", [])], moved, [int(i) for i in data.get("added", [])]
            )
        except (ValueError, TypeError, AttributeError, IndexError, KeyError):
            return cls()

    # -- correcting ------------------------------------------------------------------------------

    def correct(self, name: str, value: Any, read: PostContent) -> None:
        """The moderator's value for a field; `read` is what kansou made of the text (before corrections)."""
        base = _value(read, name)
        if value == base:
            self.fields.pop(name, None)
        else:
            self.fields[name] = FieldFix(value, base)

    def relink(self, compared: Sequence[int], credits: Sequence[int], found: dict[int, EdgeKind]) -> None:
        """The moderator's lists of linked titles, against what the text names (`found`: id -> kind)."""
        wanted: dict[int, EdgeKind] = dict.fromkeys(compared, "comparison")
        wanted.update({i: "studio_credit" for i in credits if i not in wanted})
        self.removed = [i for i in found if i not in wanted]
        self.moved = {i: kind for i, kind in wanted.items() if i in found and found[i] != kind}
        self.added = [i for i in wanted if i not in found]
        # An added credit is a move of nothing: keep its kind.
        self.moved.update({i: kind for i, kind in wanted.items() if i not in found and kind != "comparison"})

    # -- applying --------------------------------------------------------------------------------

    def apply(self, read: PostContent) -> tuple[PostContent, list[str]]:
        """The post's content with the corrections that still hold, and notes on the ones dropped.

        A correction whose base differs from what the text gives now is dropped (and forgotten).
        """
        content = read
        dropped: list[str] = []
        for name, fix in list(self.fields.items()):
            if _value(read, name) != fix.base:
                del self.fields[name]
                dropped.append(LABELS.get(name, name))
                continue
            content = _with(content, name, fix.value)
        return content, dropped

    def links(self, found: Sequence[tuple[int, EdgeKind]]) -> list[tuple[int, EdgeKind]]:
        """The review's links (id, kind) once corrected; removals and moves of titles the text no longer
        names are forgotten."""
        names = {i for i, _ in found}
        self.removed = [i for i in self.removed if i in names]
        self.moved = {i: k for i, k in self.moved.items() if i in names or i in self.added}
        out: list[tuple[int, EdgeKind]] = []
        for other, kind in found:
            if other not in self.removed:
                out.append((other, self.moved.get(other, kind)))
        out += [(i, self.moved.get(i, "comparison")) for i in self.added if i not in names]
        return out


def _frozen(value: Any) -> Any:
    """JSON lists back as tuples, so stored values compare equal to PostContent's."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def _value(content: PostContent, name: str) -> Any:
    if name == "score":
        return content.score
    return getattr(content, name)


def _with(content: PostContent, name: str, value: Any) -> PostContent:
    if name == "score":
        return replace(content, score=value, score_raw=None)
    return replace(content, **{name: value})


# -- what a moderator types, as a field's value ----------------------------------------------------


def typed_lines(raw: str, prefix: str = "") -> tuple[str, ...]:
    """One item per non-empty line, each within a display line's length, within the field's budget."""
    lines = [clip_line(line.strip().lstrip("+−-•* ").strip(), LINE_MAX - len(prefix)) for line in raw.splitlines()]
    return lines_within([f"{prefix}{line}" for line in lines if line], 600)


def typed_aspects(raw: str) -> tuple[str, ...]:
    return lines_within([clip_line(line, 160) for line in raw.splitlines() if line.strip()], BUDGET["aspects"])


def typed_metadata(raw: str) -> tuple[tuple[str, str], ...]:
    """`Studio: Madhouse` lines; a line without a colon is a fact without a label."""
    facts: list[tuple[str, str]] = []
    for line in raw.splitlines():
        label, sep, fact = line.partition(":")
        label, fact = (label.strip(), fact.strip()) if sep else ("Note", label.strip())
        if label and fact:
            facts.append((clip_line(label, 30), clip_line(fact, 120)))
    return tuple(facts[:8])


def typed_text(raw: str, budget: str) -> str:
    return clip_line(raw, BUDGET[budget])


def shown_lines(items: Sequence[str], prefix: str = "") -> str:
    """A field's lines as the modal prefills them (without the post's + / − marks)."""
    return "\n".join(item.removeprefix(prefix) for item in items)
