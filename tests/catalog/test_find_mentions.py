"""Finding catalog titles named in review text, without flagging ordinary words."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.index import CatalogIndex
from bot.catalog.models import Mention
from tests.catalog.sample import sample_titles


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex(sample_titles())


def found(index: CatalogIndex, text: str) -> list[str]:
    return [mention.title.name for mention in index.find_mentions(text)]


def test_mentions_carry_span_matched_text_and_sentence(index: CatalogIndex) -> None:
    text = "Great show. It has the mood of Cowboy Bebop, honestly! Watch it."
    [mention] = index.find_mentions(text)
    assert isinstance(mention, Mention)
    assert mention.title.name == "Cowboy Bebop"
    assert text[mention.start : mention.end] == mention.matched == "Cowboy Bebop"
    assert mention.sentence == "It has the mood of Cowboy Bebop, honestly!"
    assert mention.confidence == 1.0


def test_mentions_come_in_text_order(index: CatalogIndex) -> None:
    text = "Psycho-Pass meets Ghost in the Shell, with a dash of Serial Experiments Lain."
    assert found(index, text) == ["Psycho-Pass", "Ghost in the Shell", "Serial Experiments Lain"]


@pytest.mark.parametrize(
    ("text", "title", "matched"),
    [
        ("I loved Death Parada so much.", "Death Parade", "Death Parada"),
        ("The robots reminded me of Metalic Rouge at times.", "Metallic Rouge", "Metalic Rouge"),
        ("Way better than Psycho Pass, imo.", "Psycho-Pass", "Psycho Pass"),
        (
            "It has some Fullmetal Alchemist Brotherhod energy.",
            "Fullmetal Alchemist: Brotherhood",
            "Fullmetal Alchemist Brotherhod",
        ),
    ],
)
def test_misspelled_and_unpunctuated_names_are_found(index: CatalogIndex, text: str, title: str, matched: str) -> None:
    [mention] = index.find_mentions(text)
    assert (mention.title.name, mention.matched) == (title, matched)


def test_misspelled_mentions_are_less_certain_than_exact_ones(index: CatalogIndex) -> None:
    exact, fuzzy = index.find_mentions("Death Parade and Metalic Rouge are related.")
    assert exact.confidence == 1.0
    assert 0.6 < fuzzy.confidence < exact.confidence


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("The mecha fights beat anything in Eva.", "Neon Genesis Evangelion"),
        ("Nobody does brothers like FMA does.", "Fullmetal Alchemist"),
        ("The walls felt like AoT season one.", "Attack on Titan"),
        ("Better than SnK if you ask me.", "Attack on Titan"),
        ("A bit of HxH in the exam arc.", "Hunter x Hunter (2011)"),
    ],
)
def test_abbreviations_are_found_when_written_in_their_usual_case(index: CatalogIndex, text: str, title: str) -> None:
    assert found(index, text) == [title]


def test_lowercase_abbreviations_are_not_flagged(index: CatalogIndex) -> None:
    assert found(index, "i want an eva unit and aot merch, fma stickers too") == []


def test_lowercase_full_names_are_found(index: CatalogIndex) -> None:
    assert found(index, "if you liked attack on titan or made in abyss, try this") == [
        "Attack on Titan",
        "Made in Abyss",
    ]


def test_names_with_symbols_match_their_spelled_out_forms(index: CatalogIndex) -> None:
    text = "Carol and Tuesday had great music; Steins;Gate had great twists; so did Hunter × Hunter."
    assert found(index, text) == ["Carole & Tuesday", "Steins;Gate", "Hunter x Hunter (2011)"]


def test_the_longest_name_wins_over_names_inside_it(index: CatalogIndex) -> None:
    mentions = index.find_mentions("Rewatching Fullmetal Alchemist: Brotherhood and The End of Evangelion.")
    assert [m.title.name for m in mentions] == ["Fullmetal Alchemist: Brotherhood", "The End of Evangelion"]
    assert mentions[0].matched == "Fullmetal Alchemist: Brotherhood"


def test_possessive_is_left_out_of_the_mention(index: CatalogIndex) -> None:
    [mention] = index.find_mentions("Frieren's pacing is deliberate.")
    assert mention.title.name == "Frieren: Beyond Journey's End"
    assert mention.matched == "Frieren"


# ----- ordinary words -----------------------------------------------------------------------------


def test_ordinary_words_that_are_titles_are_not_flagged(index: CatalogIndex) -> None:
    text = (
        "Another thing: the villain is a monster and the air in the last arc is heavy. "
        "I would like another season. Made in a hurry, sadly. Given the budget, fine. "
        "The death of a side character was a perfect note to end on."
    )
    assert found(index, text) == []


def test_capitalised_ordinary_title_mid_sentence_is_flagged(index: CatalogIndex) -> None:
    assert found(index, "If you enjoyed Another, this is for you.") == ["Another"]
    assert found(index, "It is the best thriller since Monster, hands down.") == ["Monster"]


def test_ordinary_title_at_sentence_start_needs_a_cue(index: CatalogIndex) -> None:
    assert found(index, "Monster is on my mind. Another day, another show.") == []
    assert found(index, "Monster fans will love the slow burn.") == ["Monster"]


def test_quotes_or_emphasis_mark_an_ordinary_title(index: CatalogIndex) -> None:
    assert found(index, 'the horror is close to "another" in tone') == ["Another"]
    assert found(index, "the horror is close to *Another* in tone") == ["Another"]
    assert found(index, "a slow mystery like **monster**") == ["Monster"]


def test_ordinary_titles_listed_with_other_titles_are_flagged(index: CatalogIndex) -> None:
    text = "Monster, Another and Death Note are the closest comparisons."
    assert found(index, text) == ["Monster", "Another", "Death Note"]


def test_short_names_need_their_exact_case(index: CatalogIndex) -> None:
    assert found(index, "The air was thick. Air is a Key visual novel adaptation.") == []
    assert found(index, "It has the summer mood of Air and Clannad.") == ["Air", "Clannad"]


def test_unusual_single_word_titles_need_no_cue(index: CatalogIndex) -> None:
    assert found(index, "clannad made me cry. toradora too.") == ["Clannad", "Toradora!"]


def test_ordinary_two_word_titles_need_capitals(index: CatalogIndex) -> None:
    assert found(index, "a perfect blue sky and your name on the list") == []
    assert found(index, "Shades of Perfect Blue and Your Name here.") == ["Perfect Blue", "Your Name."]


def test_names_do_not_run_across_sentences(index: CatalogIndex) -> None:
    assert found(index, "It felt like a death. Parade floats everywhere.") == []


def test_empty_and_plain_texts_have_no_mentions(index: CatalogIndex) -> None:
    assert index.find_mentions("") == []
    assert index.find_mentions("Just a normal sentence about nothing in particular.") == []


def test_no_mentions_overlap(index: CatalogIndex) -> None:
    text = "Evangelion, The End of Evangelion, Eva, NGE and Neon Genesis Evangelion all at once."
    mentions = index.find_mentions(text)
    spans = [(m.start, m.end) for m in mentions]
    assert spans == sorted(spans)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    assert len(mentions) == 5


_PIECES = [*"aAeEvVoOtT nNFMs.,!'\"*&-:;\n", "Eva", "Monster", "Death ", "Note", "AoT", "Another"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_any_text_gives_ordered_valid_spans(text: str) -> None:
    mentions = _SHARED.find_mentions(text)
    for mention in mentions:
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.matched
        assert mention.matched in mention.sentence
    assert all(a.end <= b.start for a, b in itertools.pairwise(mentions))


_SHARED = CatalogIndex(sample_titles())
