"""Community score statistics: running aggregates, the weighted rating and text histograms. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_SCORE = 1
MAX_SCORE = 10
SCORES = range(MIN_SCORE, MAX_SCORE + 1)

# A phone embed shows roughly 30 monospace characters in a code block without wrapping.
DEFAULT_BAR_WIDTH = 16
_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL = "█"


def check_score(score: object) -> int:
    """The score itself if it is a whole number 1..10, else ValueError."""
    if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"a score is a whole number from {MIN_SCORE} to {MAX_SCORE}, not {score!r}")
    return score


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One title's votes in one server: count, sum, sum of squares and how many gave each score."""

    count: int = 0
    total: int = 0
    total_sq: int = 0
    histogram: tuple[int, ...] = (0,) * 10  # histogram[i] = votes for score i + 1

    @classmethod
    def of(cls, scores: list[int] | tuple[int, ...]) -> Aggregate:
        """The aggregate of a list of scores."""
        result = cls()
        for score in scores:
            result = result.apply(score)
        return result

    def votes_for(self, score: int) -> int:
        return self.histogram[check_score(score) - 1]

    def apply(self, score: int) -> Aggregate:
        """With one more vote."""
        check_score(score)
        return self._shift(score, +1)

    def remove(self, score: int) -> Aggregate:
        """Without one vote of that score; ValueError if there is none to remove."""
        if self.votes_for(score) == 0:
            raise ValueError(f"no vote of {score} to remove")
        return self._shift(score, -1)

    def replace(self, old: int, new: int) -> Aggregate:
        """One voter changed their score: the old one is gone, never averaged against the new."""
        return self.remove(old).apply(new)

    def _shift(self, score: int, delta: int) -> Aggregate:
        hist = list(self.histogram)
        hist[score - 1] += delta
        return Aggregate(
            self.count + delta, self.total + delta * score, self.total_sq + delta * score * score, tuple(hist)
        )

    @property
    def mean(self) -> float | None:
        """The exact mean (round to 2 decimals only when shown), None without votes."""
        return self.total / self.count if self.count else None

    @property
    def median(self) -> float | None:
        """The median from the histogram: the middle vote, or the mean of the two middle votes."""
        if not self.count:
            return None
        low = self._nth((self.count - 1) // 2)
        high = self._nth(self.count // 2)
        return (low + high) / 2

    def _nth(self, index: int) -> int:
        """The score of the index-th vote (0-based) in ascending order."""
        seen = 0
        for score, votes in zip(SCORES, self.histogram, strict=True):
            seen += votes
            if index < seen:
                return score
        raise ValueError("histogram holds fewer votes than count")  # only with an inconsistent aggregate

    @property
    def stdev(self) -> float | None:
        """Population standard deviation: the votes are the whole community, not a sample of it."""
        if not self.count:
            return None
        variance = (self.total_sq - self.total * self.total / self.count) / self.count
        return math.sqrt(max(0.0, variance))  # float rounding can dip just below zero


def format_mean(mean: float | None) -> str:
    """A mean as shown to users: two decimals, or an em dash without votes."""
    return "—" if mean is None else f"{mean:.2f}"


def weighted_rating(mean: float, votes: int, server_mean: float, m: int) -> float:
    """WR = v/(v+m)·R + m/(v+m)·C: a title with few votes is pulled toward the server's mean."""
    if votes < 0 or m < 0:
        raise ValueError("votes and m are never negative")
    if votes + m == 0:
        return server_mean
    return votes / (votes + m) * mean + m / (votes + m) * server_mean


def histogram_bars(hist: tuple[int, ...] | list[int], width: int = DEFAULT_BAR_WIDTH) -> list[str]:
    """Text bars from 10 down to 1, e.g. `10 ███████▏ 12`, the longest bar `width` cells wide."""
    if len(hist) != MAX_SCORE:
        raise ValueError(f"a histogram has {MAX_SCORE} buckets, not {len(hist)}")
    if width < 1:
        raise ValueError("width must be at least 1")
    peak = max(hist)
    lines = []
    for score in reversed(SCORES):
        votes = hist[score - 1]
        bar = _bar(votes / peak * width if peak else 0.0, votes > 0)
        lines.append(f"{score:>2} {bar.ljust(width)} {votes}")
    return lines


def _bar(cells: float, any_votes: bool) -> str:
    eighths = round(cells * 8)
    if any_votes and eighths == 0:
        eighths = 1  # a single vote among thousands still shows as a sliver, not as nothing
    full, rest = divmod(eighths, 8)
    return _FULL * full + (_EIGHTHS[rest] if rest else "")
