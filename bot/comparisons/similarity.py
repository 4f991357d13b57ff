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
the similarity needs. The database computes them (RatingRepo.co_rating_sums: a GROUP BY over the
raters' ratings, one row per title instead of one per rating); `co_rating_sums` here is the same
definition over ratings held in memory, which the tests hold the database to.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable
from dataclasses import dataclass

from bot.plural import plural

MIN_OVERLAP = 3
SHRINKAGE = 10.0
# "Scored highly" on the 1..10 scale: 8 and up is what members mean by a favourite.
HIGH_SCORE = 8


@dataclass(frozen=True, slots=True)
class MemberRatings:
    """Ratings of some members as parallel arrays grouped by member: rows start..end of member k."""

    user_ids: array  # 'q', one per member
    starts: array  # 'q', len(user_ids) + 1 offsets into title_ids / scores
    title_ids: array  # 'q', one per rating
    scores: array  # 'b', one per rating (1..10)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int]]) -> MemberRatings:
        """Build from (user_id, title_id, score) rows; rows of one member need not be adjacent."""
        grouped: dict[int, list[tuple[int, int]]] = {}
        for user_id, title_id, score in rows:
            grouped.setdefault(user_id, []).append((title_id, score))
        user_ids, starts, title_ids, scores = array("q"), array("q", [0]), array("q"), array("b")
        for user_id in sorted(grouped):
            for title_id, score in grouped[user_id]:
                title_ids.append(title_id)
                scores.append(score)
            user_ids.append(user_id)
            starts.append(len(title_ids))
        return cls(user_ids, starts, title_ids, scores)

    @classmethod
    def from_sorted_rows(cls, rows: Iterable[Iterable[int]]) -> MemberRatings:
        """Build from (user_id, title_id, score) rows already ordered by user_id (as SQL returns them)."""
        user_ids, starts, title_ids, scores = array("q"), array("q"), array("q"), array("b")
        previous = None
        for user_id, title_id, score in rows:
            if user_id != previous:
                user_ids.append(user_id)
                starts.append(len(title_ids))
                previous = user_id
            title_ids.append(title_id)
            scores.append(score)
        starts.append(len(title_ids))
        return cls(user_ids, starts, title_ids, scores)

    def __len__(self) -> int:
        return len(self.title_ids)

    @property
    def members(self) -> int:
        return len(self.user_ids)


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


def co_rating_sums(target_id: int, ratings: MemberRatings, *, high_score: int = HIGH_SCORE) -> list[CoRatingSums]:
    """The sums for every title sharing a rater with the target, from those raters' ratings, by title id.

    The definition the database computes too (RatingRepo.co_rating_sums); `ratings` must hold all
    ratings of the members to consider (members who did not score the target are skipped)."""
    # Per other title: [dot, sum of target deviations², sum of own deviations², overlap, fans, fans' sum]
    sums: dict[int, list[float]] = {}
    title_ids, scores, starts = ratings.title_ids, ratings.scores, ratings.starts
    for k in range(len(ratings.user_ids)):
        start, end = starts[k], starts[k + 1]
        segment = title_ids[start:end]
        try:
            at = segment.index(target_id)
        except ValueError:
            continue
        own = scores[start:end]
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
