"""Folding text for comparison, and the abbreviation helpers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.normalize import (
    cased_initials,
    fold,
    fold_keep_case,
    fold_tokens,
    initials,
    is_abbreviation,
    is_short_alias,
)


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Psycho-Pass", "psycho pass"),
        ("psycho pass", "psycho pass"),
        ("PSYCHO   PASS", "psycho pass"),
        ("Steins;Gate", "steins gate"),
        ("Re:Zero", "re zero"),
        ("Pokémon", "pokemon"),
        ("ＦＵＬＬ　ＷＩＤＴＨ", "full width"),
        ("JoJo's Bizarre Adventure", "jojos bizarre adventure"),
        ("Frieren: Beyond Journey’s End", "frieren beyond journeys end"),
        ("Hunter×Hunter", "hunter x hunter"),
        ("Bocchi the Rock!", "bocchi the rock"),
        ("  Mob\tPsycho\n100 ", "mob psycho 100"),
        ("Straße", "strasse"),
    ],
)
def test_fold_ignores_case_punctuation_accents_and_spacing(written: str, folded: str) -> None:
    assert fold(written) == folded


def test_fold_makes_ampersand_and_the_word_and_equal() -> None:
    assert fold("Carole & Tuesday") == fold("Carole and Tuesday") == "carole and tuesday"


def test_fold_keeps_japanese_text() -> None:
    assert fold("進撃の巨人") == "進撃の巨人"
    assert fold("ぼっち・ざ・ろっく！") == "ぼっち ざ ろっく"


def test_fold_of_only_punctuation_or_emoji_is_empty() -> None:
    assert fold("!!! ...") == ""
    assert fold("🔥🔥") == ""
    assert fold_tokens("🔥") == []


def test_fold_tokens_splits_folded_words() -> None:
    assert fold_tokens("Mobile Suit Gundam: The Witch") == ["mobile", "suit", "gundam", "the", "witch"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Attack on Titan", {"aot"}),
        ("Neon Genesis Evangelion", {"nge"}),
        ("Ghost in the Shell", {"gits"}),
        ("Mob Psycho 100", {"mp100"}),
        ("Hunter × Hunter", {"hxh"}),
    ],
)
def test_initials_of_multi_word_names(name: str, expected: set[str]) -> None:
    assert initials(name) == expected


def test_initials_skip_small_words_for_an_extra_variant() -> None:
    assert initials("Tengen Toppa Gurren Lagann") == {"ttgl"}
    assert {"kswk", "ksk"} <= initials("Kaguya-sama wa Kokurasetai")


def test_initials_of_a_subtitled_name_include_its_main_part() -> None:
    assert "snk" in initials("Shingeki no Kyojin: The Final Season")


def test_two_word_and_one_word_names_have_no_initials() -> None:
    assert initials("Cowboy Bebop") == set()
    assert initials("Monster") == set()


def test_cased_initials_keep_the_case_people_write() -> None:
    assert cased_initials("Attack on Titan") == {"AoT", "AOT"}
    assert "GitS" in cased_initials("Ghost in the Shell")
    assert cased_initials("Death Note") == set()


def test_fold_keep_case_folds_punctuation_only() -> None:
    assert fold_keep_case("FMA:B") == "FMA B"
    assert fold_keep_case("  AoT ") == "AoT"


def test_short_aliases_are_four_letters_or_fewer() -> None:
    assert is_short_alias("Eva")
    assert is_short_alias("FMA:B")
    assert not is_short_alias("Bocchi")


def test_abbreviations_are_short_or_mostly_capitals() -> None:
    assert is_abbreviation("FMA")
    assert is_abbreviation("SnK")
    assert is_abbreviation("TTGL")
    assert not is_abbreviation("Frieren")
    assert not is_abbreviation("Gurren Lagann")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fold_is_idempotent_and_trimmed(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "  " not in folded
