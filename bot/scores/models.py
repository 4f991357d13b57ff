"""Records of the scores feature: what a write did, leaderboard rows, a member's scores."""

from __future__ import annotations

from dataclasses import dataclass

from bot.reviews.models import OfficialScore
from bot.scores.stats import Aggregate


@dataclass(frozen=True, slots=True)
class RateResult:
    """What a write did: the member's score before it (None: had none) and the title's aggregate after."""

    previous: int | None
    aggregate: Aggregate


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """What /score shows: the title's votes in the server, the asking member's own score, the official review's."""

    aggregate: Aggregate
    own_score: int | None
    official: OfficialScore | None = None


@dataclass(frozen=True, slots=True)
class TopRow:
    """One leaderboard line; the title's name comes from the catalog when it is shown."""

    rank: int
    title_id: int
    weighted: float
    mean: float
    votes: int


@dataclass(frozen=True, slots=True)
class TopPage:
    """One page of a server's leaderboard, with how many titles qualify and the server mean C."""

    rows: list[TopRow]
    total: int
    server_mean: float | None


@dataclass(frozen=True, slots=True)
class MemberProfile:
    """The head of /ratings list: how many scores a member gave, their mean, the server's, favourite tags."""

    count: int
    mean: float | None
    server_mean: float | None
    top_tags: tuple[tuple[str, int], ...] = ()  # (tag, how many of the member's titles have it)

    @property
    def difference(self) -> float | None:
        """The member's mean minus the server's (positive: they score higher)."""
        if self.mean is None or self.server_mean is None:
            return None
        return self.mean - self.server_mean


@dataclass(frozen=True, slots=True)
class UserRating:
    title_id: int
    title_name: str
    score: int
    updated_at: str
