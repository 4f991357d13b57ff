"""Title names: what is cleaned, what is refused, and with which message."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.catalog.validate import MAX_TITLE_LENGTH, check_new_title_name, clean_title_name, tidy_name
from bot.errors import InvalidInput


def test_whitespace_is_collapsed_and_trimmed() -> None:
    assert clean_title_name("  Sousou   no\tFrieren \n") == "Sousou no Frieren"


def test_control_and_zero_width_characters_are_removed() -> None:
    assert clean_title_name("Fri\u200beren\x00\x07 \ufeffBeyond\u200d") == "Frieren Beyond"


def test_non_latin_titles_are_kept_as_written() -> None:
    assert clean_title_name("葬送のフリーレン") == "葬送のフリーレン"
    assert clean_title_name("86") == "86"


def test_names_are_nfc_normalised() -> None:
    assert clean_title_name("Pokémon") == "Pok\u00e9mon"


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", "\u200b\u200b", "\x00"])
def test_empty_or_whitespace_only_title_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        clean_title_name(raw)


def test_title_over_the_limit_is_refused_with_its_length() -> None:
    with pytest.raises(InvalidInput, match="500 characters"):
        clean_title_name("a" * 500)


def test_title_at_the_limit_is_accepted() -> None:
    assert clean_title_name("a" * MAX_TITLE_LENGTH) == "a" * MAX_TITLE_LENGTH


@pytest.mark.parametrize("raw", ["🔥🔥🔥", "**__~~||", "<:kek:123456789>", "!!! ??? ...", "`` ``"])
def test_title_without_letters_or_digits_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="no letters or digits"):
        clean_title_name(raw)


@pytest.mark.parametrize(
    "raw", ["@everyone", "Frieren @here", "<@123456>", "<@!123456> fan", "<@&987654>", "see <#555>"]
)
def test_title_with_a_discord_mention_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput, match="mentions"):
        clean_title_name(raw)


def test_lone_surrogates_are_removed_so_the_name_can_be_stored() -> None:
    assert clean_title_name("Frieren\ud800") == "Frieren"


def test_tidy_name_never_raises_and_may_return_empty() -> None:
    assert tidy_name("\u200b \x01") == ""


@given(st.text(max_size=300))
def test_cleaned_names_are_stable_and_free_of_control_characters(raw: str) -> None:
    try:
        name = clean_title_name(raw)
    except InvalidInput:
        return
    assert name == clean_title_name(name)
    assert name == name.strip()
    assert "  " not in name
    assert all(unicodedata.category(ch)[0] != "C" for ch in name)
    assert all(ch == " " or not ch.isspace() for ch in name)
    assert 0 < len(name) <= MAX_TITLE_LENGTH


@pytest.mark.parametrize(
    "name", ["K-On!!", "Steins;Gate", "The iDOLM@STER", "Fate/stay night", "Re:Zero", "Lucky☆Star", "86", "K"]
)
def test_real_anime_names_are_fit_for_new_titles(name: str) -> None:
    assert check_new_title_name(name) == name


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "empty"),
        ("\u200b\u200c\u2060", "empty"),
        ("x" * 101, "at most 100"),
        ("🔥🎉", "no letters or digits"),
        ("@here new show", "mentions"),
        ("**Bold**", "formatting"),
        ("||spoiler||", "formatting"),
        ("```sql\nDROP TABLE titles\n```", "formatting"),
        ("`code`", "formatting"),
        ("[click](https://evil.example)", "formatting"),
        ("https://evil.example", "formatting"),
        ("# Heading", "formatting"),
        ("<:kek:123456789>", "no letters or digits"),
        ("Show <:kek:123456789>", "formatting"),
        ("!!! a ???", "mostly symbols"),
        ("t:999999999", "no longer known"),
    ],
)
def test_unfit_new_title_names_are_refused_with_a_reason(raw: str, says: str) -> None:
    with pytest.raises(InvalidInput, match=says):
        check_new_title_name(raw)


def test_sql_looking_text_is_only_text() -> None:
    """Decided: this is mostly letters, so it is a (silly) name; queries are parameterised."""
    assert check_new_title_name("x'); DROP TABLE ratings;--") == "x'); DROP TABLE ratings;--"
