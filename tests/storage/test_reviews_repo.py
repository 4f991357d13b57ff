"""ReviewRepo on a real SQLite file: publish, replace, edit with revisions and edges (one transaction each),
reads, paging, delete."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.config import Settings
from bot.errors import Conflict
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import ForeignKeyViolation, open_database
from bot.storage.reviews import NewReview, ReviewRepo

GUILD, OTHER = 10, 20


@pytest.fixture
async def repo(settings: Settings):
    db = await open_database(settings.database)
    await db.executemany("INSERT INTO titles (id, name) VALUES (?, ?)", [(i, f"Show {i}") for i in range(1, 6)])
    yield ReviewRepo(db)
    await db.close()


def new(title_id: int = 1, text: str = "Good show. 7/10", *, guild: int = GUILD, message: int = 100) -> NewReview:
    return NewReview(
        guild,
        title_id,
        author_id=5,
        text=text,
        score=7.0,
        score_raw="7/10",
        analysis="{}",
        channel_id=50,
        message_id=message,
        thread_id=message + 1,
    )


async def test_publish_stores_a_current_review_found_by_title_and_message(repo: ReviewRepo) -> None:
    published = await repo.publish(new(), replace=False)
    assert published.replaced is None
    assert (await repo.current(GUILD, 1)) == published.review
    assert (await repo.by_message(100)) == published.review
    assert published.review.jump_url == f"https://discord.com/channels/{GUILD}/50/100"
    assert await repo.current(OTHER, 1) is None


async def test_a_second_review_without_replace_is_a_conflict(repo: ReviewRepo) -> None:
    await repo.publish(new(), replace=False)
    with pytest.raises(Conflict):
        await repo.publish(new(message=200), replace=False)
    assert await repo.count(GUILD) == 1


async def test_replacing_keeps_the_old_review_and_its_text_as_a_revision(repo: ReviewRepo) -> None:
    first = await repo.publish(new(text="Old text"), replace=False)
    second = await repo.publish(new(text="New text", message=200), replace=True)
    assert second.replaced == first.review
    old = await repo.get(first.review.id)
    assert old is not None and old.status == "replaced"
    [revision] = await repo.history(second.review.id)
    assert revision.text == "Old text" and revision.editor_id == 5


async def test_a_publish_and_its_edges_are_stored_together(repo: ReviewRepo) -> None:
    published = await repo.publish(
        new(), replace=False, edges=[(2, "comparison", "Like Show 2."), (3, "studio_credit", "")]
    )
    edges = await ComparisonRepo(repo.db).edges_of_review(GUILD, published.review.id)
    assert [(e.other_title_id, e.kind, e.sentence) for e in edges] == [
        (2, "comparison", "Like Show 2."),
        (3, "studio_credit", ""),
    ]


async def test_a_replacing_publish_that_fails_midway_stores_nothing(repo: ReviewRepo) -> None:
    """One transaction: an edge that cannot be stored leaves the old review current, with no new row or revision."""
    first = await repo.publish(new(text="Old text"), replace=False)
    with pytest.raises(ForeignKeyViolation):
        await repo.publish(new(text="New text", message=200), replace=True, edges=[(999, "comparison", "")])
    current = await repo.current(GUILD, 1)
    assert current is not None and current.id == first.review.id
    assert await repo.by_message(200) is None
    assert await repo.history(first.review.id) == []


async def test_edit_keeps_the_previous_text_as_a_revision(repo: ReviewRepo) -> None:
    before = (await repo.publish(new(text="First"), replace=False)).review
    edited = await repo.edit(before.id, text="Second", score=8.0, score_raw="8/10", analysis="{}", editor_id=9)
    assert edited.text == "Second" and edited.score == 8.0
    [revision] = await repo.history(before.id)
    assert (revision.text, revision.score, revision.editor_id) == ("First", 7.0, 9)


async def test_an_edit_that_fails_midway_changes_nothing(repo: ReviewRepo) -> None:
    """The text, the revision and the edges change in one transaction, or not at all."""
    before = (await repo.publish(new(text="First"), replace=False, edges=[(2, "comparison", "")])).review
    with pytest.raises(ForeignKeyViolation):
        await repo.edit(
            before.id, text="Second", score=8.0, score_raw="8/10", analysis="{}", editor_id=9,
            edges=[(999, "comparison", "")],
        )  # fmt: skip
    kept = await repo.get(before.id)
    assert kept is not None and kept.text == "First"
    assert await repo.history(before.id) == []
    edges = await ComparisonRepo(repo.db).edges_of_review(GUILD, before.id)
    assert [e.other_title_id for e in edges] == [2]


async def test_an_edit_replaces_the_parsed_edges(repo: ReviewRepo) -> None:
    before = (await repo.publish(new(), replace=False, edges=[(2, "comparison", "")])).review
    await repo.edit(
        before.id, text="x", score=None, score_raw=None, analysis="{}", editor_id=1, edges=[(3, "comparison", "")]
    )
    edges = await ComparisonRepo(repo.db).edges_of_review(GUILD, before.id)
    assert [e.other_title_id for e in edges] == [3]


async def test_current_and_posts_read_score_and_post(repo: ReviewRepo) -> None:
    """Moved from the comparison repository: comparisons read reviews through this repository."""
    first = (await repo.publish(new(1, message=8), replace=False)).review
    second = (await repo.publish(new(2, message=9), replace=False)).review
    await repo.delete(second.id)
    found = await repo.current(GUILD, 1)
    assert found is not None
    assert (found.id, found.score_raw, found.channel_id, found.message_id) == (first.id, "7/10", 50, 8)
    assert await repo.current(GUILD, 2) is None
    assert await repo.current(OTHER, 1) is None
    assert set(await repo.posts(GUILD, [first.id, second.id, 999])) == {first.id, second.id}
    assert await repo.posts(OTHER, [first.id]) == {}


async def test_list_is_newest_first_and_pages(repo: ReviewRepo) -> None:
    for title in range(1, 6):
        await repo.publish(new(title, message=100 * title), replace=False)
    first_page = await repo.list_current(GUILD, limit=2)
    second_page = await repo.list_current(GUILD, limit=2, offset=2)
    assert [r.title_id for r in first_page + second_page] == [5, 4, 3, 2]
    assert await repo.count(GUILD) == 5 and await repo.title_ids(GUILD) == {1, 2, 3, 4, 5}


async def test_a_list_page_comes_with_each_titles_votes_and_the_total(repo: ReviewRepo) -> None:
    """One query per page: the reviews, their titles' community votes in this server, how many in all."""
    for title in range(1, 6):
        await repo.publish(new(title, message=100 * title), replace=False)
    await repo.publish(new(1, guild=OTHER, message=999), replace=False)
    for user, score in ((1, 8), (2, 6)):
        await repo.db.execute("INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, 4, ?, ?)",
                              (GUILD, user, score))  # fmt: skip
    await repo.db.execute("INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, 4, 1, 1)", (OTHER,))
    page = await repo.list_page(GUILD, limit=2, offset=0)
    assert [e.review.title_id for e in page.entries] == [5, 4] and page.total == 5
    assert (page.entries[1].votes, page.entries[1].votes_total) == (2, 14)
    assert (page.entries[0].votes, page.entries[0].votes_total) == (0, 0)
    last = await repo.list_page(GUILD, limit=2, offset=4)
    assert [e.review.title_id for e in last.entries] == [1] and last.total == 5
    assert (await repo.list_page(GUILD, limit=2, offset=10)).entries == []


async def test_delete_marks_the_review_deleted_and_editing_it_is_refused(repo: ReviewRepo) -> None:
    review = (await repo.publish(new(), replace=False)).review
    await repo.db.execute("INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, 1, 3, 8)", (GUILD,))
    await ComparisonRepo(repo.db).replace_review_edges(GUILD, review.id, 1, [(2, "comparison", "")])
    assert await repo.delete(review.id) is True
    assert await ComparisonRepo(repo.db).edges_of_review(GUILD, review.id) == []  # gone in the same transaction
    assert await repo.delete(review.id) is False
    assert await repo.current(GUILD, 1) is None and await repo.count(GUILD) == 0
    deleted = await repo.by_message(100)
    assert deleted is not None and deleted.status == "deleted"
    with pytest.raises(Conflict):
        await repo.edit(review.id, text="x", score=None, score_raw=None, analysis="{}", editor_id=1)
    assert await repo.history(review.id) == []
    row = await repo.db.fetchone("SELECT count(*) FROM ratings")
    assert row is not None and row[0] == 1


async def test_corrections_are_stored_with_the_review_and_kept_with_each_revision(repo: ReviewRepo) -> None:
    """An edit stores the new corrections and keeps the old ones with the revision of the old text."""
    first = '{"fields": {"tldr": ["Fixed summary.", "Read summary."]}}'
    published = await repo.publish(replace(new(), corrections=first), replace=False)
    assert published.review.corrections == first
    edited = await repo.edit(
        published.review.id, text="New", score=8.0, score_raw=None, analysis="{}", editor_id=6, corrections="{}"
    )
    assert edited.corrections == "{}"
    [revision] = await repo.history(published.review.id)
    assert revision.text == "Good show. 7/10" and revision.corrections == first
