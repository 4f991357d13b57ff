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
the similarity needs; bot.comparisons.corating computes them from those members' ratings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from bot.plural import plural

MIN_OVERLAP = 3
SHRINKAGE = 10.0
# "Scored highly" on the 1..10 scale: 8 and up is what members mean by a favourite.
HIGH_SCORE = 8


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
