"""ComparisonRepo on a real SQLite file: review edges, moderator edits, and the official-review reads."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import open_database

GUILD, OTHER_GUILD = 10, 20
REVIEW = 500


@pytest.fixture
async def repo(settings: Settings):
    db = await open_database(settings.database)
    await db.executemany("INSERT INTO titles (id, name) VALUES (?, ?)", [(i, f"Show {i}") for i in range(1, 10)])
    yield ComparisonRepo(db)
    await db.close()


async def review(repo: ComparisonRepo, review_id: int, title_id: int, *, guild: int = GUILD, **columns) -> None:
    """An official review row (the reviews feature writes these; comparisons only read them)."""
    values = {"id": review_id, "guild_id": guild, "title_id": title_id, "author_id": 1, "text": "…", **columns}
    names, marks = ", ".join(values), ", ".join("?" * len(values))
    await repo.db.execute(f"INSERT INTO reviews ({names}) VALUES ({marks})", tuple(values.values()))


def pairs(edges):
    return sorted((e.title_id, e.other_title_id, e.kind, e.source) for e in edges)


async def test_review_edges_are_found_from_both_ends(repo):
    await review(repo, REVIEW, 1)
    await review(repo, 600, 4)
    await repo.replace_review_edges(
        GUILD, REVIEW, 1, [(2, "comparison", "Like Two."), (3, "studio_credit", "By Three.")]
    )
    await repo.replace_review_edges(GUILD, 600, 4, [(1, "comparison", "Four owes One.")])
    assert pairs(await repo.edges_of(GUILD, 1)) == [
        (1, 2, "comparison", "review"),
        (1, 3, "studio_credit", "review"),
        (4, 1, "comparison", "review"),
    ]
    assert [e.sentence for e in await repo.edges_of(GUILD, 2)] == ["Like Two."]
    assert await repo.edges_of(OTHER_GUILD, 1) == []


async def test_republishing_a_review_replaces_its_parsed_edges(repo):
    await review(repo, REVIEW, 1)
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(2, "comparison", "Old."), (3, "comparison", "Old.")])
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(3, "comparison", "New."), (4, "comparison", "New.")])
    edges = await repo.edges_of_review(GUILD, REVIEW)
    assert sorted((e.other_title_id, e.sentence) for e in edges) == [(3, "New."), (4, "New.")]


async def test_a_review_never_links_its_own_title(repo):
    await review(repo, REVIEW, 1)
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(1, "comparison", "One is One."), (2, "comparison", "x")])
    assert [e.other_title_id for e in await repo.edges_of_review(GUILD, REVIEW)] == [2]


async def test_moderator_can_add_a_comparison_that_survives_a_reparse(repo):
    await review(repo, REVIEW, 1)
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(2, "comparison", "Like Two.")])
    assert await repo.add_comparison(GUILD, REVIEW, 1, 5, moderator_id=77) is True
    assert await repo.add_comparison(GUILD, REVIEW, 1, 5, moderator_id=77) is False
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(2, "comparison", "Like Two, still.")])
    assert pairs(await repo.edges_of_review(GUILD, REVIEW)) == [
        (1, 2, "comparison", "review"),
        (1, 5, "comparison", "moderator"),
    ]


async def test_uncompare_hides_a_parsed_edge_even_after_a_reparse(repo):
    await review(repo, REVIEW, 1)
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(2, "comparison", "Like Two.")])
    assert await repo.remove_comparison(GUILD, REVIEW, 2, moderator_id=77) is True
    assert await repo.remove_comparison(GUILD, REVIEW, 2, moderator_id=77) is False
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(2, "comparison", "Like Two.")])
    assert await repo.edges_of(GUILD, 2) == []
    assert await repo.add_comparison(GUILD, REVIEW, 1, 2, moderator_id=77) is True
    assert [e.other_title_id for e in await repo.edges_of(GUILD, 1)] == [2]


async def test_compare_turns_a_studio_credit_into_a_comparison(repo):
    await review(repo, REVIEW, 1)
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(3, "studio_credit", "By the studio of Three.")])
    assert await repo.remove_comparison(GUILD, REVIEW, 3, moderator_id=77) is False  # not a comparison
    assert await repo.add_comparison(GUILD, REVIEW, 1, 3, moderator_id=77) is True
    (edge,) = await repo.edges_of_review(GUILD, REVIEW)
    assert (edge.kind, edge.sentence) == ("comparison", "By the studio of Three.")


async def test_deleting_a_review_forgets_its_edges(repo):
    await review(repo, REVIEW, 1)
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(2, "comparison", "x"), (3, "comparison", "y")])
    assert await repo.delete_review(GUILD, REVIEW) == 2
    assert await repo.edges_of(GUILD, 1) == []


async def test_the_reviews_service_predicts_the_links_a_reparse_leaves(repo):
    """An edit renders its post before storing: live_edges_after_reparse must agree with write_review_edges."""
    from bot.comparisons.graph import EdgeKind
    from bot.reviews.service import live_edges_after_reparse

    await review(repo, REVIEW, 1)
    await repo.replace_review_edges(
        GUILD, REVIEW, 1, [(2, "comparison", ""), (3, "comparison", ""), (4, "studio_credit", "")]
    )
    await repo.add_comparison(GUILD, REVIEW, 1, 5, moderator_id=7)
    await repo.remove_comparison(GUILD, REVIEW, 3, moderator_id=7)
    await repo.add_comparison(GUILD, REVIEW, 1, 4, moderator_id=7)  # a credit a moderator made a comparison
    wanted: list[tuple[int, EdgeKind]] = [
        (3, "comparison"),
        (6, "comparison"),
        (4, "studio_credit"),
        (7, "studio_credit"),
    ]
    predicted = live_edges_after_reparse(await repo.edges_of_review(GUILD, REVIEW, with_removed=True), wanted)
    await repo.replace_review_edges(GUILD, REVIEW, 1, [(other, kind, "") for other, kind in wanted])
    assert [(e.other_title_id, e.kind) for e in await repo.edges_of_review(GUILD, REVIEW)] == predicted
