"""RatingRepo on real SQLite files: upserts, aggregates kept in step, isolation, audit, drift."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from bot.comparisons.corating import MemberRatings, co_rating_sums, neighbours, reference_co_rating_sums
from bot.config import Settings
from bot.errors import NotFound
from bot.scores.stats import Aggregate, weighted_rating
from bot.storage.db import CheckViolation, Database, open_database
from bot.storage.ratings import RatingRepo

GUILD, OTHER_GUILD = 1001, 2002


async def add_titles(db: Database, *names: str) -> list[int]:
    """Plain catalog rows to score; returns their ids."""
    ids = []
    for name in names:
        await db.execute("INSERT INTO titles (name) VALUES (?)", (name,))
        row = await db.fetchone("SELECT id FROM titles WHERE name = ? ORDER BY id DESC", (name,))
        assert row is not None
        ids.append(int(row[0]))
    return ids


def count_statements(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement the database is sent from now on (a read that calls another counts once)."""
    statements: list[str] = []
    depth = [0]

    def counting(method: Any) -> Any:
        async def counted(sql: str, params: Any = ()) -> Any:
            if not depth[0]:
                statements.append(sql)
            depth[0] += 1
            try:
                return await method(sql, params)
            finally:
                depth[0] -= 1

        return counted

    for name in ("fetchall", "fetch_tuples", "execute"):
        monkeypatch.setattr(db, name, counting(getattr(db, name)))
    return statements


@pytest.fixture
def repo(db: Database) -> RatingRepo:
    return RatingRepo(db)


async def test_rerating_replaces_the_old_score(db: Database, repo: RatingRepo) -> None:
    """A second score from the same member replaces the first; the mean is not averaged with it."""
    (title,) = await add_titles(db, "Frieren")
    first = await repo.rate(GUILD, title, 1, 4)
    second = await repo.rate(GUILD, title, 1, 10)
    assert first.previous is None
    assert second.previous == 4
    assert second.aggregate == Aggregate.of([10])
    assert await repo.get_user_score(GUILD, title, 1) == 10
    assert await repo.count() == 1


async def test_aggregate_follows_rates_and_unrates(db: Database, repo: RatingRepo) -> None:
    """Count, sum, squares and histogram match the scores after every kind of write."""
    (title,) = await add_titles(db, "Mushishi")
    await repo.rate(GUILD, title, 1, 8)
    await repo.rate(GUILD, title, 2, 6)
    await repo.rate(GUILD, title, 3, 9)
    result = await repo.unrate(GUILD, title, 2)
    assert result.previous == 6
    assert result.aggregate == Aggregate.of([8, 9])
    assert await repo.aggregate(GUILD, title) == Aggregate.of([8, 9])
    assert await repo.server_mean(GUILD) == pytest.approx(8.5)


async def test_unrating_without_a_score_changes_nothing(db: Database, repo: RatingRepo) -> None:
    """previous is None and the aggregate is untouched."""
    (title,) = await add_titles(db, "Monster")
    await repo.rate(GUILD, title, 1, 7)
    result = await repo.unrate(GUILD, title, 99)
    assert result.previous is None
    assert result.aggregate == Aggregate.of([7])


async def test_last_vote_removed_leaves_no_aggregate_row(db: Database, repo: RatingRepo) -> None:
    """A title nobody scores any more drops out of rated titles and the leaderboard."""
    first, second = await add_titles(db, "Ping Pong", "Dorohedoro")
    await repo.rate(GUILD, first, 1, 7)
    await repo.rate(GUILD, first, 2, 7)
    await repo.rate(GUILD, second, 1, 5)
    await repo.unrate(GUILD, first, 1)
    assert await repo.aggregate(GUILD, first) == Aggregate.of([7])
    await repo.unrate(GUILD, first, 2)
    assert await repo.aggregate(GUILD, first) == Aggregate()
    assert await repo.rated_title_ids(GUILD) == {second}


async def test_scoring_an_unknown_title_is_not_found(repo: RatingRepo) -> None:
    """The foreign key refuses a title id the catalog lacks, and nothing is stored."""
    with pytest.raises(NotFound):
        await repo.rate(GUILD, 424242, 1, 5)
    assert await repo.count() == 0


@pytest.mark.parametrize("bad", [0, 11, 7.5])
async def test_scores_outside_one_to_ten_are_never_stored(db: Database, repo: RatingRepo, bad: float) -> None:
    """The repository refuses them before SQL, and the CHECK would refuse them after (on PostgreSQL not 7.5:
    asyncpg turns it into an integer before the server sees it, so there the repository's check is the guard)."""
    (title,) = await add_titles(db, "Haibane Renmei")
    with pytest.raises(ValueError):
        await repo.rate(GUILD, title, 1, bad)  # type: ignore[arg-type]  # 7.5 on purpose: refused at run time too
    if db.dialect == "postgresql" and bad == 7.5:
        return
    with pytest.raises(CheckViolation):
        await db.execute(
            "INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, ?, ?, ?)",
            (GUILD, title, 1, bad),
        )
    assert await repo.count() == 0


async def test_servers_are_isolated(db: Database, repo: RatingRepo) -> None:
    """Scores in one server never show in, or change, another server's figures."""
    (title,) = await add_titles(db, "Odd Taxi")
    await repo.rate(GUILD, title, 1, 10)
    await repo.rate(OTHER_GUILD, title, 1, 2)
    assert await repo.aggregate(GUILD, title) == Aggregate.of([10])
    assert await repo.aggregate(OTHER_GUILD, title) == Aggregate.of([2])
    assert await repo.forget_user(OTHER_GUILD, 1) == 1
    assert await repo.get_user_score(GUILD, title, 1) == 10
    assert [r.score for r in await repo.user_ratings(GUILD, 1, 10)] == [10]
    assert (await repo.top(OTHER_GUILD, 3, 1, 10)).rows == []


async def test_top_ranks_by_weighted_rating_and_skips_titles_under_min_votes(db: Database, repo: RatingRepo) -> None:
    """Few perfect votes rank below many good ones; titles under min_votes are left out."""
    a, b, c, d = await add_titles(db, "Two Perfect Votes", "Many Good Votes", "Too Few", "Many Low Votes")
    await repo.rate(GUILD, a, 1, 10)
    await repo.rate(GUILD, a, 2, 10)
    for user in range(1, 21):
        await repo.rate(GUILD, b, user, 9)
        await repo.rate(GUILD, d, user, 3)
    await repo.rate(GUILD, c, 1, 10)
    page = await repo.top(GUILD, m=3, min_votes=2, limit=10)
    server_mean = (10 * 2 + 9 * 20 + 10 + 3 * 20) / 43
    assert page.server_mean == pytest.approx(server_mean)
    assert [row.title_id for row in page.rows] == [b, a, d]
    assert page.total == 3
    assert page.rows[0].rank == 1
    assert page.rows[0].weighted == pytest.approx(weighted_rating(9.0, 20, server_mean, 3))
    assert page.rows[1].weighted == pytest.approx(weighted_rating(10.0, 2, server_mean, 3))
    assert (page.rows[1].mean, page.rows[1].votes) == (10.0, 2)


async def test_top_pages_rank_as_competition_ranking_over_the_whole_list_in_one_query(
    db: Database, repo: RatingRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random votes with many ties on the shown rating: every page's ranks are 1 + the titles shown higher
    (computed here over the whole list), and a page is one statement."""
    ids = await add_titles(db, *(f"Title {n}" for n in range(40)))
    rng = random.Random(3)
    for title in ids:
        for user in range(rng.randint(1, 6)):
            await repo.rate(GUILD, title, user, rng.choice((4, 6, 8)))
    everything = await repo.top(GUILD, m=2, min_votes=2, limit=100)
    shown = [round(row.weighted, 2) for row in everything.rows]
    assert [row.rank for row in everything.rows] == [1 + sum(other > mine for other in shown) for mine in shown]
    assert len(set(shown)) < len(shown)  # ties do happen
    statements = count_statements(db, monkeypatch)
    for offset in range(0, everything.total, 7):
        page = await repo.top(GUILD, m=2, min_votes=2, limit=7, offset=offset)
        assert page.rows == everything.rows[offset : offset + 7] and page.total == everything.total
    assert len(statements) == -(-everything.total // 7)


async def test_score_card_reads_votes_own_score_and_the_current_review_in_one_query(
    db: Database, repo: RatingRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/score's figures come in one statement; a replaced review, another server's and a missing own score stay out."""
    (title,) = await add_titles(db, "Mushishi")
    await repo.rate(GUILD, title, 1, 9)
    await repo.rate(GUILD, title, 2, 6)
    await repo.rate(OTHER_GUILD, title, 3, 1)
    for guild, status, raw, message in (
        (GUILD, "replaced", "2/5", 50),
        (GUILD, "current", "4/5", 51),
        (OTHER_GUILD, "current", "1/5", 52),
    ):
        await db.execute(
            "INSERT INTO reviews (guild_id, title_id, author_id, status, score, score_raw, text, channel_id, "
            "message_id) VALUES (?, ?, 7, ?, 8.0, ?, 'text', 40, ?)",
            (guild, title, status, raw, message),
        )
    statements = count_statements(db, monkeypatch)
    card = await repo.score_card(GUILD, title, 1)
    assert len(statements) == 1
    assert (card.aggregate, card.own_score) == (Aggregate.of([9, 6]), 9)
    assert card.official is not None and (card.official.score, card.official.text) == (8.0, "4/5")
    assert card.official.jump_url == f"https://discord.com/channels/{GUILD}/40/51"
    monkeypatch.undo()
    stranger = await repo.score_card(GUILD, title, 99)
    assert (stranger.aggregate.count, stranger.own_score) == (2, None)
    (unscored,) = await add_titles(db, "Nobody Scored This")
    empty = await repo.score_card(GUILD, unscored, 1)
    assert (empty.aggregate, empty.own_score, empty.official) == (Aggregate(), None, None)


async def test_top_pages_continue_the_ranking(db: Database, repo: RatingRepo) -> None:
    """The second page starts at rank limit + 1 and the total counts every qualifying title."""
    ids = await add_titles(db, *(f"Title {n}" for n in range(7)))
    for score, title in enumerate(ids, start=1):
        await repo.rate(GUILD, title, 1, score)
    page = await repo.top(GUILD, m=3, min_votes=1, limit=5, offset=5)
    assert [row.rank for row in page.rows] == [6, 7]
    assert [row.title_id for row in page.rows] == [ids[1], ids[0]]
    assert page.total == 7
    assert (await repo.top(GUILD, m=3, min_votes=1, limit=5, offset=10)).total == 7


async def test_titles_with_the_same_weighted_rating_share_a_rank(db: Database, repo: RatingRepo) -> None:
    """Standard competition ranking: 1, 2, 2, 4; a later page keeps the ranks of the whole list."""
    best, tie_a, tie_b, last = await add_titles(db, "Best", "Tie A", "Tie B", "Last")
    for user, (s1, s2, s3, s4) in enumerate([(10, 8, 8, 2), (10, 8, 8, 2)], start=1):
        for title, score in ((best, s1), (tie_a, s2), (tie_b, s3), (last, s4)):
            await repo.rate(GUILD, title, user, score)
    page = await repo.top(GUILD, m=3, min_votes=1, limit=10)
    assert [(row.rank, row.title_id) for row in page.rows] == [(1, best), (2, tie_a), (2, tie_b), (4, last)]
    second = await repo.top(GUILD, m=3, min_votes=1, limit=2, offset=2)
    assert [row.rank for row in second.rows] == [2, 4]


async def test_scores_for_gives_the_members_own_scores_among_titles(db: Database, repo: RatingRepo) -> None:
    a, b, c = await add_titles(db, "A", "B", "C")
    await repo.rate(GUILD, a, 7, 9)
    await repo.rate(GUILD, c, 7, 4)
    await repo.rate(OTHER_GUILD, b, 7, 5)
    assert await repo.scores_for(GUILD, 7, [a, b, c]) == {a: 9, c: 4}
    assert await repo.scores_for(GUILD, 7, []) == {}


async def test_a_members_scores_are_listed_highest_first(db: Database, repo: RatingRepo) -> None:
    """/ratings order, pagination and the export rows."""
    ids = await add_titles(db, "A", "B", "C")
    for title, score in zip(ids, [6, 9, 3], strict=True):
        await repo.rate(GUILD, title, 7, score)
    assert [r.score for r in await repo.user_ratings(GUILD, 7, limit=2)] == [9, 6]
    assert [r.title_name for r in await repo.user_ratings(GUILD, 7, limit=2, offset=2)] == ["C"]
    assert [r.title_name for r in await repo.export_rows(GUILD, 7)] == ["B", "A", "C"]
    assert await repo.user_rating_count(GUILD, 7) == 3


async def test_forget_user_deletes_every_score_and_fixes_aggregates(db: Database, repo: RatingRepo) -> None:
    """The member's scores are gone and each title's figures no longer count them."""
    a, b = await add_titles(db, "A", "B")
    await repo.rate(GUILD, a, 1, 10)
    await repo.rate(GUILD, b, 1, 2)
    await repo.rate(GUILD, a, 2, 4)
    assert await repo.forget_user(GUILD, 1) == 2
    assert await repo.aggregate(GUILD, a) == Aggregate.of([4])
    assert await repo.aggregate(GUILD, b) == Aggregate()
    assert await repo.server_mean(GUILD) == 4
    assert await repo.recompute_drift() == []


async def test_moderator_removal_is_audited(db: Database, repo: RatingRepo) -> None:
    """Who removed whose score, which score, and when; a missing score is not audited."""
    (title,) = await add_titles(db, "Kaiba")
    await repo.rate(GUILD, title, 5, 1)
    assert await repo.remove_by_moderator(GUILD, title, 5, moderator_id=77) is True
    assert await repo.remove_by_moderator(GUILD, title, 5, moderator_id=77) is False
    (entry,) = await repo.removals(GUILD)
    assert (entry["title_id"], entry["user_id"], entry["score"], entry["moderator_id"]) == (title, 5, 1, 77)
    assert entry["removed_at"]
    assert await repo.aggregate(GUILD, title) == Aggregate()


async def test_drift_is_reported_and_repaired(db: Database, repo: RatingRepo) -> None:
    """A tampered aggregate shows up in the check, and a rebuild puts it right."""
    (title,) = await add_titles(db, "Texhnolyze")
    await repo.rate(GUILD, title, 1, 6)
    await repo.rate(GUILD, title, 2, 8)
    assert await repo.recompute_drift() == []
    await db.execute("UPDATE rating_aggregates SET count = 5, h6 = 4")
    await db.execute("UPDATE rating_totals SET total = 1")
    drifts = await repo.recompute_drift()
    assert [(d.guild_id, d.title_id) for d in drifts] == [(GUILD, title), (GUILD, None)]
    assert drifts[0].stored.count == 5
    assert drifts[0].actual == Aggregate.of([6, 8])
    assert "stored 5 votes" in drifts[0].describe()
    assert "ratings say 2 votes" in drifts[0].describe()
    await repo.rebuild_aggregates()
    assert await repo.recompute_drift() == []
    assert await repo.aggregate(GUILD, title) == Aggregate.of([6, 8])


async def test_scores_survive_reopening_the_database(settings: Settings) -> None:
    """A score acknowledged by rate() is committed: a new connection sees it."""
    db = await open_database(settings.database)
    (title,) = await add_titles(db, "Planetes")
    await RatingRepo(db).rate(GUILD, title, 1, 9)
    await db.close()
    reopened = await open_database(settings.database)
    try:
        assert await RatingRepo(reopened).aggregate(GUILD, title) == Aggregate.of([9])
    finally:
        await reopened.close()


async def test_concurrent_rates_rerates_and_unrates_give_exact_figures(db: Database, repo: RatingRepo) -> None:
    """500 interleaved operations from 100 members on one title end exactly where a Python model does."""
    (title,) = await add_titles(db, "Metallic Rouge")
    rng = random.Random(20261126)
    members = [rng.randrange(100) for _ in range(500)]
    ops = [(user, rng.choice([None, *range(1, 11)])) for user in members]  # None: unrate
    # The model applies each member's operations in that member's order; different members interleave,
    # and one member's last operation decides their final score whatever the interleaving.
    model: dict[int, int] = {}
    for user, score in ops:
        if score is None:
            model.pop(user, None)
        else:
            model[user] = score
    by_member: dict[int, list[int | None]] = {}
    for user, score in ops:
        by_member.setdefault(user, []).append(score)

    async def member(user: int, scores: list[int | None]) -> None:
        for score in scores:
            await asyncio.sleep(0)  # let the other members' operations interleave
            if score is None:
                await repo.unrate(GUILD, title, user)
            else:
                await repo.rate(GUILD, title, user, score)

    await asyncio.gather(*(member(user, scores) for user, scores in by_member.items()))
    expected = Aggregate.of(list(model.values()))
    assert await repo.aggregate(GUILD, title) == expected
    assert await repo.count() == len(model)
    assert await repo.server_mean(GUILD) == pytest.approx(expected.mean)
    assert await repo.recompute_drift() == []


async def test_every_write_reports_the_aggregate_it_left(db: Database, repo: RatingRepo) -> None:
    """The aggregate rate/unrate return (computed from RETURNING) equals a fresh read after each write."""
    (title,) = await add_titles(db, "Paranoia Agent")
    rng = random.Random(4)
    for _ in range(200):
        user = rng.randrange(8)
        if rng.random() < 0.3:
            result = await repo.unrate(GUILD, title, user)
        else:
            result = await repo.rate(GUILD, title, user, rng.randint(1, 10))
        assert result.aggregate == await repo.aggregate(GUILD, title)
    assert await repo.recompute_drift() == []


# -- co-ratings: the reads behind /similar and /compare ---------------------------------------------


async def rate_all(repo: RatingRepo, titles: list[int], rows: list[tuple[int, int, int]], guild: int = GUILD) -> None:
    """Scores as (member, title number starting at 1, score), through the repository's own write."""
    for user, title, score in rows:
        await repo.rate(guild, titles[title - 1], user, score)


async def test_member_ratings_hold_every_rating_of_the_targets_raters_in_this_server_only(
    db: Database, repo: RatingRepo
) -> None:
    """Member 15 never scored the target and the other server's scores stay out; the rest feed similarity."""
    titles = await add_titles(db, "Target", "Second", "Third", "Elsewhere")
    # Same numbers as tests/comparisons/test_similarity.py: sim(1, 2) = 4/sqrt(96) before shrinkage.
    await rate_all(repo, titles, [(11, 1, 9), (11, 2, 9), (11, 3, 3), (12, 1, 8), (12, 2, 6), (12, 3, 4)])
    await rate_all(repo, titles, [(13, 1, 2), (13, 2, 4), (13, 3, 6), (14, 1, 5), (14, 2, 3), (14, 3, 7), (15, 2, 5)])
    await rate_all(repo, titles, [(11, 4, 1), (99, 1, 10)], guild=OTHER_GUILD)
    ratings = await repo.member_ratings(GUILD, titles[0])
    assert list(ratings.user_ids) == [11, 12, 13, 14] and len(ratings) == 12
    found = {n.title_id: n for n in neighbours(titles[0], ratings)}
    assert found[titles[1]].raw_similarity == pytest.approx(4 / 96**0.5)


async def test_member_ratings_keep_only_the_most_recent_raters_past_the_cap(db: Database, repo: RatingRepo) -> None:
    """Past max_raters, the members who scored the title most recently are the ones read."""
    (title,) = await add_titles(db, "Popular")
    await rate_all(repo, [title], [(user, 1, 5) for user in range(1, 6)])
    await db.execute("UPDATE ratings SET updated_at = '2030-01-01' WHERE user_id IN (2, 4)")
    ratings = await repo.member_ratings(GUILD, title, max_raters=2)
    assert list(ratings.user_ids) == [2, 4]


async def test_member_ratings_read_every_score_of_each_rater_exactly_as_stored(db: Database, repo: RatingRepo) -> None:
    """Random scores in two servers, catalog ids far apart: the packed rows read back as the ratings
    table holds them, and the sums over them are the reference loop's."""
    titles = await add_titles(db, *(f"Title {i}" for i in range(1, 13)))
    await db.execute("UPDATE titles SET id = id + 9000000 WHERE id = ?", (titles[-1],))
    titles[-1] += 9_000_000
    rng = random.Random(14)
    for guild in (GUILD, OTHER_GUILD):
        rows = [(user, title, rng.randint(1, 10)) for user in range(1, 41) for title in rng.sample(range(1, 13), 6)]
        await rate_all(repo, titles, rows, guild=guild)
    for target in [*titles[:4], titles[-1]]:
        ratings = await repo.member_ratings(GUILD, target)
        stored = await db.fetch_tuples(
            "SELECT user_id, title_id, score FROM ratings WHERE guild_id = ? AND user_id IN "
            "(SELECT user_id FROM ratings WHERE guild_id = ? AND title_id = ?)",
            (GUILD, GUILD, target),
        )
        assert sorted(
            (int(ratings.user_ids[k]), title, score)
            for k in range(ratings.members)
            for title, score in zip(*ratings.member(k), strict=True)
        ) == sorted(stored)
        assert co_rating_sums(target, ratings) == reference_co_rating_sums(target, ratings)
        assert co_rating_sums(target, ratings) == reference_co_rating_sums(target, MemberRatings.from_rows(stored))


async def test_co_rating_sums_leave_out_thin_overlaps_and_read_only_the_most_recent_raters(
    db: Database, repo: RatingRepo
) -> None:
    """Past max_raters only the most recent raters count; titles under min_overlap co-raters are not returned."""
    target, second, third = await add_titles(db, "Popular", "Second", "Third")
    await rate_all(repo, [target, second, third], [(user, 1, 5 + user % 3) for user in range(1, 6)])
    await rate_all(repo, [target, second, third], [(user, 2, 1 + user) for user in range(1, 6)])
    await rate_all(repo, [target, second, third], [(1, 3, 4), (2, 3, 9)])
    await db.execute(
        "UPDATE ratings SET updated_at = '2030-01-01' WHERE user_id IN (2, 4, 5) AND title_id = ?", (target,)
    )
    every = await repo.member_ratings(GUILD, target)
    assert [s.title_id for s in co_rating_sums(target, every, min_overlap=3)] == [second]
    (recent,) = co_rating_sums(target, await repo.member_ratings(GUILD, target, max_raters=3), min_overlap=3)
    assert (recent.title_id, recent.overlap, recent.fans) == (second, 3, 0)
    assert [s.overlap for s in co_rating_sums(target, every, min_overlap=1)] == [5, 2]


async def test_paired_scores_are_those_of_members_who_scored_both(db: Database, repo: RatingRepo) -> None:
    """Member 3 scored only the first title; another server's pair is not counted."""
    titles = await add_titles(db, "First", "Second")
    await rate_all(repo, titles, [(1, 1, 9), (1, 2, 7), (2, 1, 4), (2, 2, 8), (3, 1, 6)])
    await rate_all(repo, titles, [(1, 1, 1), (1, 2, 1)], guild=OTHER_GUILD)
    assert sorted(await repo.paired_scores(GUILD, titles[0], titles[1])) == [(4, 8), (9, 7)]
    assert sorted(await repo.paired_scores(GUILD, titles[1], titles[0])) == [(7, 9), (8, 4)]


async def test_scored_by_marks_only_the_titles_the_member_scored_here(db: Database, repo: RatingRepo) -> None:
    """The member's scores in another server do not count; no titles asked means no query and no marks."""
    titles = await add_titles(db, "First", "Second", "Third")
    await rate_all(repo, titles, [(1, 1, 9), (1, 2, 7), (2, 1, 4)])
    await rate_all(repo, titles, [(1, 3, 5)], guild=OTHER_GUILD)
    assert await repo.scored_by(GUILD, 1, titles) == {titles[0], titles[1]}
    assert await repo.scored_by(GUILD, 2, titles) == {titles[0]}
    assert await repo.scored_by(GUILD, 1, []) == set()
