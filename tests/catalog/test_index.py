"""CatalogIndex: contents, resolving typed names, and autocomplete."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.catalog.index import CONFIDENT, MAX_CHOICE_NAME, CatalogIndex, choice_label
from bot.catalog.models import Candidate, Title
from tests.catalog.sample import sample_title, sample_titles


@pytest.fixture(scope="module")
def index() -> CatalogIndex:
    return CatalogIndex(sample_titles())


def names(candidates: list[Candidate]) -> list[str]:
    return [candidate.title.name for candidate in candidates]


# ----- contents -----------------------------------------------------------------------------------


def test_index_holds_every_title_by_id(index: CatalogIndex) -> None:
    assert len(index) == len(sample_titles())
    assert index.get(14) == sample_title("Monster")
    assert index.get(99_999) is None


def test_add_inserts_a_title_that_then_resolves() -> None:
    index = CatalogIndex(sample_titles())
    index.add(Title(id=500, name="Sousou no Kitsune", local=True))
    assert index.get(500) is not None
    best = index.resolve("sousou no kitsune")[0]
    assert (best.title.name, best.confidence) == ("Sousou no Kitsune", 1.0)
    assert "Sousou no Kitsune" in names(index.complete("sousou no k"))


def test_add_with_an_existing_id_replaces_the_old_names() -> None:
    index = CatalogIndex(sample_titles())
    index.add(replace(sample_title("Kaiba"), name="Kaiba (2008)", aliases=("Brain Pictures",)))
    assert len(index) == len(sample_titles())
    kaiba = index.get(39)
    assert kaiba is not None and kaiba.name == "Kaiba (2008)"
    assert names(index.resolve("brain pictures"))[0] == "Kaiba (2008)"
    assert all(c.confidence < CONFIDENT for c in index.resolve("カイバ"))


def test_removed_titles_stop_matching() -> None:
    index = CatalogIndex(sample_titles())
    index.remove(8)
    index.remove(12345)  # unknown ids are ignored
    assert index.get(8) is None
    assert "Death Parade" not in names(index.resolve("Death Parade"))
    assert "Death Parade" not in names(index.complete("death"))
    assert index.find_mentions("I loved Death Parade.") == []


# ----- resolve ------------------------------------------------------------------------------------


def test_exact_canonical_name_resolves_with_full_confidence(index: CatalogIndex) -> None:
    best = index.resolve("Cowboy Bebop")[0]
    assert best.title.name == "Cowboy Bebop"
    assert best.confidence == 1.0


@pytest.mark.parametrize("query", ["psycho pass", "PSYCHO-PASS", "Psycho Pass", "  psycho‐pass "])
def test_case_and_punctuation_are_folded(index: CatalogIndex, query: str) -> None:
    assert index.resolve(query)[0].title.name == "Psycho-Pass"
    assert index.resolve(query)[0].confidence >= CONFIDENT


def test_alias_resolves_confidently_but_below_the_canonical_name(index: CatalogIndex) -> None:
    best = index.resolve("Shingeki no Kyojin")[0]
    assert best.title.name == "Attack on Titan"
    assert best.matched == "Shingeki no Kyojin"
    assert CONFIDENT <= best.confidence < 1.0


def test_native_title_resolves(index: CatalogIndex) -> None:
    assert index.resolve("進撃の巨人")[0].title.name == "Attack on Titan"


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("aot", "Attack on Titan"),
        ("AoT", "Attack on Titan"),
        ("Eva", "Neon Genesis Evangelion"),
        ("nge", "Neon Genesis Evangelion"),
        ("FMA", "Fullmetal Alchemist"),
        ("fmab", "Fullmetal Alchemist: Brotherhood"),
        ("gits", "Ghost in the Shell"),
        ("ttgl", "Tengen Toppa Gurren Lagann"),
        ("hxh", "Hunter x Hunter (2011)"),
    ],
)
def test_abbreviations_resolve_confidently(index: CatalogIndex, query: str, title: str) -> None:
    best = index.resolve(query)[0]
    assert best.title.name == title
    assert best.confidence >= CONFIDENT


def test_made_up_initials_rank_below_real_aliases() -> None:
    index = CatalogIndex(sample_titles())
    by_alias = index.resolve("nge")[0].confidence  # "NGE" is an alias in the data
    index.add(Title(id=600, name="Nine Great Emperors"))  # "nge" only as made-up initials
    candidates = index.resolve("nge")
    assert names(candidates)[:2] == ["Neon Genesis Evangelion", "Nine Great Emperors"]
    assert candidates[0].confidence == by_alias > candidates[1].confidence


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("Death Parada", "Death Parade"),
        ("Metalic Rouge", "Metallic Rouge"),
        ("Steins Gat", "Steins;Gate"),
        ("Fullmetal Alchemist Brotherhod", "Fullmetal Alchemist: Brotherhood"),
        ("gurren lagan", "Tengen Toppa Gurren Lagann"),
        ("Cowboy Bepop", "Cowboy Bebop"),
    ],
)
def test_misspellings_resolve_to_the_right_title_but_ask_first(index: CatalogIndex, typed: str, title: str) -> None:
    best = index.resolve(typed)[0]
    assert best.title.name == title
    assert 0.5 < best.confidence < CONFIDENT


def test_candidates_are_sorted_best_first_and_limited(index: CatalogIndex) -> None:
    candidates = index.resolve("evangelion", limit=3)
    assert len(candidates) == 3
    assert candidates[0].title.name == "Neon Genesis Evangelion"
    confidences = [candidate.confidence for candidate in candidates]
    assert confidences == sorted(confidences, reverse=True)
    assert {c.title.name for c in candidates} == {
        "Neon Genesis Evangelion",
        "The End of Evangelion",
        "Evangelion: 3.0+1.0 Thrice Upon a Time",
    }


def test_a_name_two_titles_share_is_not_confident() -> None:
    index = CatalogIndex([*sample_titles(), Title(id=700, name="Monster", type="MOVIE", year=1990)])
    candidates = index.resolve("Monster")
    assert {c.title.id for c in candidates[:2]} == {14, 700}
    assert all(c.confidence < CONFIDENT for c in candidates)


@pytest.mark.parametrize("query", ["", "   ", "!!!", "🔥"])
def test_empty_queries_resolve_to_nothing(index: CatalogIndex, query: str) -> None:
    assert index.resolve(query) == []


def test_unrelated_text_resolves_to_nothing_confident(index: CatalogIndex) -> None:
    assert all(c.confidence < 0.6 for c in index.resolve("qwxzzv plorb"))


# ----- autocomplete -------------------------------------------------------------------------------


def test_complete_starts_with_prefix_matches(index: CatalogIndex) -> None:
    assert names(index.complete("mobile suit"))[:2] == [
        "Mobile Suit Gundam",
        "Mobile Suit Gundam: The Witch from Mercury",
    ]


def test_complete_matches_the_start_of_any_word(index: CatalogIndex) -> None:
    assert "Tengen Toppa Gurren Lagann" in names(index.complete("gurren"))
    assert "Mobile Suit Gundam: The Witch from Mercury" in names(index.complete("witch"))


def test_complete_ranks_prefix_before_word_prefix(index: CatalogIndex) -> None:
    found = names(index.complete("evangelion"))
    assert found.index("Evangelion: 3.0+1.0 Thrice Upon a Time") < found.index("The End of Evangelion")


def test_complete_falls_back_to_fuzzy_matches(index: CatalogIndex) -> None:
    assert names(index.complete("metalic ro"))[0] == "Metallic Rouge"
    assert "Frieren: Beyond Journey's End" in names(index.complete("freiren"))


def test_complete_puts_preferred_titles_first(index: CatalogIndex) -> None:
    plain = names(index.complete("death"))
    assert plain == ["Death Note", "Death Parade"]
    assert names(index.complete("death", prefer={8})) == ["Death Parade", "Death Note"]


def test_preferred_titles_are_found_even_past_the_usual_caps() -> None:
    filler = [Title(id=1000 + n, name=f"Death Filler {n:04d}") for n in range(1500)]
    index = CatalogIndex([*sample_titles(), *filler])
    assert names(index.complete("death", prefer=[8]))[0] == "Death Parade"


def test_preferred_titles_are_found_by_a_later_word_and_by_a_misspelling_past_the_caps() -> None:
    filler = [Title(id=1000 + n, name=f"Parade Filler {n:04d}") for n in range(1500)]
    index = CatalogIndex([*sample_titles(), *filler])
    assert names(index.complete("parade", prefer=[8]))[0] == "Death Parade"
    assert names(index.complete("deth parad", prefer=[8]))[0] == "Death Parade"


def test_a_preferred_title_does_not_pull_in_the_titles_sharing_its_names() -> None:
    """Only the preferred title itself is boosted; its namesakes are found as they would be anyway."""
    twins = [Title(id=1, name="Tko Academy", aliases=("LLER",)), Title(id=2, name="Other Show", aliases=("LLER",))]
    filler = [Title(id=10 + n, name=f"Mude Filler 0{n}") for n in range(10)]
    index = CatalogIndex([*twins, *filler])
    found = names(index.complete("mude filler 0", prefer={1}))
    assert found[-1] == "Tko Academy"  # "ller" is part of what was typed: a close match, after the exact ones
    assert "Other Show" not in found
    assert len(found) == 11


def test_a_rated_title_that_only_resembles_the_typed_name_comes_after_the_titles_named_so() -> None:
    index = CatalogIndex([Title(id=1, name="Frieren"), Title(id=2, name="Friezen Fable"), Title(id=3, name="Frieze")])
    assert names(index.complete("frieren", prefer={2})) == ["Frieren", "Friezen Fable"]
    assert names(index.complete("frie", prefer={2})) == ["Friezen Fable", "Frieze", "Frieren"]  # all as typed


def test_the_preferred_names_follow_titles_added_and_removed() -> None:
    index = CatalogIndex(sample_titles())
    assert names(index.complete("kitsune", prefer={500})) == []
    index.add(Title(id=500, name="Sousou no Kitsune"))
    assert names(index.complete("kitsune", prefer={500})) == ["Sousou no Kitsune"]
    index.remove(500)
    assert names(index.complete("kitsune", prefer={500})) == []


def test_ties_at_the_last_choice_are_broken_by_prominence_then_id() -> None:
    """Fifty titles share tier and name length: the 25 kept are the best-known, then the lowest ids."""
    plain = [Title(id=100 + n, name=f"Zeta {n:02d}") for n in range(50)]
    known = [Title(id=300 + n, name=f"Zeta {50 + n:02d}", aliases=("A", "B", "C"), type="TV") for n in range(5)]
    index = CatalogIndex([*plain, *known])
    chosen = [c.title.id for c in index.complete("zeta")]
    assert chosen[:5] == [300, 301, 302, 303, 304]
    assert chosen[5:] == list(range(100, 120))


def test_empty_query_lists_preferred_titles_then_popular_ones(index: CatalogIndex) -> None:
    choices = index.complete("", prefer={13, 8})
    assert names(choices)[:2] == ["Another", "Death Parade"]
    assert len(choices) == 25
    assert len({c.title.id for c in choices}) == 25


def test_complete_returns_at_most_25_choices(index: CatalogIndex) -> None:
    assert len(index.complete("a", limit=100)) <= 25
    assert len(index.complete("e", limit=3)) == 3


def test_choice_labels_fit_discord_limit() -> None:
    long = Title(id=1, name="Long " * 40, year=2020)
    label = choice_label(Candidate(title=long, confidence=1.0, matched=long.name))
    assert len(label) <= MAX_CHOICE_NAME
    assert label.endswith("(2020)")


def test_choice_label_names_the_alias_that_matched(index: CatalogIndex) -> None:
    best = index.resolve("Shingeki no Kyojin")[0]
    assert choice_label(best) == "Attack on Titan — Shingeki no Kyojin (2013)"
