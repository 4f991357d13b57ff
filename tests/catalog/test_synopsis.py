"""AniList descriptions made fit for a card: HTML gone, spoilers hidden, markup escaped, trimmed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.synopsis import plain_text, synopsis


def test_html_tags_and_entities_are_removed_and_breaks_kept() -> None:
    text = "First line.<br>Second <b>bold</b> &amp; <i>italic</i>.<br><br><br>Third."
    assert plain_text(text) == "First line.\nSecond bold & italic.\n\nThird."


def test_the_source_note_at_the_end_is_dropped() -> None:
    assert plain_text("A story.<br><br>(Source: Crunchyroll)") == "A story."
    assert plain_text("A story. [Written by MAL Rewrite]") == "A story."


def test_spoilers_go_between_discords_bars() -> None:
    assert synopsis("Before ~!the twist!~ after") == "Before ||the twist|| after"


def test_markup_in_the_description_is_escaped() -> None:
    assert synopsis("A *star* and __under__ `code`") == "A \\*star\\* and \\_\\_under\\_\\_ \\`code\\`"


def test_a_bar_inside_a_spoiler_cannot_close_it_early() -> None:
    assert synopsis("~!a || b!~") == "||a ∣∣ b||"


def test_empty_descriptions_give_none() -> None:
    assert synopsis(None) is None and synopsis("") is None and synopsis("<br><br>") is None


def test_a_long_description_is_cut_at_a_sentence_with_an_ellipsis() -> None:
    text = "This is one sentence. " * 60
    cut = synopsis(text, 200)
    assert cut is not None and len(cut) <= 200 and cut.endswith(".…")


def test_a_spoiler_that_does_not_fit_is_left_out_whole() -> None:
    text = "Intro. " + "~!" + "hidden " * 100 + "!~ outro"
    cut = synopsis(text, 100)
    assert cut == "Intro.…"


@given(st.text(alphabet=st.sampled_from(list("ab ~!|*_<>&.\n")), max_size=600), st.integers(20, 400))
def test_any_description_stays_within_the_limit_with_balanced_spoilers(text: str, limit: int) -> None:
    cut = synopsis(text, limit)
    if cut is not None:
        assert len(cut) <= limit
        assert cut.count("||") % 2 == 0
