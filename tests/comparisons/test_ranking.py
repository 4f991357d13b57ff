"""The /similar blend: review links, member similarity and tags, their order and reason texts."""

from __future__ import annotations

import pytest

from bot.comparisons.graph import ComparisonEdge
from bot.comparisons.ranking import MEMBERS, REVIEW_IN, REVIEW_OUT, TAGS, Reason, jaccard, rank_related
from bot.comparisons.similarity import Neighbour

TARGET = 1
NAMES = {
    1: "Cowboy Bebop", 2: "Samurai Champloo", 3: "Trigun", 4: "Outlaw Star", 5: "Space Dandy", 6: "K-On!"
}  # fmt: skip


def edge(title_id: int, other: int, **kw) -> ComparisonEdge:
    return ComparisonEdge(guild_id=9, review_id=100 + title_id, title_id=title_id, other_title_id=other,
                          sentence=f"{NAMES[title_id]} is like {NAMES[other]}.", **kw)  # fmt: skip


def neighbour(title_id: int, similarity: float, overlap: int = 12, fans: int = 0, fans_mean=None):
    return Neighbour(title_id, similarity, similarity, overlap, fans, fans_mean)


def test_a_review_link_outranks_member_similarity_and_tags():
    ranked = rank_related(
        TARGET,
        names=NAMES,
        edges=[edge(1, 2)],
        neighbours=[neighbour(3, 0.6)],
        tags={1: ["Space", "Western"], 4: ["Space", "Western"]},
    )
    assert [r.title_id for r in ranked] == [2, 3, 4]
    assert [r.score for r in ranked] == [REVIEW_OUT, pytest.approx(MEMBERS * 0.6), pytest.approx(TAGS * 1.0)]


def test_review_comparisons_count_in_both_directions_and_add_up():
    ranked = rank_related(TARGET, names=NAMES, edges=[edge(1, 2), edge(3, 1), edge(2, 1)])
    scores = {r.title_id: r.score for r in ranked}
    assert scores == {2: REVIEW_OUT + REVIEW_IN, 3: REVIEW_IN}
    texts = [reason.text for reason in ranked[0].reasons]
    assert texts == [
        "compared in the official review of Cowboy Bebop",
        "compared in the official review of Samurai Champloo",
    ]


def test_studio_credits_and_removed_comparisons_are_not_similarity():
    edges = [edge(1, 2, kind="studio_credit"), edge(1, 3, removed=True), edge(1, 4)]
    assert [r.title_id for r in rank_related(TARGET, names=NAMES, edges=edges)] == [4]


def test_members_reason_quotes_the_fans_figure_when_enough_fans():
    ranked = rank_related(TARGET, names=NAMES, neighbours=[neighbour(3, 0.5, fans=12, fans_mean=8.44)])
    assert ranked[0].reasons == (
        Reason("members", "members who scored Cowboy Bebop highly gave it 8.4 on average (12 members)"),
    )


def test_members_reason_falls_back_to_overlap_with_too_few_fans():
    few_fans = neighbour(3, 0.5, overlap=7, fans=2, fans_mean=9.0)
    ranked = rank_related(TARGET, names=NAMES, neighbours=[few_fans])
    assert ranked[0].reasons[0].text == "members who scored both rate them alike (7 members)"


def test_dissimilar_neighbours_are_left_out():
    ranked = rank_related(TARGET, names=NAMES, neighbours=[neighbour(3, -0.4), neighbour(4, 0.0)])
    assert ranked == []


def test_tags_reason_lists_shared_tags_in_the_targets_order():
    tags = {
        1: ["Space", "Western", "Jazz", "Noir", "Bounty"],
        5: ["bounty", "jazz", "noir", "space"],
        6: ["Music"],
    }
    ranked = rank_related(TARGET, names=NAMES, tags=tags)
    assert [r.title_id for r in ranked] == [5]
    assert ranked[0].score == pytest.approx(TAGS * 4 / 5)
    assert ranked[0].reasons == (Reason("tags", "shares the tags Space, Jazz, Noir and 1 more"),)


def test_one_shared_tag_reads_in_the_singular():
    ranked = rank_related(TARGET, names=NAMES, tags={1: ["Space", "Western"], 4: ["Space", "Mecha"]})
    assert ranked[0].reasons[0].text == "shares the tag Space"


def test_the_target_never_ranks_itself():
    ranked = rank_related(TARGET, names=NAMES, edges=[edge(1, 1)], neighbours=[neighbour(1, 0.9)], tags={1: ["Space"]})
    assert ranked == []


def test_equal_scores_break_ties_on_title_id():
    ranked = rank_related(TARGET, names=NAMES, edges=[edge(1, 5), edge(1, 3), edge(1, 4)])
    assert [r.title_id for r in ranked] == [3, 4, 5]


def test_at_most_ten_results():
    names = {i: f"Show {i}" for i in range(1, 40)}
    ranked = rank_related(TARGET, names=names, neighbours=[neighbour(i, i / 100) for i in range(2, 40)])
    assert len(ranked) == 10
    assert ranked[0].title_id == 39 and ranked[-1].title_id == 30


def test_signals_combine_into_one_entry_with_every_reason():
    ranked = rank_related(
        TARGET,
        names=NAMES,
        edges=[edge(1, 2)],
        neighbours=[neighbour(2, 0.3, fans=4, fans_mean=9.0)],
        tags={1: ["Samurai"], 2: ["Samurai"]},
    )
    assert len(ranked) == 1
    assert ranked[0].score == pytest.approx(REVIEW_OUT + 0.3 * MEMBERS + TAGS)
    assert [reason.kind for reason in ranked[0].reasons] == ["review", "members", "tags"]


def test_jaccard_is_case_insensitive_and_zero_for_empty_sets():
    assert jaccard(["Space", "Jazz"], ["space", "Mecha"]) == pytest.approx(1 / 3)
    assert jaccard([], []) == 0.0
