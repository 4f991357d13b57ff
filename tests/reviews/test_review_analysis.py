"""bot/reviews/analysis.py: InvalidInput when there is nothing to read, else a best-effort analysis."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog.index import CatalogIndex
from bot.catalog.models import Mention
from bot.errors import InvalidInput
from bot.reviews.analysis import ReviewAnalysis, understand_review
from bot.reviews.score import find_score
from bot.reviews.summary import ASPECT_SENTENCE_MAX, PRO_CON_MAX, TLDR_MAX_CHARS, VERDICT_MAX
from bot.text import is_balanced, plain, sanitize


class NoTitles:
    def find_mentions(self, text: str) -> list[Mention]:
        return []


class BrokenFinder:
    def find_mentions(self, text: str) -> list[Mention]:
        raise RuntimeError("index not loaded")


def output_strings(analysis: ReviewAnalysis) -> list[tuple[str, int]]:
    """Every string the analysis offers for display, with its stated maximum length."""
    summary = analysis.summary
    strings = [(s, TLDR_MAX_CHARS) for s in summary.tldr]
    strings += [(s, PRO_CON_MAX) for s in (*summary.pros, *summary.cons)]
    strings += [(line.sentence, ASPECT_SENTENCE_MAX) for line in summary.aspects]
    strings += [(ref.sentence, 300) for ref in analysis.comparisons]
    if summary.verdict:
        strings.append((summary.verdict, VERDICT_MAX))
    return strings


def assert_valid(analysis: ReviewAnalysis) -> None:
    summary = analysis.summary
    assert len(summary.tldr) <= 3 and len(" ".join(summary.tldr)) <= TLDR_MAX_CHARS
    assert len(summary.pros) <= 4 and len(summary.cons) <= 4
    # Words come from the review as written or as shown once markdown is removed.
    source = analysis.text + " " + plain(analysis.text)
    source_words = set(re.findall(r"[^\W_]+", source.casefold()))
    for string, limit in output_strings(analysis):
        assert len(string) <= limit
        assert is_balanced(string)
        words = re.findall(r"[^\W_]+", string.casefold())
        if string.endswith("…") and words:
            words.pop()
        assert set(words) <= source_words, string  # no word was cut into a non-word
    if analysis.score:
        assert 0 <= analysis.score.value <= 10 and round(analysis.score.value, 1) == analysis.score.value


@pytest.mark.parametrize("text", ["", "   \n\t ", "1234 5678 !!!", "😀😀😀🔥", "|| ||", "<@123> <@&45>"])
def test_text_without_words_is_refused_with_a_friendly_message(text: str) -> None:
    """Empty, blank, number-only, emoji-only and mention-only text raise InvalidInput, not a traceback."""
    with pytest.raises(InvalidInput) as caught:
        understand_review(text, finder=NoTitles(), reviewed_title_id=None)
    assert str(caught.value)[0].isupper() and "review" in str(caught.value)


def test_text_with_no_sentence_breaks_gets_a_best_effort_summary() -> None:
    """One word or a line with no punctuation still gives a TL;DR and a warning for the missing score."""
    analysis = understand_review("great", finder=NoTitles(), reviewed_title_id=None)
    assert analysis.summary.tldr == ("great",)
    assert analysis.score is None and any("No score" in w for w in analysis.warnings)


def test_a_50000_character_sentence_is_summarised(sample_index: CatalogIndex) -> None:
    """A single giant sentence gives a clipped TL;DR and a long-review warning."""
    text = "the animation is gorgeous and the story is weak " * 1050
    analysis = understand_review(text, finder=sample_index, reviewed_title_id=None)
    assert_valid(analysis)
    assert analysis.summary.tldr and analysis.summary.tldr[0].endswith("…")
    assert any("long" in w for w in analysis.warnings)


def test_mentions_markdown_and_zalgo_are_neutralised(sample_index: CatalogIndex) -> None:
    """@everyone, role and user mentions, zalgo and markdown never reach the output as they were."""
    text = (
        "@everyone @here <@&1234> look!!! # The st\u0301\u0302\u0303\u0304\u0305ory is **great** and "
        "[click](https://evil.example) the music is `fantastic`.\n> The pacing is slow.\nScore: 7/10"
    )
    analysis = understand_review(text, finder=sample_index, reviewed_title_id=None)
    assert_valid(analysis)
    everything = " ".join(s for s, _ in output_strings(analysis)) + analysis.text
    assert "@everyone" not in everything and "@here" not in everything and "<@&" not in everything
    assert not re.search("[\u0300-\u036f]{3,}", everything)
    assert not any("**" in s or "](" in s or "`" in s for s, _ in output_strings(analysis))
    assert analysis.score is not None and analysis.score.value == 7.0


def test_a_failing_finder_costs_only_the_titles() -> None:
    """A broken catalog index leaves score and summary intact and says what was lost."""
    analysis = understand_review("The story is great. Score: 8/10", finder=BrokenFinder(), reviewed_title_id=None)
    assert analysis.score is not None and analysis.summary.tldr
    assert analysis.comparisons == () and any("title mentions" in w for w in analysis.warnings)


def test_unclosed_spoiler_is_warned_about_and_never_leaks(sample_index: CatalogIndex) -> None:
    """An unpaired || is reported and no output string holds an odd number of bars."""
    text = "The show is great. ||The hero dies at the end and it is sad. Score: 8/10"
    analysis = understand_review(text, finder=sample_index, reviewed_title_id=None)
    assert_valid(analysis)
    assert any("never closed" in w for w in analysis.warnings)


_REVIEWISH = st.lists(
    st.sampled_from(
        [
            "The story is great", "but the animation is stiff", ". ", "! ", "\n", "\n\n", "||", "Score: 7/10",
            "★★★★☆", "@everyone", "<@&12>", "**Story**\n", "## Art\n", "z\u0301\u0302\u0303\u0304", "😀",
            "fans of Death Parada", "a bit of Gundam", "episode 3/12", "85%", "Is it worth watching? Yes",
            "x" * 400, " ", "not bad", "Grade: B+", "\u202e", "\x00", "Evangelon", "_", "*", "`",
        ]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(_REVIEWISH, st.text(max_size=400)))
def test_any_text_gives_invalid_input_or_a_valid_analysis(text: str, sample_index: CatalogIndex) -> None:
    """For any text: InvalidInput, or an analysis whose strings are balanced, whole-word and within limits."""
    try:
        analysis = understand_review(text, finder=sample_index, reviewed_title_id=None)
    except InvalidInput as refused:
        without_mentions = re.sub(r"<(?:@[!&]?|#)\d+>|@everyone|@here", "", text)
        # Refused only when there are no words, or nothing but a score and its label ("Score: 7/10").
        only_a_score = "only a score" in str(refused) and find_score(sanitize(text)) is not None
        assert only_a_score or not any(c.isalpha() for c in without_mentions)
        return
    assert_valid(analysis)


@pytest.mark.parametrize("text", ["8/10", "Score: 9/10", "⭐⭐⭐⭐⭐", "🔥🔥🔥 💯", "10/10 🔥"])
def test_a_review_of_only_a_score_or_emoji_is_refused(text: str) -> None:
    """Nothing but a score or emoji: a typed refusal asking for the review itself."""
    with pytest.raises(InvalidInput):
        understand_review(text, finder=NoTitles(), reviewed_title_id=None)


def test_a_review_of_only_spoilers_gives_a_valid_analysis_that_shows_none(sample_index: CatalogIndex) -> None:
    """Every sentence hidden: the analysis is valid and no spoiler text reaches a field."""
    text = "||Everyone dies in the last episode and the hero was the villain all along.||"
    analysis = understand_review(text, finder=sample_index, reviewed_title_id=None)
    assert_valid(analysis)
    assert not any("dies" in string or "villain" in string for string, _ in output_strings(analysis))


def test_twelve_thousand_characters_of_one_word_give_a_valid_analysis(sample_index: CatalogIndex) -> None:
    """One word repeated to 12,000 characters: valid, clipped, and quick to understand."""
    text = ("great " * 2000)[:12_000]
    analysis = understand_review(text, finder=sample_index, reviewed_title_id=None)
    assert_valid(analysis)
    assert analysis.summary.tldr


def test_a_review_in_mixed_languages_gives_a_valid_analysis(sample_index: CatalogIndex) -> None:
    """English, Japanese and Spanish in one review: valid output, the English judgements understood."""
    text = (
        "フリーレンは素晴らしい作品です。 The animation is gorgeous and the music is excellent.\n\n"
        "La historia es lenta, pero muy bonita. The pacing is slow in the middle.\n\n"
        "I recommend it to everyone. 9/10"
    )
    analysis = understand_review(text, finder=sample_index, reviewed_title_id=24)
    assert_valid(analysis)
    assert analysis.score is not None and analysis.score.value == 9.0
    assert {line.aspect: line.polarity for line in analysis.summary.aspects}["music"] == "positive"
    assert analysis.summary.verdict == "I recommend it to everyone."
