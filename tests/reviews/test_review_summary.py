"""bot/reviews/summary.py: TL;DR, aspect lines, pros and cons, verdict; short, extractive, spoiler-free."""

from __future__ import annotations

from bot.reviews.summary import MAX_PROS, PRO_CON_MAX, TLDR_MAX_CHARS, Summary, summarize

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


LONG_REVIEW = """Kaguya Days is a romantic comedy about two students who refuse to confess first.

The writing is clever and the jokes land almost every time. The premise is simple, but the script keeps finding
new angles on it. The two leads are charming, and their chemistry is wonderful. The side characters are memorable
too, and the student council scenes are a joy.

The animation is fluid and colourful, but some backgrounds look cheap. The soundtrack is catchy and the opening is
fantastic. The voice acting is excellent across the board.
The festival episode is gorgeous. The pacing drags in the middle, with a few filler
episodes that feel repetitive. The second cour is slow, and the beach episode is boring. The rival's subplot is
pointless and tedious. A few jokes about the maid are dull.

Is it worth watching? Yes: I recommend it to anyone who enjoys a smart comedy.
"""


def _fields(summary: Summary) -> list[tuple[str, str]]:
    slots = [("tldr", t) for t in summary.tldr] + [("verdict", summary.verdict or "")]
    slots += [(f"aspect {line.aspect}", line.sentence) for line in summary.aspects]
    return slots + [("pro", p) for p in summary.pros] + [("con", c) for c in summary.cons]


def test_pros_and_cons_are_clauses_no_other_field_shows() -> None:
    """Praise becomes pros and criticism cons, trimmed to whole clauses of sentences shown nowhere else."""
    summary = summarize(LONG_REVIEW)
    assert 1 <= len(summary.pros) <= MAX_PROS and 1 <= len(summary.cons) <= MAX_PROS
    assert all(len(p) <= PRO_CON_MAX for p in (*summary.pros, *summary.cons))
    flat = " ".join(LONG_REVIEW.split()).casefold()
    for clause in (*summary.pros, *summary.cons):
        assert clause.rstrip(".").casefold() in flat
    others = [text.casefold() for name, text in _fields(summary) if name not in ("pro", "con")]
    for clause in (*summary.pros, *summary.cons):
        assert not any(clause.rstrip(".").casefold() in other for other in others), clause


def test_no_sentence_is_shown_in_two_fields() -> None:
    """TL;DR, verdict, aspect lines, pros and cons each quote different sentences."""
    fields = [(name, text.casefold().rstrip(".…")) for name, text in _fields(summarize(LONG_REVIEW)) if text]
    for index, (name, text) in enumerate(fields):
        for other_name, other in fields[index + 1 :]:
            assert text not in other and other not in text, (name, other_name)


def test_a_complaint_is_never_a_pro() -> None:
    """A sentence that mostly complains gives no clause to the pros, even a clause with a kind word."""
    text = (
        "The show is a letdown. The music is fine but forgettable, and the songs are bland.\n\n"
        "The story is boring, though the ending is nice enough. The characters are flat and the villain is dull."
    )
    summary = summarize(text)
    assert not any("nice" in pro or "fine" in pro for pro in summary.pros)


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
    shown = [*summary.tldr, *(line.sentence for line in summary.aspects)]
    assert "The story is brilliant and moving." in shown
    assert not any("9/10" in s for s in (*summary.tldr, *summary.pros, *summary.cons))
    texts = [*summary.tldr, *summary.pros, *summary.cons, *(line.sentence for line in summary.aspects)]
    assert len(texts) == len(set(texts))  # a sentence pasted 3,200 times still shows once


def test_the_verdict_never_recommends_something_else() -> None:
    """A fan video, the manga or another show "instead" is not the verdict; the closing judgement is."""
    text = (
        "The story is a mess and the characters are flat.\n\n"
        "There is a great recap video on YouTube, and I'd recommend that video over the finale.\n\n"
        "Is it worth watching? No. It is a confusing, hollow show with a great soundtrack.\n\n"
        "Rewatch Carole & Tuesday instead if you want a show set on Mars."
    )
    at = text.index("Carole")
    summary = summarize(text, other_title_spans=((at, at + 16),), other_title_names=("Carole & Tuesday",))
    assert summary.verdict == "No. It is a confusing, hollow show with a great soundtrack."


def test_a_closing_judgement_without_verdict_words_is_the_verdict() -> None:
    """No "recommend", no "worth": the last paragraph's judgement of the show is still its verdict."""
    text = (
        "Lain is strange and cold. The atmosphere is superb, but some episodes are slow.\n\n"
        "It is not for everyone, but it is a haunting, one-of-a-kind show."
    )
    assert summarize(text).verdict == "It is not for everyone, but it is a haunting, one-of-a-kind show."


def test_a_bare_watch_it_takes_the_judgement_before_it() -> None:
    """ "Watch it." alone says little: the verdict holds the judgement that comes with it."""
    text = (
        "The art is lovely.\n\n## Verdict\nIt is a brilliant, daring adventure that keeps reinventing itself. Watch it."
    )
    assert summarize(text).verdict == "It is a brilliant, daring adventure that keeps reinventing itself. Watch it."


def test_tldr_holds_judgements_of_the_show_only() -> None:
    """No question, no "Similarly, …", no list of other shows, no other score, no synopsis."""
    text = (
        "## Premise\nYou can guess where that is going, and the show makes it worth it.\n\n"
        "## Thoughts\nIs it good? The story is clever and moving, and the cast is wonderful.\n"
        "Similarly, the music is excellent and the soundtrack is gorgeous.\n"
        "It has a bit of Death Note, Monster and Psycho-Pass, all great shows.\n"
        "Season 1 alone is a brilliant 9/10 for me.\n"
        "The animation is fluid and beautiful throughout the whole run."
    )
    at = text.index("Death Note")
    others = ((at, at + 10), (text.index("Monster"), text.index("Monster") + 7))
    tldr = summarize(text, other_title_spans=others).tldr
    assert tldr
    joined = " ".join(tldr)
    for banned in ("?", "Similarly", "Death Note", "9/10", "guess"):
        assert banned not in joined


def test_a_sentence_with_a_lead_in_label_is_shown_without_it() -> None:
    """ "Longer version: it's quiet and gorgeous." reads as the judgement alone in the TL;DR."""
    text = (
        "tl;dr: watch it.\n\nlonger version: it's a quiet, funny, sad and gorgeous show about grief.\n\n"
        "The music is lovely and the art is beautiful.\n\nI recommend it to anyone who likes fantasy."
    )
    tldr = summarize(text).tldr
    assert any(sentence.startswith("it's a quiet, funny") for sentence in tldr)
    assert not any(sentence.startswith("longer version") for sentence in tldr)
