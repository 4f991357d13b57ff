"""Where review text comes from: the form's parts, the form prefilled, downloaded files, messages."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput
from bot.reviews.intake import (
    FORM_MAX,
    PART_MAX,
    Intake,
    check_download,
    join_parts,
    message_review,
    part_label,
    split_for_form,
    title_guess,
)


def test_labels_say_the_order_and_fit_discords_45_characters() -> None:
    labels = [part_label(i) for i in range(1, 5)]
    assert labels[0] == "Review text — part 1 of 4 (start here)"
    assert labels[3] == "Review text — part 4 of 4 (continues 3)"
    assert all(len(label) <= 45 for label in labels)


def test_parts_cut_mid_word_boundary_are_joined_with_a_space_never_glued() -> None:
    """A part that ends mid-sentence continues after a space: no two words become one."""
    assert join_parts(["The animation is", "gorgeous. Score: 8/10"]) == "The animation is gorgeous. Score: 8/10"


def test_a_part_ending_a_sentence_starts_a_new_paragraph() -> None:
    assert join_parts(["First paragraph ends here.", "Second one starts."]) == (
        "First paragraph ends here.\n\nSecond one starts."
    )


def test_whitespace_at_a_boundary_is_kept_as_typed_and_empty_parts_are_skipped() -> None:
    assert join_parts(["One line\n", "", "   ", "next line"]) == "One line\nnext line"
    assert join_parts(["", "Only part three."]) == "Only part three."


def test_four_full_parts_hold_sixteen_thousand_characters() -> None:
    parts = [("word " * 800)[:PART_MAX] for _ in range(4)]
    joined = join_parts(parts)
    assert len(joined) >= 12_000 and "wordword" not in joined


def test_split_for_form_round_trips_through_join() -> None:
    """Prefilling the form with a stored text and submitting it unchanged gives the same text back."""
    text = "\n\n".join(f"Paragraph {i}. " + "The story builds slowly and pays off. " * 30 for i in range(12))
    parts = split_for_form(text)
    assert parts is not None and len(parts) <= 4 and all(len(p) <= PART_MAX for p in parts)
    assert join_parts(parts) == text


def test_a_text_longer_than_the_form_does_not_split() -> None:
    assert split_for_form("word " * (FORM_MAX // 5 + 10)) is None
    assert split_for_form("short") == ["short"]


def test_a_download_that_is_not_the_declared_size_is_refused() -> None:
    with pytest.raises(InvalidInput, match="announced as 10"):
        check_download("review.md", 10, b"x" * 5_000)


def test_a_binary_download_is_refused() -> None:
    with pytest.raises(InvalidInput, match="binary"):
        check_download("review.txt", 4, b"\x00\x01\x02\x03")


def test_a_good_download_is_read_as_text() -> None:
    data = b"Great show. 8/10"
    assert check_download("review.txt", len(data), data) == "Great show. 8/10"


def test_intake_always_counts_characters_and_says_plainly_what_was_ignored() -> None:
    assert Intake(4_313, "the form (2 parts)").line() == (
        "**Read:** 4,313 characters from the form (2 parts). Nothing was cut or ignored."
    )
    line = Intake(10, "the message", ("the attachment cover.png (not a .txt or .md file)",)).line()
    assert "10 characters" in line and "Not read: the attachment cover.png" in line


def test_a_message_that_introduces_its_file_is_the_file_alone() -> None:
    text, source = message_review("My review of Frieren", [("frieren.md", "My review of Frieren\n\nIt is great.")])
    assert text.startswith("My review of Frieren") and text.count("My review of Frieren") == 1
    assert source == "frieren.md"


def test_a_message_with_its_own_text_and_a_file_is_both_in_order() -> None:
    text, source = message_review("Intro paragraph.", [("rest.txt", "The rest of it.")])
    assert text == "Intro paragraph.\n\nThe rest of it." and source == "the message and rest.txt"


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("# Frieren review — 9/10\n\nIt is lovely.", "Frieren"),
        ("**Review: Death Parade**\nA strange bar.", "Death Parade"),
        ("My review of Monster\n\nSlow but great.", "Monster"),
        ("Death Note (8/10)\nThe cat and mouse game.", "Death Note"),
        ("I watched this over a weekend and it was great.\nMore text.", None),
        ("", None),
        ("Your Name.\nA film about two strangers.", "Your Name."),
        ("## Mobile Suit Gundam: The Witch from Mercury\nText.", "Mobile Suit Gundam: The Witch from Mercury"),
        ("Thoughts after the finale: it is worth watching. 7/10", None),
    ],
)
def test_the_first_lines_heading_gives_the_title_guess(text: str, guess: str | None) -> None:
    assert title_guess(text) == guess
