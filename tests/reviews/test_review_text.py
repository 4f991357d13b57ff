"""bot/text.py: sentences with spans, clip at word boundaries, spoilers and display hygiene."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text import (
    balance_spoilers,
    clip,
    has_spoiler,
    is_balanced,
    plain,
    sanitize,
    split_sentences,
    spoiler_spans,
    strip_spoilers,
)


def test_sentences_keep_their_spans() -> None:
    """Every sentence is exactly the slice of the text its span names."""
    text = "First one. Second one!  Third?\nA heading\nLast line"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["First one.", "Second one!", "Third?", "A heading", "Last line"]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_sentences_never_split_inside_a_spoiler() -> None:
    """A spoiler holding several sentences stays inside one sentence."""
    text = "It starts well. ||He dies. She lives. Nobody wins.|| Then it ends."
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["It starts well.", "||He dies. She lives. Nobody wins.||", "Then it ends."]
    assert all(is_balanced(s) for s in sentences)


def test_sentences_do_not_end_at_abbreviations_or_decimals() -> None:
    """ "e.g.", "vs." and "8.5" do not end a sentence."""
    text = "Shows vs. films, e.g. this one, score 8.5 out of 10. Next."
    sentences = [s.text for s in split_sentences(text)]
    assert sentences == ["Shows vs. films, e.g. this one, score 8.5 out of 10.", "Next."]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It comes from P.A. Works, like Another. The art is great.", ["It comes from P.A. Works, like Another."]),
        ("J.C.Staff animated it in 2008. It looks fine.", ["J.C.Staff animated it in 2008."]),
        ("Okabe drinks far too much Dr. Pepper. Kurisu mocks him.", ["Okabe drinks far too much Dr. Pepper."]),
        ("The U.S. release came later. It was dubbed.", ["The U.S. release came later."]),
        ("I finally watched Angel Beats!. Everyone told me to cry.", ["I finally watched Angel Beats!."]),
        ("Angel Beats! is an original. It aired in 2010.", ["Angel Beats! is an original."]),
        ("Haikyu!! is great. I don't even like volleyball.", ["Haikyu!! is great."]),
        ("Your Name. is a gorgeous film. The plot has holes.", ["Your Name. is a gorgeous film."]),
        ("Steins;Gate is slow. Then it grips you.", ["Steins;Gate is slow."]),
        ("They drop it here... and I understand why. It gets better.", ["They drop it here... and I understand why."]),
        ("I used one tissue... That was it.", ["I used one tissue..."]),
        ('She said "no." Then she left.', ['She said "no."']),
        ("Ep. 4 is the best. No. 6 is a show too.", ["Ep. 4 is the best."]),
        (
            'The opening, "Hacking to the Gate", is iconic. So is the end.',
            ['The opening, "Hacking to the Gate", is iconic.'],
        ),
        ("Loved:\n- the Christmas episode;\n- the UFO speech.\nThat is all.", ["Loved:", "- the Christmas episode;"]),
    ],
)
def test_sentences_survive_names_abbreviations_ellipses_lists_and_quotes(text: str, expected: list[str]) -> None:
    """Dotted studios, "Dr.", titles ending in punctuation, ellipses, lists and quotes do not break a sentence."""
    sentences = [s.text for s in split_sentences(text)]
    assert sentences[: len(expected)] == expected
    assert len(sentences) >= len(expected) + 1


def test_a_lower_case_writer_still_gets_sentences() -> None:
    """Someone who writes without capitals has sentences ending at each full stop."""
    text = "the animation is INSANE. they switch to live action. it all works."
    assert len(split_sentences(text)) == 3


def test_a_title_ending_in_punctuation_holds_even_for_a_lower_case_writer() -> None:
    """Names passed in ("K-On!") keep a lower-case writer's sentence together."""
    text = "honestly it beats K-On! for me. it is so good. the songs slap."
    sentences = [s.text for s in split_sentences(text, names=("K-On!",))]
    assert sentences[0] == "honestly it beats K-On! for me."


def test_clip_cuts_at_a_word_boundary_with_an_ellipsis() -> None:
    """A long text is cut after a whole word and marked with the ellipsis."""
    assert clip("The animation is gorgeous throughout", 20) == "The animation is…"
    assert clip("short", 20) == "short"


def test_clip_cuts_a_giant_word_without_splitting_a_grapheme() -> None:
    """One word longer than the limit is cut, never between a letter and its accent or inside an emoji."""
    word = "e\u0301" * 30
    clipped = clip(word, 10)
    assert len(clipped) <= 10 and clipped.endswith("…")
    assert not clipped[:-1].endswith("e")  # "e" without its combining accent would change the letter
    family = "👨\u200d👩\u200d👧" * 5
    clipped = clip(family, 7)
    assert not clipped[:-1].endswith("\u200d")


def test_clip_drops_a_spoiler_it_would_cut() -> None:
    """A cut inside a spoiler drops the whole spoiler instead of leaving it open."""
    text = "The finale is great ||because the hero finally dies at the end of everything||"
    clipped = clip(text, 40)
    assert clipped == "The finale is great…"
    assert is_balanced(clipped)


def test_clip_keeps_a_whole_spoiler_that_fits() -> None:
    """A spoiler that fits before the cut stays intact."""
    text = "It has ||a twist|| and then a very long tail of words that will not fit"
    assert clip(text, 30) == "It has ||a twist|| and then a…"


def test_spoiler_helpers() -> None:
    """has_spoiler, strip_spoilers and balance_spoilers agree on what a spoiler is."""
    assert has_spoiler("a ||b|| c") and not has_spoiler("a || b")
    assert strip_spoilers("a ||b|| c ||d") == "a  c "  # an unclosed bar hides the rest
    assert spoiler_spans("a ||b|| c ||d") == [(2, 7), (10, 13)]
    assert spoiler_spans("a ||b|| c ||d", unclosed=False) == [(2, 7)]
    assert balance_spoilers("a ||b|| c || d") == "a ||b|| c"


def test_sanitize_defuses_mentions_and_removes_zalgo_and_controls() -> None:
    """Mass mentions cannot ping, user/role mentions become names, zalgo and control characters go."""
    text = "@everyone @here <@123> <@!45> <@&678> z\u0301\u0302\u0303\u0304a\x00\u202e"
    assert sanitize(text) == "@\u200beveryone @\u200bhere @user @user @role z\u0301\u0302a"


def test_plain_removes_layout_markdown() -> None:
    """Headings, quotes, emphasis and masked links become plain prose."""
    assert plain("## **Story** is _great_, see [here](https://x.example/a)") == "Story is great, see here"
    assert plain("> -# quoted `code`") == "quoted code"


_PIECES = st.sampled_from(["a", "b", " ", "cé", "|", "||", "\u0301", ".", "!", "\n", "*", "_", "😀", "word"])
_TEXTS = st.lists(_PIECES, max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, limit=st.integers(min_value=0, max_value=120))
def test_clip_properties(text: str, limit: int) -> None:
    """clip keeps within the limit, balances spoilers, returns a prefix, cuts mid-word only a giant word."""
    clipped = clip(text, limit)
    assert len(clipped) <= limit
    assert is_balanced(clipped)
    if len(text) <= limit:
        assert clipped == balance_spoilers(text)
        return
    if limit == 0:
        assert clipped == ""
        return
    assert clipped.endswith("…")
    head = clipped[:-1]
    assert text.startswith(head)
    if head.strip() and re.search(r"\s", head.strip()):
        assert not (head[-1].isalnum() and text[len(head)].isalnum())


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_sentences_cover_the_text_without_overlap(text: str) -> None:
    """Sentences are ordered, never overlap and are exact slices of the text."""
    previous_end = 0
    for sentence in split_sentences(text):
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
        previous_end = sentence.end


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_sanitize_leaves_no_mass_mention_or_zalgo(text: str) -> None:
    """Whatever the input, sanitize output holds no @everyone/@here and no run of 3+ combining marks."""
    clean = sanitize(text)
    assert not re.search(r"@(everyone|here)\b", clean)
    assert not re.search(r"<@[!&]?\d+>", clean)
    assert not re.search("[\u0300-\u036f]{3,}", clean)
