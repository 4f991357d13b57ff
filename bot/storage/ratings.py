"""Community scores: one score per member per title per server, and the aggregates kept beside them.

The aggregates (rating_aggregates, rating_totals) are maintained by triggers in 0004_ratings.sql,
so every write here — and any other — updates them in the same transaction as the score.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.errors import NotFound
from bot.plural import plural
from bot.reviews.models import OfficialScore
from bot.scores.models import RateResult, ScoreCard, TopPage, TopRow, UserRating
from bot.scores.stats import Aggregate, check_score, weighted_rating
from bot.storage.db import NOW, POSTGRESQL, SQLITE, Database, ForeignKeyViolation, Row, Tx

if TYPE_CHECKING:
    from bot.comparisons.corating import MemberRatings

_HIST = ", ".join(f"h{score}" for score in range(1, 11))
_SELECT_AGGREGATE = f"SELECT count, total, total_sq, {_HIST} FROM rating_aggregates WHERE guild_id = ? AND title_id = ?"
# The aggregate row as one JSON array, for a RETURNING clause (which sees it before the triggers run).
_AGGREGATE_JSON = (
    f"SELECT json_array(count, total, total_sq, {_HIST}) FROM rating_aggregates "
    "WHERE guild_id = :guild AND title_id = :title"
)
_RECOUNT = (
    "SELECT guild_id, title_id, COUNT(*) AS count, SUM(score) AS total, SUM(score * score) AS total_sq, "
    + ", ".join(f"SUM(CASE WHEN score = {s} THEN 1 ELSE 0 END) AS h{s}" for s in range(1, 11))
    + " FROM ratings GROUP BY guild_id, title_id"
)
# A member's scores in a server, highest first (then most recent): /ratings pages and the CSV export.
_MEMBER_SCORES = (
    "SELECT r.title_id, t.name, r.score, r.updated_at FROM ratings AS r "
    "JOIN titles AS t ON t.id = r.title_id WHERE r.guild_id = ? AND r.user_id = ? "
    "ORDER BY r.score DESC, r.updated_at DESC, r.title_id"
)
# Raters of one title whose ratings /similar reads. A title most of a big server scored would
# otherwise pull in most of the ratings table; the most recent raters speak for current taste,
# and the cap bounds the work per request (see benchmarks/similar_bench.py); 600 co-raters still
# estimate a correlation to about ±0.04.
MAX_RATERS = 600

# Each of the bounded most recent raters of a title with all of their scores in the server, packed one
# row per rater as text: "title_id * 16 + score" (scores are 1..10) joined by commas. 300,000 scores come
# back as 600 strings that numpy reads at C speed, instead of 300,000 rows built one by one. One subquery
# per rater, each an index-only scan of ratings_by_member, with nothing to group (PostgreSQL: 60 ms at
# 10M ratings, where a GROUP BY over the same rows took 107 ms).
_PACK = 16
_RATER_HISTORIES = """
SELECT r.user_id, (SELECT {packed} FROM ratings AS x WHERE x.guild_id = :guild AND x.user_id = r.user_id)
FROM (SELECT user_id FROM ratings WHERE guild_id = :guild AND title_id = :title
      ORDER BY updated_at DESC, user_id LIMIT :max_raters) AS r
ORDER BY r.user_id
"""
_PACKED = {
    SQLITE: f"group_concat(x.title_id * {_PACK} + x.score, ',')",
    POSTGRESQL: f"string_agg(CAST(CAST(x.title_id AS BIGINT) * {_PACK} + x.score AS TEXT), ',')",
}

# /top's page, ranked without sorting every qualifying title: standard competition ranking (1, 2, 2, 4) on
# the weighted rating as shown (two decimals; titles that look tied share a rank) is 1 + the number of
# titles shown higher. The page is a top-N (ORDER BY … LIMIT); one count of the titles above its first
# row places it, and the rows after it are ranked in Python (RatingRepo.top). (total + m·C)/(count + m)
# is the weighted rating with R = total/count; C is the server mean, from rating_totals. The qualifying
# count is an index count (rating_aggregates_by_votes). Names are not read: the catalog has them.
_TOP = """
WITH server AS (
    SELECT CAST(total AS DOUBLE PRECISION) / count AS mean FROM rating_totals WHERE guild_id = :guild AND count > 0
), shown AS (
    SELECT a.title_id, a.count, a.total,
           ROUND(CAST((a.total + :m * server.mean) / (a.count + :m) AS NUMERIC), 2) AS shown
    FROM rating_aggregates AS a, server WHERE a.guild_id = :guild AND a.count >= :min_votes
), page AS (
    SELECT title_id, count, total, shown FROM shown
    ORDER BY shown DESC, count DESC, title_id LIMIT :limit OFFSET :offset
)
SELECT page.title_id, page.count, page.total, page.shown, server.mean,
       (SELECT COUNT(*) FROM rating_aggregates WHERE guild_id = :guild AND count >= :min_votes),
       (SELECT COUNT(*) FROM shown WHERE shown.shown > (SELECT MAX(p.shown) FROM page AS p))
FROM page, server
ORDER BY page.shown DESC, page.count DESC, page.title_id
"""
_TOP_HEAD = """
SELECT (SELECT CAST(total AS DOUBLE PRECISION) / count FROM rating_totals WHERE guild_id = :guild AND count > 0),
       (SELECT COUNT(*) FROM rating_aggregates WHERE guild_id = :guild AND count >= :min_votes)
"""

# /score in one round trip: the aggregate row, the member's own score and the current official review,
# each LEFT JOINed to a constant row so a missing one reads as NULLs.
_SCORE_CARD = f"""
SELECT a.count, a.total, a.total_sq, {", ".join(f"a.h{score}" for score in range(1, 11))},
       (SELECT score FROM ratings WHERE guild_id = :guild AND title_id = :title AND user_id = :user),
       CASE WHEN v.id IS NULL THEN 0 ELSE 1 END, v.score, v.score_raw, v.channel_id, v.message_id
FROM (SELECT 1 AS one) AS k
LEFT JOIN rating_aggregates AS a ON a.guild_id = :guild AND a.title_id = :title
LEFT JOIN reviews AS v ON v.guild_id = :guild AND v.title_id = :title AND v.status = 'current'
"""


@dataclass(frozen=True, slots=True)
class Drift:
    """A stored aggregate that differs from the ratings it summarises (title_id None: the server's totals)."""

    guild_id: int
    title_id: int | None
    stored: Aggregate
    actual: Aggregate

    def describe(self) -> str:
        """One line for `python -m bot check`."""
        where = f"server {self.guild_id}" + ("" if self.title_id is None else f", title {self.title_id}")
        return (
            f"aggregates drifted ({where}): stored {plural(self.stored.count, 'vote')} / sum {self.stored.total}, "
            f"ratings say {plural(self.actual.count, 'vote')} / sum {self.actual.total}"
        )


def _aggregate_from(row: Row | None) -> Aggregate:
    if row is None:
        return Aggregate()
    return Aggregate(row["count"], row["total"], row["total_sq"], tuple(row[f"h{score}"] for score in range(1, 11)))


def _aggregate_from_json(text: str | None) -> Aggregate:
    if text is None:
        return Aggregate()
    count, total, total_sq, *hist = json.loads(text)
    return Aggregate(count, total, total_sq, tuple(hist))


class RatingRepo:
    """Scores and their aggregates; every method is scoped to one server except the maintenance ones."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def rate(self, guild_id: int, title_id: int, user_id: int, score: int) -> RateResult:
        """Record or replace the member's score; committed (with its aggregates) before this returns."""
        check_score(score)
        values = {"guild": guild_id, "title": title_id, "user": user_id, "score": score}
        if self.db.dialect == POSTGRESQL:  # the same in a function: the aggregate as the trigger left it
            try:
                row = await self.db.fetchone(
                    "SELECT previous, after FROM kansou_rate(:guild, :title, :user, :score)", values
                )
            except ForeignKeyViolation as exc:
                raise NotFound("That title is not in the catalog.") from exc
            assert row is not None
            return RateResult(row[0], _aggregate_from_json(row[1]))
        # One statement is one transaction: the upsert, and the triggers that update the aggregates.
        # RETURNING gives the replaced score and the aggregate as it was before the triggers ran.
        try:
            row = await self.db.fetchone(
                "INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (:guild, :title, :user, :score) "
                "ON CONFLICT (guild_id, title_id, user_id) DO UPDATE SET "
                f"previous_score = ratings.score, score = excluded.score, updated_at = {NOW[self.db.dialect]} "
                f"RETURNING previous_score, ({_AGGREGATE_JSON}) AS before",
                values,
            )
        except ForeignKeyViolation as exc:
            raise NotFound("That title is not in the catalog.") from exc
        if row is None:  # an upsert always returns its row; this would be a SQLite bug
            raise RuntimeError("the rating upsert returned no row")
        previous, before = row[0], _aggregate_from_json(row[1])
        after = before.apply(score) if previous is None else before.replace(previous, score)
        return RateResult(previous, after)

    async def unrate(self, guild_id: int, title_id: int, user_id: int) -> RateResult:
        """Remove the member's score; `previous` is None when there was nothing to remove."""
        if self.db.dialect == POSTGRESQL:
            row = await self.db.fetchone(
                "SELECT previous, after FROM kansou_unrate(:guild, :title, :user)",
                {"guild": guild_id, "title": title_id, "user": user_id},
            )
            assert row is not None
            return RateResult(row[0], _aggregate_from_json(row[1]))
        row = await self.db.fetchone(
            "DELETE FROM ratings WHERE guild_id = :guild AND title_id = :title AND user_id = :user "
            f"RETURNING score, ({_AGGREGATE_JSON}) AS before",
            {"guild": guild_id, "title": title_id, "user": user_id},
        )
        if row is None:
            return RateResult(None, await self.aggregate(guild_id, title_id))
        return RateResult(row[0], _aggregate_from_json(row[1]).remove(row[0]))

    async def _delete(self, tx: Tx, guild_id: int, title_id: int, user_id: int) -> int | None:
        row = await tx.fetchone(
            "DELETE FROM ratings WHERE guild_id = ? AND title_id = ? AND user_id = ? RETURNING score",
            (guild_id, title_id, user_id),
        )
        return None if row is None else int(row[0])

    async def get_user_score(self, guild_id: int, title_id: int, user_id: int) -> int | None:
        row = await self.db.fetchone(
            "SELECT score FROM ratings WHERE guild_id = ? AND title_id = ? AND user_id = ?",
            (guild_id, title_id, user_id),
        )
        return None if row is None else int(row[0])

    async def aggregate(self, guild_id: int, title_id: int) -> Aggregate:
        """The title's votes in this server, read from the aggregate row (never a scan of ratings)."""
        return _aggregate_from(await self.db.fetchone(_SELECT_AGGREGATE, (guild_id, title_id)))

    async def score_card(self, guild_id: int, title_id: int, user_id: int) -> ScoreCard:
        """What /score shows, in one query: the title's votes here, the member's own score, and the
        server's current official review's score and post."""
        row = await self.db.fetchone(_SCORE_CARD, {"guild": guild_id, "title": title_id, "user": user_id})
        if row is None:  # one row always comes back (the LEFT JOINs hang off a constant row)
            raise RuntimeError("the score card query returned no row")
        count, total, total_sq, *hist = row[:13]
        aggregate = Aggregate(count, total, total_sq, tuple(hist)) if count else Aggregate()
        own, has_review, score, score_raw, channel_id, message_id = row[13:]
        official = None
        if has_review:
            jump_url = None
            if channel_id is not None and message_id is not None:
                jump_url = f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
            official = OfficialScore(score, score_raw, jump_url)
        return ScoreCard(aggregate, None if own is None else int(own), official)

    async def server_mean(self, guild_id: int) -> float | None:
        """C: the mean of every rating in this server, None without ratings."""
        row = await self.db.fetchone("SELECT count, total FROM rating_totals WHERE guild_id = ?", (guild_id,))
        return row["total"] / row["count"] if row and row["count"] else None

    async def top(self, guild_id: int, m: int, min_votes: int, limit: int, offset: int = 0) -> TopPage:
        """The leaderboard by weighted rating (v·R + m·C)/(v + m); titles under min_votes are left out.

        One query (see _TOP); an empty page takes a second, cheap one for the server mean and the count."""
        params = {"m": m, "guild": guild_id, "min_votes": min_votes, "limit": limit, "offset": offset}
        rows = await self.db.fetch_tuples(_TOP, params)
        if rows:
            server_mean, total, above = float(rows[0][4]), int(rows[0][5]), int(rows[0][6])
        else:
            head = await self.db.fetchone(_TOP_HEAD, params)
            if head is None or head[0] is None:
                return TopPage([], 0, None)
            server_mean, total, above = float(head[0]), int(head[1]), 0
        page = []
        rank, previous = above + 1, None
        for position, (title_id, count, total_sum, shown, *_) in enumerate(rows):
            if previous is not None and shown != previous:
                rank = offset + position + 1  # every title before this one is shown higher
            previous = shown
            page.append(
                TopRow(
                    rank=rank,
                    title_id=int(title_id),
                    weighted=weighted_rating(total_sum / count, count, server_mean, m),
                    mean=total_sum / count,
                    votes=int(count),
                )
            )
        return TopPage(page, total, server_mean)

    async def user_ratings(self, guild_id: int, user_id: int, limit: int, offset: int = 0) -> list[UserRating]:
        """A member's scores in this server, highest first (then most recent)."""
        rows = await self.db.fetch_tuples(_MEMBER_SCORES + " LIMIT ? OFFSET ?", (guild_id, user_id, limit, offset))
        return [UserRating(row[0], row[1], row[2], row[3]) for row in rows]

    async def member_scores(self, guild_id: int, user_id: int) -> dict[int, int]:
        """Every score of the member in this server, by title id (for their profile)."""
        rows = await self.db.fetch_tuples(
            "SELECT title_id, score FROM ratings WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return {int(row[0]): int(row[1]) for row in rows}

    async def user_rating_count(self, guild_id: int, user_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT COUNT(*) FROM ratings WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return int(row[0]) if row else 0

    async def export_rows(self, guild_id: int, user_id: int) -> list[UserRating]:
        """Every score of the member in this server, highest first, for the CSV export."""
        rows = await self.db.fetch_tuples(_MEMBER_SCORES, (guild_id, user_id))
        return [UserRating(row[0], row[1], row[2], row[3]) for row in rows]

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        """Delete all of the member's scores in this server; returns how many there were."""
        return await self.db.execute("DELETE FROM ratings WHERE guild_id = ? AND user_id = ?", (guild_id, user_id))

    async def remove_by_moderator(self, guild_id: int, title_id: int, user_id: int, moderator_id: int) -> bool:
        """Remove one member's score and record who removed it and when; False if there was none."""
        async with self.db.transaction() as tx:
            previous = await self._delete(tx, guild_id, title_id, user_id)
            if previous is not None:
                await tx.execute(
                    "INSERT INTO rating_removals (guild_id, title_id, user_id, score, moderator_id) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (guild_id, title_id, user_id, previous, moderator_id),
                )
        return previous is not None

    async def removals(self, guild_id: int, limit: int = 50) -> list[Row]:
        """The most recent moderator removals in this server (the audit log)."""
        return await self.db.fetchall(
            "SELECT title_id, user_id, score, moderator_id, removed_at FROM rating_removals "
            "WHERE guild_id = ? ORDER BY removed_at DESC, id DESC LIMIT ?",
            (guild_id, limit),
        )

    # -- co-ratings: what /similar and /compare read -----------------------------------------------

    async def member_ratings(self, guild_id: int, title_id: int, max_raters: int = MAX_RATERS) -> MemberRatings:
        """All ratings of the (at most `max_raters` most recent) members who scored the title, by member:
        what /similar's co-rating sums are computed from (bot.comparisons.corating.co_rating_sums)."""
        import numpy as np  # with the first /similar, not at start (see bot.comparisons.corating)

        from bot.comparisons.corating import MemberRatings

        rows = await self.db.fetch_tuples(
            _RATER_HISTORIES.format(packed=_PACKED[self.db.dialect]),
            {"guild": guild_id, "title": title_id, "max_raters": max_raters},
        )
        packed = [np.fromstring(text, dtype=np.int64, sep=",") for _, text in rows]
        return MemberRatings.from_arrays(
            np.fromiter((user_id for user_id, _ in rows), dtype=np.int64, count=len(rows)),
            [member // _PACK for member in packed],
            [member % _PACK for member in packed],
        )

    async def paired_scores(self, guild_id: int, first: int, second: int) -> list[tuple[int, int]]:
        """(score for first, score for second) of every member who scored both."""
        rows = await self.db.fetch_tuples(
            "SELECT a.score, b.score FROM ratings AS a JOIN ratings AS b "
            "ON b.guild_id = a.guild_id AND b.user_id = a.user_id AND b.title_id = ? "
            "WHERE a.guild_id = ? AND a.title_id = ?",
            (second, guild_id, first),
        )
        return [(row[0], row[1]) for row in rows]

    async def scored_by(self, guild_id: int, user_id: int, title_ids: Iterable[int]) -> set[int]:
        """Which of these titles the member has scored (to mark them in /similar)."""
        wanted = sorted(set(title_ids))
        if not wanted:
            return set()
        marks = ", ".join("?" * len(wanted))
        rows = await self.db.fetch_tuples(
            f"SELECT title_id FROM ratings WHERE guild_id = ? AND user_id = ? AND title_id IN ({marks})",
            (guild_id, user_id, *wanted),
        )
        return {row[0] for row in rows}

    async def scores_for(self, guild_id: int, user_id: int, title_ids: Iterable[int]) -> dict[int, int]:
        """The member's scores for those of these titles they have scored (to show them in /top)."""
        wanted = sorted(set(title_ids))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = await self.db.fetch_tuples(
            f"SELECT title_id, score FROM ratings WHERE guild_id = ? AND user_id = ? AND title_id IN ({marks})",
            (guild_id, user_id, *wanted),
        )
        return {int(row[0]): int(row[1]) for row in rows}

    async def rated_title_ids(self, guild_id: int) -> set[int]:
        rows = await self.db.fetch_tuples("SELECT title_id FROM rating_aggregates WHERE guild_id = ?", (guild_id,))
        return {int(row[0]) for row in rows}

    async def count(self) -> int:
        """How many scores are stored, in every server."""
        row = await self.db.fetchone("SELECT COUNT(*) FROM ratings")
        return int(row[0]) if row else 0

    async def recompute_drift(self) -> list[Drift]:
        """Recompute every aggregate from the ratings and report where the stored ones differ."""
        # Both as (guild_id, title_id, count, total, total_sq, h1..h10).
        actual_rows = await self.db.fetch_tuples(_RECOUNT)
        stored_rows = await self.db.fetch_tuples(
            f"SELECT guild_id, title_id, count, total, total_sq, {_HIST} FROM rating_aggregates"
        )
        actual = {(r[0], r[1]): Aggregate(r[2], r[3], r[4], tuple(r[5:])) for r in actual_rows}
        stored = {(r[0], r[1]): Aggregate(r[2], r[3], r[4], tuple(r[5:])) for r in stored_rows}
        drifts = [
            Drift(guild, title, stored.get((guild, title), Aggregate()), actual.get((guild, title), Aggregate()))
            for guild, title in sorted(actual.keys() | stored.keys())
            if stored.get((guild, title)) != actual.get((guild, title))
        ]
        server_actual: dict[int, Aggregate] = {}
        for (guild, _), agg in actual.items():
            before = server_actual.get(guild, Aggregate())
            server_actual[guild] = Aggregate(before.count + agg.count, before.total + agg.total, 0)
        totals = await self.db.fetchall("SELECT guild_id, count, total FROM rating_totals")
        server_stored = {r["guild_id"]: Aggregate(r["count"], r["total"], 0) for r in totals}
        for guild in sorted(server_actual.keys() | server_stored.keys()):
            have, want = server_stored.get(guild, Aggregate()), server_actual.get(guild, Aggregate())
            if have != want:
                drifts.append(Drift(guild, None, have, want))
        return drifts

    async def rebuild_aggregates(self) -> None:
        """Recompute every aggregate from the ratings (repair after drift, or after a bulk load)."""
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM rating_aggregates")
            await tx.execute("DELETE FROM rating_totals")
            await tx.execute(
                f"INSERT INTO rating_aggregates (guild_id, title_id, count, total, total_sq, {_HIST}) " + _RECOUNT
            )
            await tx.execute(
                "INSERT INTO rating_totals (guild_id, count, total) "
                "SELECT guild_id, COUNT(*), SUM(score) FROM ratings GROUP BY guild_id"
            )
