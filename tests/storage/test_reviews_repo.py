"""ReviewRepo on a real SQLite file: publish, replace, edit with revisions, reads, paging, delete, undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import Conflict
from bot.storage.db import Database
from bot.storage.reviews import NewReview, ReviewRepo

GUILD, OTHER = 10, 20


@pytest.fixture
async def repo(tmp_path: Path):
    db = await Database.open(tmp_path / "kansou.db")
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
    assert (await repo.get(first.review.id)).status == "replaced"  # type: ignore[union-attr]
    [revision] = await repo.history(second.review.id)
    assert revision.text == "Old text" and revision.editor_id == 5


async def test_discard_undoes_a_replacing_publish(repo: ReviewRepo) -> None:
    first = await repo.publish(new(text="Old text"), replace=False)
    second = await repo.publish(new(text="New text", message=200), replace=True)
    await repo.discard(second)
    assert (await repo.current(GUILD, 1)).id == first.review.id  # type: ignore[union-attr]
    assert await repo.get(second.review.id) is None


async def test_edit_keeps_the_previous_text_and_restore_undoes_it(repo: ReviewRepo) -> None:
    before = (await repo.publish(new(text="First"), replace=False)).review
    edited = await repo.edit(before.id, text="Second", score=8.0, score_raw="8/10", analysis="{}", editor_id=9)
    assert edited.text == "Second" and edited.score == 8.0
    [revision] = await repo.history(before.id)
    assert (revision.text, revision.score, revision.editor_id) == ("First", 7.0, 9)
    await repo.restore(before)
    assert (await repo.get(before.id)).text == "First"  # type: ignore[union-attr]
    assert await repo.history(before.id) == []


async def test_list_is_newest_first_and_pages(repo: ReviewRepo) -> None:
    for title in range(1, 6):
        await repo.publish(new(title, message=100 * title), replace=False)
    first_page = await repo.list_current(GUILD, limit=2)
    second_page = await repo.list_current(GUILD, limit=2, offset=2)
    assert [r.title_id for r in first_page + second_page] == [5, 4, 3, 2]
    assert await repo.count(GUILD) == 5 and await repo.title_ids(GUILD) == {1, 2, 3, 4, 5}


async def test_delete_marks_the_review_deleted_and_editing_it_is_refused(repo: ReviewRepo) -> None:
    review = (await repo.publish(new(), replace=False)).review
    await repo.db.execute("INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, 1, 3, 8)", (GUILD,))
    assert await repo.delete(review.id) is True
    assert await repo.delete(review.id) is False
    assert await repo.current(GUILD, 1) is None and await repo.count(GUILD) == 0
    assert (await repo.by_message(100)).status == "deleted"  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        await repo.edit(review.id, text="x", score=None, score_raw=None, analysis="{}", editor_id=1)
    assert await repo.history(review.id) == []
    row = await repo.db.fetchone("SELECT count(*) FROM ratings")
    assert row is not None and row[0] == 1
