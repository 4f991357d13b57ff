"""The data behind /compare: co-rater figures, review links, shared tags and studios, typed errors."""

from __future__ import annotations

import pytest

from bot.catalog.models import Title
from bot.comparisons.compare import Side, co_raters, compare_titles, shared, side
from bot.comparisons.graph import ComparisonEdge
from bot.errors import InvalidInput, NotFound
from bot.scores.stats import Aggregate

BEBOP = Title(1, "Cowboy Bebop", studios=("Sunrise",), tags=("Space", "Noir", "Jazz"))
CHAMPLOO = Title(2, "Samurai Champloo", studios=("Manglobe",), tags=("Samurai", "jazz", "Hip-hop"))
DANDY = Title(3, "Space Dandy", studios=("Bones", "sunrise"))
KON = Title(4, "K-On!", studios=("Kyoto Animation",))


def test_co_raters_count_mean_difference_and_preferences():
    figures = co_raters([(8, 6), (7, 7), (5, 9), (10, 4)])
    assert figures is not None
    assert (figures.count, figures.first_preferred, figures.second_preferred, figures.ties) == (4, 2, 1, 1)
    assert figures.mean_difference == pytest.approx((2 + 0 - 4 + 6) / 4)


def test_no_co_raters_gives_none():
    assert co_raters([]) is None


def test_shared_names_keep_the_first_titles_order_and_spelling():
    assert shared(["Space", "Jazz", "jazz"], ["JAZZ", "space"]) == ("Space", "Jazz")


def test_side_computes_the_weighted_rating_from_the_aggregate():
    made = side(BEBOP, aggregate=Aggregate.of([8, 9, 10]), server_mean=6.0, m=3)
    assert made.weighted == pytest.approx(3 / 6 * 9 + 3 / 6 * 6)
    assert side(BEBOP).weighted is None


def test_compare_collects_pairs_links_tags_and_studios():
    edges = [
        ComparisonEdge(9, 50, 2, 1, "Champloo feels like Bebop with swords."),
        ComparisonEdge(9, 51, 1, 2, "Bebop paved the way for Champloo.", kind="studio_credit"),
        ComparisonEdge(9, 52, 1, 3, "Unrelated edge."),
    ]
    result = compare_titles(Side(BEBOP), Side(CHAMPLOO), pairs=[(9, 7), (6, 8)], edges=edges)
    assert result.co_raters is not None and result.co_raters.count == 2
    assert [e.review_id for e in result.comparisons] == [50]
    assert result.shared_tags == ("Jazz",)
    assert result.shared_studios == ()
    assert compare_titles(Side(BEBOP), Side(DANDY)).shared_studios == ("Sunrise",)


def test_comparing_a_title_with_itself_is_invalid_input():
    with pytest.raises(InvalidInput, match="two different titles"):
        compare_titles(Side(BEBOP), Side(BEBOP))


def test_two_titles_with_nothing_in_common_is_not_found():
    with pytest.raises(NotFound, match="Nothing to compare"):
        compare_titles(Side(BEBOP), Side(KON))


def test_scores_on_both_sides_are_enough_to_compare():
    result = compare_titles(Side(BEBOP, official_score="9/10"), Side(KON, aggregate=Aggregate.of([7])))
    assert result.co_raters is None and result.comparisons == ()


def test_scores_on_one_side_only_are_not_enough():
    with pytest.raises(NotFound):
        compare_titles(Side(BEBOP, official_score="9/10"), Side(KON))
