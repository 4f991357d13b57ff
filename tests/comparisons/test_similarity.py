"""Adjusted-cosine similarity of member scores on small hand-built data with known answers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.comparisons.corating import MemberRatings, co_rating_sums, neighbours, reference_co_rating_sums
from bot.comparisons.similarity import CoRatingSums, neighbours_from_sums, shrink

T, A, B, C = 1, 2, 3, 4

# Four members who scored the target T, plus one who did not.
#   u1: T=9 A=9 B=3  mean 7  deviations T+2 A+2 B-4
#   u2: T=8 A=6 B=4  mean 6  deviations T+2 A 0 B-2
#   u3: T=2 A=4 B=6  mean 4  deviations T-2 A 0 B+2
#   u4: T=5 A=3 B=7  mean 5  deviations T 0 A-2 B+2
#   u5:      A=5 C=5         (never scored T: ignored)
# sim(T,A) = (2·2 + 2·0 + -2·0 + 0·-2) / sqrt((4+4+4+0)·(4+0+0+4)) = 4/sqrt(96)    ≈ 0.408248
# sim(T,B) = (2·-4 + 2·-2 + -2·2 + 0·2) / sqrt(12·(16+4+4+4))      = -16/sqrt(336) ≈ -0.872872
# shrunk with n=4, λ=10: × 4/14.  Fans of T (scored it 8+): u1, u2 -> A: (9+6)/2 = 7.5, B: 3.5.
ROWS = [
    (11, T, 9), (11, A, 9), (11, B, 3),
    (12, T, 8), (12, A, 6), (12, B, 4),
    (13, T, 2), (13, A, 4), (13, B, 6),
    (14, T, 5), (14, A, 3), (14, B, 7),
    (15, A, 5), (15, C, 5),
]  # fmt: skip


def by_title(found):
    return {n.title_id: n for n in found}


def test_adjusted_cosine_matches_the_hand_computed_values():
    found = by_title(neighbours(T, MemberRatings.from_rows(ROWS)))
    assert found[A].raw_similarity == pytest.approx(4 / math.sqrt(96))
    assert found[B].raw_similarity == pytest.approx(-16 / math.sqrt(336))
    assert found[A].similarity == pytest.approx(4 / math.sqrt(96) * 4 / 14)
    assert found[A].overlap == 4 and found[B].overlap == 4


def test_neighbours_are_ordered_most_similar_first_and_skip_the_target():
    found = neighbours(T, MemberRatings.from_rows(ROWS))
    assert [n.title_id for n in found] == [A, B]


def test_a_title_only_scored_by_members_who_skipped_the_target_is_not_a_neighbour():
    assert C not in by_title(neighbours(T, MemberRatings.from_rows(ROWS)))


def test_fans_figure_is_the_mean_score_of_members_who_scored_the_target_highly():
    found = by_title(neighbours(T, MemberRatings.from_rows(ROWS)))
    assert (found[A].fans, found[A].fans_mean) == (2, 7.5)
    assert found[A].fans_text == "gave it 7.5 on average (2 members)"
    assert found[B].fans_mean == 3.5


def test_pairs_below_the_minimum_overlap_get_no_similarity():
    ratings = MemberRatings.from_rows(ROWS)
    assert neighbours(T, ratings, min_overlap=5) == []
    assert {n.title_id for n in neighbours(T, ratings, min_overlap=4)} == {A, B}


def test_two_co_raters_are_below_the_default_minimum_overlap():
    rows = [(1, T, 9), (1, A, 9), (1, B, 1), (2, T, 2), (2, A, 2), (2, B, 8)]
    assert neighbours(T, MemberRatings.from_rows(rows)) == []


def test_shrinkage_pulls_small_overlaps_toward_zero():
    assert shrink(1.0, 3) == pytest.approx(3 / 13)
    assert shrink(1.0, 90) == pytest.approx(0.9)
    assert shrink(-0.5, 10, shrinkage=0) == -0.5


def test_members_who_score_everything_alike_add_nothing():
    # u1 gives 7 to all: deviations are all zero, so only u2..u4 shape sim(T,A) = +1.
    rows = [(1, T, 7), (1, A, 7), (1, B, 7)]
    rows += [(2, T, 9), (2, A, 9), (2, B, 3), (3, T, 3), (3, A, 3), (3, B, 9)]
    rows += [(4, T, 8), (4, A, 8), (4, B, 2)]
    found = by_title(neighbours(T, MemberRatings.from_rows(rows)))
    assert found[A].raw_similarity == pytest.approx(1.0)
    assert found[B].raw_similarity == pytest.approx(-1.0)
    assert found[A].overlap == 4


def test_no_spread_at_all_gives_zero_similarity_rather_than_an_error():
    rows = [(u, t, 6) for u in (1, 2, 3) for t in (T, A)]
    assert by_title(neighbours(T, MemberRatings.from_rows(rows)))[A].raw_similarity == 0.0


def test_equal_similarities_break_ties_on_title_id_after_the_stronger_title():
    # Titles 5 and 6 are scored identically (a tie); 7 agrees with T over one more co-rater, so
    # its shrinkage is milder and it comes first.
    rows = []
    for user, (t, x) in enumerate([(9, 9), (2, 2), (8, 8)], start=1):
        rows += [(user, T, t), (user, 6, x), (user, 5, x), (user, 7, x), (user, 99, 5)]
    rows += [(4, T, 3), (4, 7, 3), (4, 99, 5)]
    found = neighbours(T, MemberRatings.from_rows(rows))
    assert [n.title_id for n in found][:3] == [7, 5, 6]
    assert found[1].similarity == found[2].similarity


def test_rows_in_any_order_build_the_same_ratings_member_by_member():
    shuffled = MemberRatings.from_rows(reversed(ROWS))
    ordered = MemberRatings.from_rows(ROWS)
    assert neighbours(T, shuffled) == neighbours(T, ordered)
    assert ordered.members == 5 and len(ordered) == len(ROWS)
    assert ordered.user_ids.tolist() == [11, 12, 13, 14, 15]
    assert ordered.member(4) == ([A, C], [5, 5])


def test_limit_keeps_only_the_best():
    assert [n.title_id for n in neighbours(T, MemberRatings.from_rows(ROWS), limit=1)] == [A]


def test_co_rating_sums_hold_the_hand_computed_deviations():
    """A: dot 4, target squares 12, own squares 8 over 4 co-raters; fans u1 and u2 gave A 9 + 6."""
    sums = {s.title_id: s for s in co_rating_sums(T, MemberRatings.from_rows(ROWS))}
    assert set(sums) == {A, B}  # C shares no rater with T
    a = sums[A]
    assert (a.overlap, a.dot, a.target_sq, a.own_sq, a.fans, a.fans_total) == (4, 4.0, 12.0, 8.0, 2, 15)


def test_neighbours_from_sums_leave_out_thin_overlaps_and_shrink_the_rest():
    """The same answer as from the ratings; a title under min_overlap co-raters is not a neighbour."""
    sums = co_rating_sums(T, MemberRatings.from_rows(ROWS))
    assert neighbours_from_sums(sums) == neighbours(T, MemberRatings.from_rows(ROWS))
    thin = CoRatingSums(C, 2, 4.0, 4.0, 4.0, 0, 0)
    assert C not in by_title(neighbours_from_sums([*sums, thin]))
    found = by_title(neighbours_from_sums(sums))[A]
    assert found.similarity == pytest.approx(shrink(4 / math.sqrt(96), 4)) and found.fans_mean == 7.5


def test_sums_without_spread_give_similarity_zero():
    """Every co-rater at their own mean: no denominator, so no likeness either way."""
    (found,) = neighbours_from_sums([CoRatingSums(A, 5, 0.0, 0.0, 3.0, 0, 0)])
    assert found.raw_similarity == 0.0 and found.fans_mean is None


def test_co_rating_sums_keep_only_titles_with_enough_co_raters():
    assert [s.title_id for s in co_rating_sums(T, MemberRatings.from_rows(ROWS), min_overlap=5)] == []
    assert [s.title_id for s in co_rating_sums(T, MemberRatings.from_rows(ROWS), min_overlap=4)] == [A, B]
    assert co_rating_sums(T, MemberRatings.from_rows([(15, A, 5), (15, C, 5)])) == []
    assert co_rating_sums(T, MemberRatings.from_rows([(11, T, 9)])) == []
    assert co_rating_sums(T, MemberRatings.from_rows([])) == []


# Members with up to 8 scores each over a few titles: small ids, or ids spread over a big catalog
# (the sums are then numbered densely first).
_MEMBER = st.dictionaries(st.integers(1, 12), st.integers(1, 10), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(members=st.lists(_MEMBER, min_size=0, max_size=12), spread=st.sampled_from([1, 1, 997_003]))
def test_co_rating_sums_are_exactly_the_reference_loop(members, spread):
    """The numpy sums equal the plain loop's to the last bit (the same additions, in the same order)."""
    rows = [(user, title * spread, score) for user, scored in enumerate(members) for title, score in scored.items()]
    ratings = MemberRatings.from_rows(rows)
    for target in {title for _, title, _ in rows} | {T * spread}:
        assert co_rating_sums(target, ratings) == reference_co_rating_sums(target, ratings)
