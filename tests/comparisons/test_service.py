"""ComparisonService on a real SQLite file: /similar and /compare answers from the graph and the scores."""

from __future__ import annotations

import pytest

from bot.catalog.models import Title
from bot.comparisons import service as service_module
from bot.comparisons.service import ComparisonService
from bot.config import Settings
from bot.errors import InvalidInput, NotFound
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import open_database
from bot.storage.ratings import RatingRepo
from bot.storage.reviews import ReviewRepo

GUILD = 10
TITLES = {
    1: Title(1, "Cowboy Bebop", tags=("Space", "Noir"), studios=("Sunrise",)),
    2: Title(2, "Samurai Champloo", tags=("Samurai",)),
    3: Title(3, "Trigun", tags=("Space", "Western")),
    4: Title(4, "K-On!", tags=("Music",)),
    5: Title(5, "Space Dandy", tags=("Space", "Comedy"), studios=("Bones",)),
}


@pytest.fixture
async def service(settings: Settings):
    db = await open_database(settings.database)
    await db.executemany("INSERT INTO titles (id, name) VALUES (?, ?)", [(t.id, t.name) for t in TITLES.values()])
    yield ComparisonService(ComparisonRepo(db), RatingRepo(db), TITLES, reviews=ReviewRepo(db))
    await db.close()


async def review(service: ComparisonService, review_id: int, title_id: int, **columns) -> None:
    values = {"id": review_id, "guild_id": GUILD, "title_id": title_id, "author_id": 1, "text": "…", **columns}
    marks = ", ".join("?" * len(values))
    await service.repo.db.execute(f"INSERT INTO reviews ({', '.join(values)}) VALUES ({marks})", tuple(values.values()))


async def rate(service: ComparisonService, rows: list[tuple[int, int, int]]) -> None:
    for user, title, score in rows:
        await service.ratings.rate(GUILD, title, user, score)


# Members who love 1 love 3 and dislike 4 (deviations line up): 3 is the member-score neighbour.
TASTE = [
    (11, 1, 9), (11, 3, 9), (11, 4, 3),
    (12, 1, 8), (12, 3, 9), (12, 4, 4),
    (13, 1, 3), (13, 3, 2), (13, 4, 8),
    (14, 1, 10), (14, 3, 9), (14, 4, 2),
]  # fmt: skip


async def test_similar_blends_review_links_member_scores_and_tags(service):
    await rate(service, TASTE)
    await review(service, 900, 1)
    await service.repo.replace_review_edges(GUILD, 900, 1, [(2, "comparison", "Bebop walked so Champloo could run.")])
    result = await service.similar(GUILD, 1, user_id=11)
    ids = [r.title_id for r in result.related]
    assert ids[:2] == [2, 3]
    assert [r.kind for r in result.related[0].reasons] == ["review"]
    members = next(r for r in result.related[1].reasons if r.kind == "members")
    assert members.text == "members who scored Cowboy Bebop highly gave it 9.0 on average (3 members)"
    assert 4 not in ids  # scored the opposite way
    assert result.scored == {3}


async def test_similar_with_nothing_related_is_not_found(service):
    with pytest.raises(NotFound, match="Nothing related to K-On!"):
        await service.similar(GUILD, 4, user_id=1)


async def test_a_comparison_added_later_shows_up_in_similar(service):
    await review(service, 901, 4)
    assert await service.repo.add_comparison(GUILD, 901, 4, 2, moderator_id=5)
    result = await service.similar(GUILD, 2, user_id=1)
    assert [r.title_id for r in result.related] == [4]
    assert result.related[0].reasons[0].text == "compared in the official review of K-On!"


async def test_cached_neighbours_are_recomputed_after_a_vote_on_the_target(service, monkeypatch):
    monkeypatch.setattr(service_module, "CACHE_MIN_RATINGS", 0)  # cache even this tiny server
    await rate(service, TASTE)
    before = {n.title_id: n.overlap for n in await service.neighbours(GUILD, 1)}
    assert len(service.cache) == 1
    await rate(service, [(15, 1, 9), (15, 3, 8), (15, 4, 1)])
    after = {n.title_id: n.overlap for n in await service.neighbours(GUILD, 1)}
    assert (before[3], after[3]) == (4, 5)


async def test_compare_reports_co_raters_scores_and_review_sentences(service):
    await rate(service, TASTE)
    await review(service, 900, 3, score=8.0, score_raw="4/5")
    await service.repo.replace_review_edges(GUILD, 900, 3, [(1, "comparison", "Trigun is Bebop's wilder cousin.")])
    result = await service.compare(GUILD, 1, 3, m=3)
    assert result.co_raters.count == 4
    assert (result.co_raters.first_preferred, result.co_raters.second_preferred, result.co_raters.ties) == (
        2,
        1,
        1,
    )
    assert result.first.aggregate.count == 4 and result.first.weighted is not None
    assert [e.sentence for e in result.comparisons] == ["Trigun is Bebop's wilder cousin."]
    assert result.shared_tags == ("Space",)
    assert (result.first.official_score, result.second.official_score) == (None, "4/5")


async def test_compare_refuses_the_same_title_twice_and_unknown_titles(service):
    with pytest.raises(InvalidInput):
        await service.compare(GUILD, 1, 1, m=3)
    with pytest.raises(NotFound):
        await service.compare(GUILD, 1, 999, m=3)


async def test_review_links_point_at_posted_reviews_only(service):
    await review(service, 900, 1, channel_id=7, message_id=8)
    await review(service, 901, 2)
    links = await service.review_links(GUILD, [900, 901])
    assert links == {900: f"https://discord.com/channels/{GUILD}/7/8"}


async def test_only_current_reviews_count_in_the_graph(service):
    """Moved from the comparison repository: which reviews are current is read through the reviews repository."""
    await review(service, 500, 1, status="replaced")
    await review(service, 501, 1)
    await service.repo.replace_review_edges(GUILD, 500, 1, [(2, "comparison", "Old text.")])
    await service.repo.replace_review_edges(GUILD, 501, 1, [(3, "comparison", "New text.")])
    assert [e.other_title_id for e in await service.live_edges(GUILD, 1)] == [3]
    assert await service.live_edges(GUILD, 2) == []
