"""The co-rating sums behind /similar, from every score of a title's raters, with numpy.

At 10 million ratings a title's 600 most recent raters have about 300,000 scores between them. The
database hands them over packed, one row per rater (RatingRepo.member_ratings), and co_rating_sums
adds them up per title with np.bincount: about 15 ms, where a GROUP BY in SQLite took some
200 ms. reference_co_rating_sums is the same definition written as a plain loop; the tests and the
scale benchmark hold the fast one to it.

numpy is imported here only: the bot loads this module on the first /similar, not at start, so a
bot that is never asked for similar titles does not carry it (benchmarks/bot_memory_bench.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.comparisons.similarity import HIGH_SCORE, MIN_OVERLAP, SHRINKAGE, CoRatingSums, Neighbour, neighbours_from_sums

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class MemberRatings:
    """Every score of some members, member by member: member k's are rows starts[k]..starts[k+1]."""

    user_ids: Ints  # one per member, ascending
    starts: Ints  # len(user_ids) + 1 offsets into title_ids / scores
    title_ids: Ints  # one per rating
    scores: Ints  # one per rating (1..10)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int]]) -> MemberRatings:
        """Build from (user_id, title_id, score) rows; rows of one member need not be adjacent."""
        grouped: dict[int, list[tuple[int, int]]] = {}
        for user_id, title_id, score in rows:
            grouped.setdefault(user_id, []).append((title_id, score))
        users = sorted(grouped)
        return cls.from_arrays(
            np.asarray(users, dtype=np.int64),
            [np.asarray([title_id for title_id, _ in grouped[user]], dtype=np.int64) for user in users],
            [np.asarray([score for _, score in grouped[user]], dtype=np.int64) for user in users],
        )

    @classmethod
    def from_arrays(cls, user_ids: Ints, title_ids: Sequence[Ints], scores: Sequence[Ints]) -> MemberRatings:
        """Build from one array of title ids and one of scores per member."""
        if not len(user_ids) == len(title_ids) == len(scores):
            raise ValueError("one array of titles and one of scores per member")
        starts = np.zeros(len(title_ids) + 1, dtype=np.int64)
        np.cumsum([len(member) for member in title_ids], out=starts[1:])
        empty = np.zeros(0, dtype=np.int64)
        return cls(
            user_ids,
            starts,
            np.concatenate(title_ids) if title_ids else empty,
            np.concatenate(scores) if scores else empty,
        )

    def __len__(self) -> int:
        return len(self.title_ids)

    @property
    def members(self) -> int:
        return len(self.user_ids)

    def member(self, k: int) -> tuple[list[int], list[int]]:
        """Member k's title ids and scores."""
        rows = slice(int(self.starts[k]), int(self.starts[k + 1]))
        return self.title_ids[rows].tolist(), self.scores[rows].tolist()


def co_rating_sums(
    target_id: int, ratings: MemberRatings, *, high_score: int = HIGH_SCORE, min_overlap: int = 1
) -> list[CoRatingSums]:
    """The sums for every title sharing at least `min_overlap` raters with the target, by title id.

    `ratings` must hold all ratings of the members to consider (members who did not score the
    target are skipped). Adds up exactly what reference_co_rating_sums does, in the same order,
    with numpy: each sum is one weighted count per title (np.bincount) instead of a Python loop."""
    if not len(ratings):
        return []
    lengths = np.diff(ratings.starts)
    member = np.repeat(np.arange(ratings.members), lengths)
    scores = ratings.scores.astype(np.float64)
    mean = np.bincount(member, weights=scores, minlength=ratings.members) / np.maximum(lengths, 1)
    at_target = ratings.title_ids == target_id
    target_score = np.full(ratings.members, np.nan)
    target_score[member[at_target]] = scores[at_target]
    # Every rating of a member who scored the target, except that score itself.
    keep = ~at_target & ~np.isnan(target_score)[member]
    member, title_ids, scores = member[keep], ratings.title_ids[keep], scores[keep]
    if not len(title_ids):
        return []
    # Sums per title id; when the ids are sparse (a big catalog, few of its titles here) they are
    # first numbered densely so the per-title arrays stay small.
    if int(title_ids.max()) < 4 * len(title_ids) + 65_536:
        ids, slot = np.arange(int(title_ids.max()) + 1), title_ids
    else:
        ids, slot = np.unique(title_ids, return_inverse=True)
    width = len(ids)
    dev_t = (target_score - mean)[member]
    dev = scores - mean[member]
    fan = (target_score >= high_score)[member]
    overlap = np.bincount(slot, minlength=width)
    dot = np.bincount(slot, weights=dev_t * dev, minlength=width)
    target_sq = np.bincount(slot, weights=dev_t * dev_t, minlength=width)
    own_sq = np.bincount(slot, weights=dev * dev, minlength=width)
    fans = np.bincount(slot[fan], minlength=width)
    fans_total = np.bincount(slot[fan], weights=scores[fan], minlength=width)
    found = np.flatnonzero(overlap >= max(1, min_overlap))
    return [
        CoRatingSums(title_id, count, d, t, o, f, round(total))
        for title_id, count, d, t, o, f, total in zip(
            ids[found].tolist(),
            overlap[found].tolist(),
            dot[found].tolist(),
            target_sq[found].tolist(),
            own_sq[found].tolist(),
            fans[found].tolist(),
            fans_total[found].tolist(),
            strict=True,
        )
    ]


def reference_co_rating_sums(
    target_id: int, ratings: MemberRatings, *, high_score: int = HIGH_SCORE
) -> list[CoRatingSums]:
    """co_rating_sums written as the plain loop it computes; what its tests and the benchmarks hold it to."""
    # Per other title: [dot, sum of target deviations², sum of own deviations², overlap, fans, fans' sum]
    sums: dict[int, list[float]] = {}
    for k in range(ratings.members):
        segment, own = ratings.member(k)
        try:
            at = segment.index(target_id)
        except ValueError:
            continue
        mean = sum(own) / len(own)
        target_score = own[at]
        dev_t = target_score - mean
        dev_t_sq = dev_t * dev_t
        is_fan = target_score >= high_score
        for title_id, score in zip(segment, own, strict=True):
            if title_id == target_id:
                continue
            dev = score - mean
            acc = sums.get(title_id)
            if acc is None:
                acc = sums[title_id] = [0.0, 0.0, 0.0, 0, 0, 0]
            acc[0] += dev_t * dev
            acc[1] += dev_t_sq
            acc[2] += dev * dev
            acc[3] += 1
            if is_fan:
                acc[4] += 1
                acc[5] += score
    return [
        CoRatingSums(title_id, int(acc[3]), acc[0], acc[1], acc[2], int(acc[4]), int(acc[5]))
        for title_id, acc in sorted(sums.items())
    ]


def neighbours(
    target_id: int,
    ratings: MemberRatings,
    *,
    min_overlap: int = MIN_OVERLAP,
    shrinkage: float = SHRINKAGE,
    high_score: int = HIGH_SCORE,
    limit: int | None = None,
) -> list[Neighbour]:
    """Every title sharing at least `min_overlap` raters with the target, most similar first.

    `ratings` must hold all ratings of the members to consider (members who did not score the
    target are skipped). Ties break on overlap (more first), then title id.
    """
    if min_overlap < 1:
        raise ValueError("min_overlap must be at least 1")
    sums = co_rating_sums(target_id, ratings, high_score=high_score)
    return neighbours_from_sums(sums, min_overlap=min_overlap, shrinkage=shrinkage, limit=limit)
