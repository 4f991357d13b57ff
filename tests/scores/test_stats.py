"""The pure statistics behind /score and /top."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.scores.stats import (
    Aggregate,
    check_score,
    format_mean,
    histogram_bars,
    weighted_rating,
)

scores = st.lists(st.integers(min_value=1, max_value=10), min_size=1, max_size=60)


@given(scores)
def test_aggregate_matches_the_statistics_module(values: list[int]) -> None:
    """Mean, median and population stdev agree with Python's statistics on any list of scores."""
    agg = Aggregate.of(values)
    assert agg.count == len(values)
    assert agg.mean == pytest.approx(statistics.fmean(values))
    assert agg.median == statistics.median(values)
    assert agg.stdev == pytest.approx(statistics.pstdev(values), abs=1e-9)
    assert sum(agg.histogram) == len(values)


@given(scores, st.integers(min_value=1, max_value=10))
def test_replace_is_the_same_as_never_having_given_the_old_score(values: list[int], new: int) -> None:
    """Re-scoring replaces the old vote; the result equals the aggregate built with the new vote."""
    old = values[0]
    assert Aggregate.of(values).replace(old, new) == Aggregate.of([new, *values[1:]])


def test_remove_undoes_apply() -> None:
    """Removing a vote just added gives back the aggregate before it."""
    before = Aggregate.of([3, 9, 9])
    assert before.apply(7).remove(7) == before


def test_removing_a_score_nobody_gave_is_refused() -> None:
    """An aggregate never goes negative."""
    with pytest.raises(ValueError):
        Aggregate.of([5]).remove(6)


@pytest.mark.parametrize("bad", [0, 11, -1, 7.5, "7", True, None])
def test_scores_outside_one_to_ten_or_not_whole_are_refused(bad: object) -> None:
    """Only whole numbers 1..10 are scores."""
    with pytest.raises(ValueError):
        check_score(bad)


def test_empty_aggregate_has_no_mean_median_or_stdev() -> None:
    """A title nobody scored shows dashes, not zeros."""
    agg = Aggregate()
    assert (agg.mean, agg.median, agg.stdev) == (None, None, None)
    assert format_mean(agg.mean) == "—"


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_votes() -> None:
    """[2, 4, 9, 10] has median 6.5."""
    assert Aggregate.of([10, 2, 9, 4]).median == 6.5


def test_mean_is_shown_with_two_decimals() -> None:
    """7 + 8 + 8 = 23 / 3 shows as 7.67."""
    assert format_mean(Aggregate.of([7, 8, 8]).mean) == "7.67"


def test_weighted_rating_follows_the_issue_formula() -> None:
    """WR = v/(v+m)·R + m/(v+m)·C with R=9, v=3, C=6, m=3 is 7.5."""
    assert weighted_rating(9.0, 3, 6.0, 3) == pytest.approx(7.5)
    assert weighted_rating(9.0, 1000, 6.0, 3) == pytest.approx(1000 / 1003 * 9 + 3 / 1003 * 6)


def test_weighted_rating_pulls_few_votes_toward_the_server_mean() -> None:
    """One perfect vote ranks below many near-perfect votes."""
    assert weighted_rating(10.0, 1, 6.0, 3) < weighted_rating(9.0, 50, 6.0, 3)


def test_weighted_rating_with_no_votes_and_no_prior_is_the_server_mean() -> None:
    """No division by zero when v + m is 0."""
    assert weighted_rating(0.0, 0, 6.5, 0) == 6.5


def test_histogram_bars_run_from_ten_to_one_with_counts() -> None:
    """The fullest bucket gets the full width; every line ends with its vote count."""
    hist = [0] * 10
    hist[9], hist[6], hist[0] = 12, 6, 1
    lines = histogram_bars(hist, width=8)
    assert len(lines) == 10
    assert lines[0] == "10 ████████ 12"
    assert lines[3] == " 7 ████     6"
    assert lines[9] == " 1 ▋        1"  # 1/12 of 8 cells is 5.3 eighths
    assert lines[1] == " 9          0"


def test_a_single_vote_among_thousands_still_shows_a_sliver() -> None:
    """A bucket with votes never looks empty."""
    assert histogram_bars([1, 0, 0, 0, 0, 0, 0, 0, 0, 5000])[9].startswith(" 1 ▏")


def test_histogram_bars_fit_a_phone_embed() -> None:
    """With the default width no line is longer than 30 characters."""
    lines = histogram_bars([1000, 2, 3, 4, 5, 6, 7, 8, 9, 99999])
    assert max(len(line) for line in lines) <= 30


def test_histogram_bars_of_no_votes_are_empty_bars() -> None:
    """No votes: every bar is blank and every count is 0."""
    assert all(line.endswith(" 0") and "█" not in line for line in histogram_bars([0] * 10))
