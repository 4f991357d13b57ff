"""bot/reviews/score.py: the verdict score in every form, normalised, incidental numbers ignored."""

from __future__ import annotations

import pytest

from bot.reviews.score import LETTER_GRADES, find_score


@pytest.mark.parametrize(
    ("text", "value", "raw", "form"),
    [
        ("Great show.\n\nScore: 7/10", 7.0, "7/10", "fraction"),
        ("Rating: 8.5/10", 8.5, "8.5/10", "fraction"),
        ("I liked it.\nRating: 4/5", 8.0, "4/5", "fraction"),
        ("Final verdict: 4 out of 5 stars", 8.0, "4 out of 5 stars", "out_of"),
        ("A fine watch.\n\n★★★★☆", 8.0, "★★★★☆", "stars"),
        ("Verdict: ★★★½☆", 7.0, "★★★½☆", "stars"),
        ("Final score: 85/100", 8.5, "85/100", "fraction"),
        ("Final score: 85%", 8.5, "85%", "percent"),
        ("Grade: B+", 8.5, "B+", "letter"),
        ("**Score:** 6,5/10", 6.5, "6,5/10", "fraction"),
        ("I'd give it a solid 7/10 and move on to the next show of the season.", 7.0, "7/10", "fraction"),
        ("Overall: 16/20", 8.0, "16/20", "fraction"),
    ],
)
def test_every_score_form_is_found_and_normalised(text: str, value: float, raw: str, form: str) -> None:
    """Each documented form yields its 0–10 value, its raw text and its span."""
    score = find_score(text)
    assert score is not None
    assert (score.value, score.raw, score.form) == (value, raw, form)
    assert text[score.start : score.end] == raw


@pytest.mark.parametrize(
    "text",
    [
        "By episode 3/12 I was hooked, and episode 5/10 is the best.",
        "It aired around 9/11 and people watch it 24/7.",
        "It premiered on 10/04/2023 in Japan.",
        "About 1/2 of the cast dies, and 3/5 of the episodes are filler.",
        "Roughly 90% of the runtime is talking.",
        "Overall: A solid show with a great cast.",
        "Inside the spoiler: ||Score: 2/10 for the villain's plan||, but the show is fine.",
        "",
    ],
)
def test_incidental_numbers_are_not_scores(text: str) -> None:
    """Episode counts, dates, 9/11, 24/7, fractions of things and letters in prose are ignored."""
    assert find_score(text) is None


def test_labelled_overall_score_beats_section_scores_and_prose_fractions() -> None:
    """The Overall line wins over per-section lines and a fraction mentioned in prose."""
    text = "I'd call the first half a 6/10.\nStory: 8/10\nArt: 9/10\nOverall: 8/10\nSound: 7/10\n\nThanks for reading!"
    score = find_score(text)
    assert score is not None and score.value == 8.0
    assert text[score.start - 9 : score.end] == "Overall: 8/10"


def test_a_score_on_the_last_line_beats_one_in_prose() -> None:
    """A bare score on one of the last lines is the verdict."""
    text = "The middle part felt like a 5/10 to me, honestly, but then it picks up.\n\nIt ends well.\n8/10"
    score = find_score(text)
    assert score is not None and score.raw == "8/10"


def test_letter_grade_table_is_ordered() -> None:
    """Better grades never map below worse ones."""
    order = ["A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "E", "F"]
    values = [LETTER_GRADES[g] for g in order]
    assert values == sorted(values, reverse=True)
    assert LETTER_GRADES["A+"] == 10.0 and LETTER_GRADES["F"] == 2.0


def test_scores_above_the_scale_are_capped() -> None:
    """An enthusiastic 11/10 counts as 10."""
    score = find_score("Score: 11/10")
    assert score is not None and score.value == 10.0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The series is a 9.8/10 for me, even though the movie gets an 8/10.", 9.8),
        ("The movie gets an 8/10 from me.\n\nAs for the series: 9.8/10", 9.8),
        ("Season 1 alone is a 9/10.\n\nA great show, flaws and all.\n\nOverall: 8/10", 8.0),
        ("I loved it. 7/10, though the first season would get a 9/10.", 7.0),
        ("Great show.\nAnimation: 9/10\nStory - 6/10\n\nI'd give it a 7/10.", 7.0),
    ],
)
def test_a_score_for_another_work_part_or_aspect_is_not_the_verdict(text: str, value: float) -> None:
    """ "the movie gets an 8/10", "Season 1 is a 9/10" and "Animation: 9/10" lose to the show's own score."""
    score = find_score(text)
    assert score is not None and score.value == value


def test_aspect_scores_alone_give_no_verdict_score() -> None:
    """A review scoring only its aspects has no overall score: none is invented from an aspect's."""
    assert find_score("Lovely show.\n\nStory: 8/10\nArt: 9/10\nMusic: 7/10\nThanks!") is None


def test_a_score_for_another_work_is_taken_when_it_is_the_only_one() -> None:
    """A film review saying "the movie gets an 8/10" still has its score."""
    score = find_score("I went in blind and loved it. The movie gets an 8/10 from me.")
    assert score is not None and score.value == 8.0
