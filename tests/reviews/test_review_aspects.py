"""bot/reviews/aspects.py: aspects by heading and keyword, polarity with negation and contrast."""

from __future__ import annotations

from bot.reviews.aspects import aspect_lines, heading_aspect, names_pattern, read_clauses, sentiment
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


def test_sentiment_counts_for_the_aspect_it_is_said_of() -> None:
    """ "a confusing, hollow show with a great soundtrack": only "great" is about the music."""
    assert lines_for("It is a confusing, hollow show with a great soundtrack.") == {"music": "positive"}


def test_negation_ends_at_punctuation() -> None:
    """ "without warning, is brilliant": the negation does not reach past the comma."""
    assert sentiment(["cuts", "without", "warning", ",", "is", "brilliant"]) == (2.0, 0.0)
    assert sentiment(["not", "bad"]) == (0.5, 0.0)


def test_idioms_and_hedges() -> None:
    """ "pays off" is praise, "hard to follow" a complaint, "mostly good" half praise."""
    assert sentiment(["it", "all", "pays", "off"]) == (1.0, 0.0)
    assert sentiment(["the", "fights", "are", "hard", "to", "follow"]) == (0.0, 1.0)
    assert sentiment(["mostly", "good"]) == (0.5, 0.0)


def test_keywords_in_their_everyday_sense_name_no_aspect() -> None:
    """ "the opening episodes", Ed the character and "make it sound" are not about the music."""
    assert "music" not in lines_for("The opening episodes are brutal and brilliant.")
    assert "music" not in lines_for("Spike, Jet, Faye, Ed and Ein are a wonderful found family.")
    assert "music" not in lines_for("The arguments make it sound worse than it is, but it is great.")


def test_a_judging_keyword_does_not_carry_into_the_next_clause() -> None:
    """ "the ending is rushed, but the last minutes are beautiful": the praise is not about pacing."""
    found = lines_for("The finale is rushed, but the last ten minutes are beautiful.")
    assert found.get("pacing") == "negative"


def test_a_sentence_is_quoted_under_one_aspect_only() -> None:
    """A sentence naming two aspects backs one aspect line, never two."""
    text = (
        "The animation is gorgeous and the music is great. The music is catchy. "
        "The animation is fluid. The story is dull."
    )
    readings = [r for s in split_sentences(text) for r in read_clauses(s, None)]
    quoted = [line.sentence for line in aspect_lines(readings) if line.sentence]
    assert len(quoted) == len(set(quoted))


def test_title_names_carry_no_mood() -> None:
    """ "Perfect Blue" is a title, not praise: with the name masked the sentence is neutral."""
    sentence = split_sentences("It reminds me of Perfect Blue in its story.")[0]
    [reading] = read_clauses(sentence, None, names_pattern(["Perfect Blue"]))
    assert (reading.positive, reading.negative) == (0.0, 0.0)


def test_a_named_character_judged_is_about_the_characters() -> None:
    """ "Denji feels bland" and "Kamina is the best big bro" speak of characters; "The jokes" does not."""
    assert lines_for("The jokes land flat, Denji feels bland.") == {"characters": "negative"}
    assert lines_for("Kamina is the best big bro in anime.") == {"characters": "positive"}
    assert lines_for("Sadly it is bland.") == {}
