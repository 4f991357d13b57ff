"""bot/reviews/aspects.py: aspects by heading and keyword, polarity with negation and contrast."""

from __future__ import annotations

from bot.reviews.aspects import aspect_lines, heading_aspect, read_clauses, sentiment
from bot.text import split_sentences


def lines_for(text: str) -> dict[str, str]:
    readings = []
    headed = set()
    section = None
    for sentence in split_sentences(text):
        is_heading, aspect = heading_aspect(sentence.text)
        if is_heading:
            section = aspect
            if aspect:
                headed.add(aspect)
            continue
        readings += read_clauses(sentence, section)
    return {line.aspect: line.polarity for line in aspect_lines(readings, headed)}


def test_contrast_credits_each_aspect_with_its_own_clause() -> None:
    """ "gorgeous animation, but a weak story" is positive animation and negative story."""
    assert lines_for("The animation is gorgeous, but the story is weak.") == {
        "animation": "positive",
        "story": "negative",
    }


def test_negation_flips_sentiment() -> None:
    """ "not good" is negative and "never boring" leans positive."""
    assert sentiment(["the", "story", "is", "not", "good"]) == (0.0, 1.0)
    positive, negative = sentiment(["it", "is", "never", "boring"])
    assert positive > negative


def test_balanced_praise_and_criticism_is_mixed() -> None:
    """As much good as bad about one aspect reads as mixed."""
    text = "The characters are likeable. The characters are also flat."
    assert lines_for(text) == {"characters": "mixed"}


def test_heading_sections_assign_their_aspect() -> None:
    """Sentences under "Sound" are about music even without a music keyword."""
    text = "**Sound**\nIt is excellent and haunting.\n\n## Pacing\nIt drags badly and feels slow."
    assert lines_for(text) == {"music": "positive", "pacing": "negative"}


def test_heading_detection_accepts_markdown_and_section_scores() -> None:
    """ "## Story", "**Characters**" and "Art: 9/10" are headings; prose is not."""
    assert heading_aspect("## Story") == (True, "story")
    assert heading_aspect("**Characters**") == (True, "characters")
    assert heading_aspect("Art: 9/10") == (True, "animation")
    assert heading_aspect("Overall") == (True, None)
    assert heading_aspect("The story is good.") == (False, None)


def test_aspects_without_sentiment_are_left_out() -> None:
    """Naming the soundtrack without judging it is not a music verdict."""
    assert lines_for("The soundtrack was composed by Evan Call.") == {}


def test_representative_sentence_matches_the_polarity() -> None:
    """The line for a positive aspect quotes praise, not the criticism."""
    text = "The art is stunning and detailed. The art is a bit stiff in one scene. The art is gorgeous overall."
    readings = [r for s in split_sentences(text) for r in read_clauses(s, None)]
    [line] = aspect_lines(readings)
    assert line.polarity == "positive"
    assert line.sentence in {"The art is stunning and detailed.", "The art is gorgeous overall."}
