"""The comparison graph helpers: both directions, studio credits kept apart, removed edges hidden."""

from __future__ import annotations

from bot.comparisons.graph import ComparisonEdge, comparisons_between, comparisons_of, studio_credits_of

EDGES = [
    ComparisonEdge(9, 20, 2, 1, "Two borrows from One."),
    ComparisonEdge(9, 10, 1, 2, "One is like Two."),
    ComparisonEdge(9, 10, 1, 3, "From the studio of Three.", kind="studio_credit"),
    ComparisonEdge(9, 10, 1, 4, "One is like Four.", removed=True),
    ComparisonEdge(9, 30, 5, 6, "Five is like Six."),
]


def test_comparisons_of_a_title_run_both_ways_its_own_review_first():
    found = comparisons_of(1, EDGES)
    assert [(e.title_id, e.other_title_id) for e in found] == [(1, 2), (2, 1)]
    assert [e.other_end(1) for e in found] == [2, 2]


def test_comparisons_between_two_titles_ignore_other_pairs():
    assert [e.review_id for e in comparisons_between(2, 1, EDGES)] == [20, 10]
    assert comparisons_between(1, 4, EDGES) == []


def test_studio_credits_are_listed_apart_from_comparisons():
    assert [e.other_title_id for e in studio_credits_of(1, EDGES)] == [3]
    assert all(e.kind == "comparison" for e in comparisons_of(1, EDGES))
