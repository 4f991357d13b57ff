"""The comparison graph: edges from a reviewed title to the titles its review compares it with. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

EdgeKind = Literal["comparison", "studio_credit"]
EdgeSource = Literal["review", "moderator"]


@dataclass(frozen=True, slots=True)
class ComparisonEdge:
    """One review's link from its title to another: a comparison, or a studio credit kept apart."""

    guild_id: int
    review_id: int
    title_id: int  # the reviewed title
    other_title_id: int  # the title it is compared with (or the studio credit's title)
    sentence: str  # the review's sentence that makes the link ('' when a moderator added it)
    kind: EdgeKind = "comparison"
    source: EdgeSource = "review"
    removed: bool = False  # a parsed edge a moderator took out; kept so a re-parse does not revive it

    @property
    def is_comparison(self) -> bool:
        """A live comparison (not a studio credit, not removed)."""
        return self.kind == "comparison" and not self.removed

    def other_end(self, title_id: int) -> int:
        """The title at the other end of the edge seen from `title_id`."""
        return self.other_title_id if title_id == self.title_id else self.title_id


def comparisons_of(title_id: int, edges: Iterable[ComparisonEdge]) -> list[ComparisonEdge]:
    """Live comparisons touching the title in either direction, its own review's first."""
    live = [e for e in edges if e.is_comparison and title_id in (e.title_id, e.other_title_id)]
    live.sort(key=lambda e: (e.title_id != title_id, e.review_id, e.other_title_id, e.title_id))
    return live


def comparisons_between(first: int, second: int, edges: Iterable[ComparisonEdge]) -> list[ComparisonEdge]:
    """Live comparisons that link exactly these two titles, in either direction."""
    pair = {first, second}
    found = [e for e in edges if e.is_comparison and {e.title_id, e.other_title_id} == pair]
    found.sort(key=lambda e: (e.title_id != first, e.review_id))
    return found


def studio_credits_of(title_id: int, edges: Iterable[ComparisonEdge]) -> list[ComparisonEdge]:
    """Studio credits the title's own review makes: shown as such, never as comparisons."""
    return [e for e in edges if e.kind == "studio_credit" and not e.removed and e.title_id == title_id]
