"""bot/reviews/comparisons.py: other titles named, their kind, and suggestions for unknown names."""

from __future__ import annotations

import pytest

from bot.catalog.index import CatalogIndex
from bot.catalog.models import Mention, Title
from bot.reviews.comparisons import classify_mention, find_comparisons, suggest_unknown_titles


def test_misspelled_titles_are_found_and_the_reviewed_title_excluded(sample_index: CatalogIndex) -> None:
    """ "Evangelon" and "Death Parada" resolve; the reviewed show (even misspelled) is not a comparison."""
    text = "Metalic Rouge has a bit of Evangelon in it. If you liked Death Parada, try it."
    refs = find_comparisons(text, reviewed_title_id=9, finder=sample_index)
    assert [(r.title.name, r.kind, r.matched) for r in refs] == [
        ("Neon Genesis Evangelion", "comparison", "Evangelon"),
        ("Death Parade", "comparison", "Death Parada"),
    ]
    assert refs[0].sentence == "Metalic Rouge has a bit of Evangelon in it."


def test_studio_credits_are_told_from_comparisons(sample_index: CatalogIndex) -> None:
    """ "from the studio that brought us X" is a credit; "fans of X" is a comparison."""
    text = "From Bones, the studio that brought us Fullmetal Alchemist. Fans of Cowboy Bebop will love it."
    kinds = {r.title.name: r.kind for r in find_comparisons(text, None, sample_index)}
    assert kinds == {"Fullmetal Alchemist": "studio_credit", "Cowboy Bebop": "comparison"}


def test_a_credit_list_credits_every_title() -> None:
    """ "the studio behind Death Note and Hunter x Hunter" credits both."""
    text = "Madhouse, the studio behind Death Note and Hunter x Hunter, delivers."
    assert classify_mention(text, text.index("Death Note")) == "studio_credit"
    assert classify_mention(text, text.index("Hunter x")) == "studio_credit"


def test_each_title_is_listed_once(sample_index: CatalogIndex) -> None:
    """A title named three times is one comparison, kept with its first sentence."""
    text = "It feels like Psycho-Pass. Psycho-Pass did it better. I love Psycho-Pass."
    refs = find_comparisons(text, None, sample_index)
    assert len(refs) == 1 and refs[0].sentence == "It feels like Psycho-Pass."


def test_titles_inside_spoilers_are_left_out(sample_index: CatalogIndex) -> None:
    """Naming a title inside spoiler bars would spoil it: it is not listed."""
    text = "The ending ||copies Death Note outright||, but it reminds me of Monster."
    names = [r.title.name for r in find_comparisons(text, None, sample_index)]
    assert "Death Note" not in names


def test_unknown_names_in_comparison_context_are_suggested() -> None:
    """Capitalised names after "a bit of", "fans of", "reminds me of" are suggested; resolved ones are not."""
    text = (
        "There's a bit of Gundam, Evangelion and Psycho-Pass here. It reminds me of Skip Beat. "
        'Fans of "Moonlight Courier Service" will like it.'
    )
    start = text.index("Evangelion")
    mention = Mention(Title(2, "Neon Genesis Evangelion"), "Evangelion", start, start + 10, "")
    suggestions = suggest_unknown_titles(text, [mention])
    assert "Gundam" in suggestions and "Skip Beat" in suggestions and "Moonlight Courier Service" in suggestions
    assert "Evangelion" not in suggestions and "Psycho-Pass" in suggestions


def test_quoted_single_words_and_spoilers_are_not_suggested() -> None:
    """A quoted nickname and a name inside spoiler bars are not title suggestions."""
    text = 'Shigeo "Mob" Kageyama is great. ||It is a bit of Secret Show here.||'
    assert suggest_unknown_titles(text, []) == []


@pytest.mark.parametrize(
    ("text", "credited"),
    [
        ("Bones, the studio that brought us hits such as Fullmetal Alchemist and Mob Psycho 100, made it.",
         {"Fullmetal Alchemist", "Mob Psycho 100"}),
        ("It comes from the studio behind Death Note.", {"Death Note"}),
        ("It was made by the makers of Monster, and it shows.", {"Monster"}),
        ("Shinichiro Watanabe, the director of Cowboy Bebop, returns here.", {"Cowboy Bebop"}),
        ("Yes, Attack on Titan's studio made this cosy comedy.", {"Attack on Titan"}),
        ("Wit Studio went on to make Spy x Family after this.", {"Spy x Family"}),
        ("The studio is the same P.A. Works that later made Another.", {"Another"}),
        ("It comes from MAPPA, who also did Chainsaw Man.", {"Chainsaw Man"}),
        ("Kyoto Animation, the studio behind Clannad and Violet Evergarden, animates it.",
         {"Clannad", "Violet Evergarden"}),
        ("Jun Maeda, the writer behind Air and Clannad, wrote it.", {"Air", "Clannad"}),
    ],
)  # fmt: skip
def test_credits_in_every_phrasing_are_never_comparisons(
    text: str, credited: set[str], sample_index: CatalogIndex
) -> None:
    """ "the studio that brought us hits such as X", "X's studio", "the director of X" … credit X."""
    refs = find_comparisons(text, None, sample_index)
    assert {r.title.name for r in refs if r.kind == "studio_credit"} == credited
    assert not [r for r in refs if r.kind == "comparison"]


def test_a_title_both_credited_and_compared_is_a_comparison(sample_index: CatalogIndex) -> None:
    """A credit first and a comparison later: the title is compared, shown with the comparing sentence."""
    text = "It is written by the writer behind Clannad. People compare it to Clannad a lot."
    [ref] = find_comparisons(text, None, sample_index)
    assert (ref.title.name, ref.kind) == ("Clannad", "comparison")
    assert ref.sentence == "People compare it to Clannad a lot."


def test_a_one_word_title_inside_a_longer_name_is_not_that_title(sample_index: CatalogIndex) -> None:
    """The band Girls Dead Monster is not a mention of Monster."""
    text = "The band Girls Dead Monster plays great songs. It reminds me of Death Note."
    assert [r.title.name for r in find_comparisons(text, None, sample_index)] == ["Death Note"]


def test_the_reviewed_title_is_never_a_credit_or_comparison(sample_index: CatalogIndex) -> None:
    """Even named inside a credit list, the reviewed show is left out."""
    text = "Madhouse, the studio behind Death Note and Monster, made Monster look great."
    refs = find_comparisons(text, reviewed_title_id=14, finder=sample_index)
    assert [r.title.name for r in refs] == ["Death Note"]
