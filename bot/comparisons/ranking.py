"""Which titles are related to a target, best first, and why: the blend behind /similar. Pure.

The blend (each part is 0 when its signal is absent):

    score = REVIEW_OUT · [the target's official review compares it]
          + REVIEW_IN  · [its official review compares the target]
          + MEMBERS    · max(0, shrunk adjusted-cosine similarity of member scores)
          + TAGS       · Jaccard(target tags, its tags)

A reviewer naming a title in the review is the strongest and rarest signal, so one review link
(1.0 or 0.75) outweighs any member similarity (at most 1.0 · n/(n+10), e.g. 0.75 · sim with 30
co-raters). Tags are weak: the Jaccard overlap of two tag sets seldom passes 0.5, times 0.3. A title
is listed only when its blend is above zero; ties break on title id, so the answer is stable.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.comparisons.graph import ComparisonEdge
from bot.comparisons.similarity import Neighbour
from bot.plural import noun, plural

REVIEW_OUT = 1.0
REVIEW_IN = 0.75
MEMBERS = 1.0
TAGS = 0.3
# Fewer fans than this and "members who scored X highly gave it …" would be an anecdote.
MIN_FANS = 3
MAX_RESULTS = 10
MAX_TAGS_SHOWN = 3

ReasonKind = Literal["review", "members", "tags"]


@dataclass(frozen=True, slots=True)
class Reason:
    """One line of why a title is related, e.g. 'compared in the official review of Cowboy Bebop'."""

    kind: ReasonKind
    text: str


@dataclass(frozen=True, slots=True)
class Related:
    """A title related to the target, its blended score and the reasons, strongest first."""

    title_id: int
    score: float
    reasons: tuple[Reason, ...]


@dataclass(slots=True)
class _Signals:
    review_out: bool = False
    review_in: bool = False
    neighbour: Neighbour | None = None
    jaccard: float = 0.0
    shared_tags: tuple[str, ...] = ()


def jaccard(first: Iterable[str], second: Iterable[str]) -> float:
    """|A ∩ B| / |A ∪ B| of two tag sets, compared case-insensitively; 0 when both are empty."""
    a = {tag.casefold() for tag in first}
    b = {tag.casefold() for tag in second}
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def rank_related(
    target_id: int,
    *,
    names: Mapping[int, str],
    edges: Iterable[ComparisonEdge] = (),
    neighbours: Iterable[Neighbour] = (),
    tags: Mapping[int, Sequence[str]] | None = None,
    limit: int = MAX_RESULTS,
) -> list[Related]:
    """Up to `limit` titles related to the target, best first, each with its reasons.

    `names` maps title ids to display names (for the reason texts); `tags` maps the target and the
    candidate titles to their catalog tags; `edges` are the comparison edges touching the target.
    """
    signals: dict[int, _Signals] = {}

    def of(title_id: int) -> _Signals:
        return signals.setdefault(title_id, _Signals())

    for edge in edges:
        if not edge.is_comparison:
            continue
        if edge.title_id == target_id and edge.other_title_id != target_id:
            of(edge.other_title_id).review_out = True
        elif edge.other_title_id == target_id and edge.title_id != target_id:
            of(edge.title_id).review_in = True
    for neighbour in neighbours:
        if neighbour.title_id != target_id and neighbour.similarity > 0:
            of(neighbour.title_id).neighbour = neighbour
    target_tags = tags.get(target_id, ()) if tags else ()
    if tags and target_tags:
        folded = {tag.casefold() for tag in target_tags}
        for title_id, own in tags.items():
            if title_id == target_id or not own:
                continue
            mine = {tag.casefold() for tag in own}
            common = len(folded & mine)
            if common:
                of(title_id).jaccard = common / len(folded | mine)

    # Reasons are worded only for the few titles shown, not for every candidate.
    scored = [(round(_blend(found), 6), title_id) for title_id, found in signals.items()]
    best = heapq.nsmallest(limit, ((-score, title_id) for score, title_id in scored if score > 0))
    ranked = []
    for negative, title_id in best:
        found = signals[title_id]
        if found.jaccard:
            mine = {tag.casefold() for tag in tags[title_id]} if tags else set()
            found.shared_tags = tuple(t for t in target_tags if t.casefold() in mine)
        ranked.append(Related(title_id, -negative, _reasons(target_id, title_id, found, names)))
    return ranked


def _blend(found: _Signals) -> float:
    similarity = found.neighbour.similarity if found.neighbour else 0.0
    return (
        REVIEW_OUT * found.review_out
        + REVIEW_IN * found.review_in
        + MEMBERS * max(0.0, similarity)
        + TAGS * found.jaccard
    )


def _reasons(target_id: int, title_id: int, found: _Signals, names: Mapping[int, str]) -> tuple[Reason, ...]:
    target_name = names.get(target_id, "this title")
    reasons = []
    if found.review_out:
        reasons.append(Reason("review", f"compared in the official review of {target_name}"))
    if found.review_in:
        reasons.append(Reason("review", f"compared in the official review of {names.get(title_id, 'it')}"))
    neighbour = found.neighbour
    if neighbour is not None:
        if neighbour.fans >= MIN_FANS and neighbour.fans_text:
            text = f"members who scored {target_name} highly {neighbour.fans_text}"
        else:
            text = f"members who scored both rate them alike ({plural(neighbour.overlap, 'member')})"
        reasons.append(Reason("members", text))
    if found.shared_tags:
        shown = found.shared_tags[:MAX_TAGS_SHOWN]
        more = len(found.shared_tags) - len(shown)
        text = (
            f"shares the {noun(len(found.shared_tags), 'tag')} "
            + ", ".join(shown)
            + (f" and {more} more" if more else "")
        )
        reasons.append(Reason("tags", text))
    return tuple(reasons)
