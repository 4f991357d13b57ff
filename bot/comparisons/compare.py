"""The data behind /compare first second: both sides' scores, co-raters, review links, shared tags. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.catalog.models import Title
from bot.comparisons.graph import ComparisonEdge, comparisons_between
from bot.errors import InvalidInput, NotFound
from bot.scores.stats import Aggregate, weighted_rating


@dataclass(frozen=True, slots=True)
class Side:
    """One title as /compare shows it: official score, community votes in this server, weighted rating."""

    title: Title
    official_score: str | None = None  # as the official review states it, e.g. "8.5/10"
    aggregate: Aggregate | None = None
    weighted: float | None = None

    @property
    def has_scores(self) -> bool:
        return self.official_score is not None or bool(self.aggregate and self.aggregate.count)


def side(
    title: Title,
    *,
    official_score: str | None = None,
    aggregate: Aggregate | None = None,
    server_mean: float | None = None,
    m: int = 0,
) -> Side:
    """A Side with its weighted rating computed when the title has votes and the server a mean."""
    weighted = None
    if aggregate is not None and aggregate.mean is not None and server_mean is not None:
        weighted = weighted_rating(aggregate.mean, aggregate.count, server_mean, m)
    return Side(title, official_score, aggregate, weighted)


@dataclass(frozen=True, slots=True)
class CoRaters:
    """Members who scored both titles: how many, the mean of (first - second), who preferred which."""

    count: int
    mean_difference: float  # positive: the first title scored higher on average
    first_preferred: int
    second_preferred: int
    ties: int


@dataclass(frozen=True, slots=True)
class TitleComparison:
    """Everything /compare renders, for two different titles with at least one thing in common."""

    first: Side
    second: Side
    co_raters: CoRaters | None
    comparisons: tuple[ComparisonEdge, ...]  # review sentences linking the two, either direction
    shared_tags: tuple[str, ...]
    shared_studios: tuple[str, ...]


def co_raters(pairs: Iterable[tuple[int, int]]) -> CoRaters | None:
    """The co-rater figures from (score for first, score for second) of each member; None if none."""
    count = difference = first = second = ties = 0
    for score_a, score_b in pairs:
        count += 1
        difference += score_a - score_b
        if score_a > score_b:
            first += 1
        elif score_b > score_a:
            second += 1
        else:
            ties += 1
    if not count:
        return None
    return CoRaters(count, difference / count, first, second, ties)


def shared(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    """Names present in both (case-insensitive), in the first's order, each once."""
    theirs = {name.casefold() for name in second}
    seen: set[str] = set()
    found = []
    for name in first:
        key = name.casefold()
        if key in theirs and key not in seen:
            seen.add(key)
            found.append(name)
    return tuple(found)


def compare_titles(
    first: Side,
    second: Side,
    *,
    pairs: Iterable[tuple[int, int]] = (),
    edges: Iterable[ComparisonEdge] = (),
) -> TitleComparison:
    """Put two titles side by side; InvalidInput for the same title twice, NotFound with nothing to show."""
    if first.title.id == second.title.id:
        raise InvalidInput(f"Pick two different titles: both are {first.title.name}.")
    result = TitleComparison(
        first=first,
        second=second,
        co_raters=co_raters(pairs),
        comparisons=tuple(comparisons_between(first.title.id, second.title.id, edges)),
        shared_tags=shared(first.title.tags, second.title.tags),
        shared_studios=shared(first.title.studios, second.title.studios),
    )
    in_common = result.co_raters or result.comparisons or result.shared_tags or result.shared_studios
    if not in_common and not (first.has_scores and second.has_scores):
        raise NotFound(
            f"Nothing to compare yet between {first.title.name} and {second.title.name}: no scores "
            "on both, no member who scored both, no review comparing them and no tags in common."
        )
    return result
