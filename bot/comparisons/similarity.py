"""Item-to-item similarity of member scores in one server: adjusted cosine with overlap shrinkage. Pure.

For a target title T and another title J, over the members u who scored both:

    sim(T, J) = Σ (r_uT - m_u)(r_uJ - m_u) / sqrt(Σ (r_uT - m_u)² · Σ (r_uJ - m_u)²)

where m_u is the mean of *all* of member u's scores in the server (adjusted cosine, Sarwar et al.
2001): subtracting each member's own mean cancels the fact that some members score everything 8-10
and others everything 4-7, which plain cosine would read as agreement. Both sums under the root run
over the members who scored both titles, so the value is a true correlation in [-1, 1].

A similarity resting on two members is noise, so:
- pairs with fewer than MIN_OVERLAP co-raters get no similarity at all;
- the rest are shrunk toward zero by overlap: shrunk = sim · n / (n + SHRINKAGE). With SHRINKAGE 10,
  a perfect agreement of 3 members counts 0.23, of 10 members 0.5, of 90 members 0.9.

Speed: only the members who scored the target matter. Per other title, five sums over their
ratings (CoRatingSums: overlap, the dot product and both squares of deviations, the fans) are all
the similarity needs. The database hands over each rater's scores in one packed row
(RatingRepo.member_ratings) and `co_rating_sums` adds them up with numpy: at 10 million ratings a
title's 600 raters have about 300,000 scores, which a GROUP BY in SQLite takes some 200 ms to sum
and numpy a few. `reference_co_rating_sums` is the same definition written as a plain loop, which
the tests and the scale benchmark hold the fast one to.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.plural import plural

MIN_OVERLAP = 3
SHRINKAGE = 10.0
# "Scored highly" on the 1..10 scale: 8 and up is what members mean by a favourite.
HIGH_SCORE = 8


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


@dataclass(frozen=True, slots=True)
class Neighbour:
    """Another title as seen from the target through member scores."""

    title_id: int
    similarity: float  # shrunk adjusted cosine, in [-1, 1]; what ranking uses
    raw_similarity: float  # before shrinkage
    overlap: int  # members who scored both
    fans: int  # members who scored the target HIGH_SCORE or more and also scored this title
    fans_mean: float | None  # their mean score for this title

    @property
    def fans_text(self) -> str | None:
        """'gave it 8.4 on average (12 members)', the figure behind the 'members' reason."""
        if self.fans_mean is None:
            return None
        return f"gave it {self.fans_mean:.1f} on average ({plural(self.fans, 'member')})"


def shrink(similarity: float, overlap: int, shrinkage: float = SHRINKAGE) -> float:
    """Pull a similarity toward zero when few members back it: sim · n / (n + λ)."""
    return similarity * overlap / (overlap + shrinkage)


@dataclass(frozen=True, slots=True)
class CoRatingSums:
    """What the members who scored both the target and another title say, summed; the similarity's inputs.

    Deviations are from each member's own mean (over all of their scores in the server)."""

    title_id: int
    overlap: int  # members who scored both
    dot: float  # Σ (r_uT - m_u)(r_uJ - m_u)
    target_sq: float  # Σ (r_uT - m_u)²
    own_sq: float  # Σ (r_uJ - m_u)²
    fans: int  # co-raters who scored the target HIGH_SCORE or more
    fans_total: int  # the sum of their scores for this title


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


def neighbours_from_sums(
    sums: Iterable[CoRatingSums],
    *,
    min_overlap: int = MIN_OVERLAP,
    shrinkage: float = SHRINKAGE,
    limit: int | None = None,
) -> list[Neighbour]:
    """Titles with at least `min_overlap` co-raters, most similar first (ties: more overlap, then title id)."""
    if min_overlap < 1:
        raise ValueError("min_overlap must be at least 1")
    found = []
    for found_sums in sums:
        overlap = found_sums.overlap
        if overlap < min_overlap:
            continue
        denominator = math.sqrt(found_sums.target_sq * found_sums.own_sq)
        # A member group with no spread on either side says nothing about likeness.
        raw = found_sums.dot / denominator if denominator > 0 else 0.0
        raw = max(-1.0, min(1.0, raw))  # float rounding can step just outside
        fans = found_sums.fans
        found.append(
            Neighbour(
                title_id=found_sums.title_id,
                similarity=shrink(raw, overlap, shrinkage),
                raw_similarity=raw,
                overlap=overlap,
                fans=fans,
                fans_mean=found_sums.fans_total / fans if fans else None,
            )
        )
    found.sort(key=lambda n: (-n.similarity, -n.overlap, n.title_id))
    return found if limit is None else found[:limit]


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
