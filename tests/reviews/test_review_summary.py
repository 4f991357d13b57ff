"""bot/reviews/summary.py: TL;DR, aspect lines, pros and cons, verdict; short, extractive, spoiler-free."""

from __future__ import annotations

from bot.reviews.summary import MAX_PROS, PRO_CON_MAX, TLDR_MAX_CHARS, summarize

REVIEW = """Kaguya Days is a romantic comedy about two students who refuse to confess first.

The writing is clever and the jokes land almost every time. The two leads are charming, and their chemistry is
wonderful. ||In the finale Kaguya finally confesses on the rooftop.|| The side characters are memorable too.

The animation is fluid and colourful, but some backgrounds look cheap. The soundtrack is catchy and the
opening is fantastic. The pacing drags in the middle, with a few filler episodes that feel repetitive.

Is it worth watching? Yes: I recommend it to anyone who enjoys a smart comedy.

Score: 8/10
"""


def test_tldr_is_at_most_three_sentences_within_the_budget() -> None:
    """The TL;DR holds one to three of the review's sentences within 350 characters."""
    summary = summarize(REVIEW)
    assert 1 <= len(summary.tldr) <= 3
    assert len(" ".join(summary.tldr)) <= TLDR_MAX_CHARS
    flat = " ".join(REVIEW.split())
    assert all(sentence in flat for sentence in summary.tldr)


def test_spoiler_sentences_never_reach_the_summary() -> None:
    """Nothing from inside the spoiler bars appears in any summary string."""
    summary = summarize(REVIEW)
    strings = [*summary.tldr, *summary.pros, *summary.cons, summary.verdict or ""]
    strings += [line.sentence for line in summary.aspects]
    assert not any("rooftop" in s or "confesses" in s for s in strings)


def test_pros_and_cons_come_from_the_reviews_clauses() -> None:
    """Praise becomes pros and criticism cons, trimmed to whole clauses."""
    summary = summarize(REVIEW)
    assert 1 <= len(summary.pros) <= MAX_PROS and 1 <= len(summary.cons) <= MAX_PROS
    assert "The soundtrack is catchy and the opening is fantastic." in summary.pros
    assert "Some backgrounds look cheap." in summary.cons
    assert all(len(p) <= PRO_CON_MAX for p in (*summary.pros, *summary.cons))


def test_verdict_is_the_answer_not_the_question() -> None:
    """The verdict states whether to watch; the question itself is skipped."""
    assert summarize(REVIEW).verdict == "Yes: I recommend it to anyone who enjoys a smart comedy."


def test_aspect_lines_follow_the_review() -> None:
    """Each aspect gets the polarity the review gives it."""
    aspects = {line.aspect: line.polarity for line in summarize(REVIEW).aspects}
    assert aspects["characters"] == "positive"
    assert aspects["music"] == "positive"
    assert aspects["pacing"] == "negative"
    assert aspects["animation"] == "mixed"


def test_summary_is_deterministic() -> None:
    """The same review always gives the same summary."""
    assert summarize(REVIEW) == summarize(REVIEW)


def test_one_giant_sentence_is_clipped_at_a_word() -> None:
    """A 50,000-character sentence gives a TL;DR within budget ending in an ellipsis."""
    giant = "the story is great and " * 2200
    summary = summarize(giant)
    assert len(summary.tldr) == 1
    assert len(summary.tldr[0]) <= TLDR_MAX_CHARS and summary.tldr[0].endswith("…")
    assert summary.tldr[0][:-1].split()[-1] in {"the", "story", "is", "great", "and"}


def test_a_very_long_review_is_summarised_from_its_opening_and_closing() -> None:
    """A 200 KB review keeps its intro and verdict; the middle is skipped, the score line still left out."""
    middle = "The middle episodes are fine and the side plots are fine too.\n" * 3200
    text = f"The story is brilliant and moving.\n\n{middle}\nIs it worth watching? Yes, watch it.\n9/10"
    score_at = text.index("9/10")
    summary = summarize(text, skip_spans=((score_at, score_at + 4),))
    assert summary.verdict == "Yes, watch it."
    assert "The story is brilliant and moving." in summary.tldr
    assert not any("9/10" in s for s in (*summary.tldr, *summary.pros, *summary.cons))
