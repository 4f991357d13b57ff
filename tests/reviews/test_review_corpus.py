"""The hand-written review corpus: each review's score, titles, aspects and facts as a reader states them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.catalog.index import CatalogIndex
from bot.reviews.analysis import ReviewAnalysis, understand_review
from bot.text import is_balanced
from tests.catalog.sample import sample_title

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
_cache: dict[str, ReviewAnalysis] = {}


def words_come_from(string: str, source: str) -> bool:
    """Whether every whole word of an extract is a word of its source (the extract is truly extractive)."""
    words = re.findall(r"[^\W_]+", string.casefold())
    if string.endswith("…") and words:
        words.pop()  # a clipped giant word may end mid-way
    return set(words) <= set(re.findall(r"[^\W_]+", source.casefold()))


def analyse(name: str, index: CatalogIndex) -> ReviewAnalysis:
    if name not in _cache:
        reviewed = sample_title(EXPECTED[name]["reviewed_title"])
        text = (CORPUS / name).read_text(encoding="utf-8")
        _cache[name] = understand_review(text, finder=index, reviewed_title_id=reviewed.id)
    return _cache[name]


def test_corpus_covers_every_score_form_and_layout() -> None:
    """At least eight reviews of 2,000–6,000 characters, with every score form and one without a score."""
    assert len(EXPECTED) >= 8
    raws = {e["score"]["raw"] if e["score"] else None for e in EXPECTED.values()}
    assert {"9/10", "5.5/10", "4/5", "4 out of 5 stars", "★★★★☆", "85/100", "85%", "A-", None} <= raws
    for name in EXPECTED:
        assert 2000 <= len((CORPUS / name).read_text(encoding="utf-8")) <= 6000, name
    assert sum(e["has_spoiler"] for e in EXPECTED.values()) >= 3


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_score_matches_the_reviewers_verdict(name: str, sample_index: CatalogIndex) -> None:
    """The verdict score is found in its own form and normalised to 0–10."""
    expected = EXPECTED[name]["score"]
    score = analyse(name, sample_index).score
    if expected is None:
        assert score is None
    else:
        assert score is not None
        assert (score.value, score.raw, score.form) == (expected["value"], expected["raw"], expected["form"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_comparison_titles_and_kinds_match(name: str, sample_index: CatalogIndex) -> None:
    """Every other title named is found once, misspellings included, as a comparison or a studio credit."""
    found = [
        {"title": ref.title.name, "kind": ref.kind, "matched": ref.matched}
        for ref in analyse(name, sample_index).comparisons
    ]
    assert found == EXPECTED[name]["comparisons"]
    reviewed = EXPECTED[name]["reviewed_title"]
    assert all(ref["title"] != reviewed for ref in found)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_unknown_titles_are_suggested(name: str, sample_index: CatalogIndex) -> None:
    """Names in comparison wording that the catalog lacks are offered as suggestions."""
    suggestions = analyse(name, sample_index).suggestions
    assert set(EXPECTED[name]["suggestions_include"]) <= set(suggestions)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_aspect_polarities_match(name: str, sample_index: CatalogIndex) -> None:
    """Each aspect the review discusses is marked as the reviewer judged it."""
    aspects = {line.aspect: line.polarity for line in analyse(name, sample_index).summary.aspects}
    assert aspects == EXPECTED[name]["aspects"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_matches_the_intro(name: str, sample_index: CatalogIndex) -> None:
    """Studio, director, writers, premiere and origin are read from the review."""
    metadata = analyse(name, sample_index).metadata
    expected = EXPECTED[name]["metadata"]
    assert metadata.studio == expected["studio"]
    assert metadata.director == expected["director"]
    assert list(metadata.writers) == expected["writers"]
    assert metadata.premiere == expected["premiere"]
    assert metadata.origin == expected["origin"]
    assert metadata.source_material == expected["source_material"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_summary_is_short_spoiler_free_and_has_a_verdict(name: str, sample_index: CatalogIndex) -> None:
    """TL;DR within three sentences and 350 characters, verdict found, no spoiler text anywhere."""
    analysis = analyse(name, sample_index)
    summary = analysis.summary
    assert 1 <= len(summary.tldr) <= 3
    assert len(" ".join(summary.tldr)) <= 350
    assert summary.verdict is not None
    assert 1 <= len(summary.pros) <= 4
    assert 1 <= len(summary.cons) <= 4
    strings = [*summary.tldr, *summary.pros, *summary.cons, summary.verdict]
    strings += [line.sentence for line in summary.aspects] + [ref.sentence for ref in analysis.comparisons]
    text = (CORPUS / name).read_text(encoding="utf-8")
    spoilers = [part for i, part in enumerate(text.split("||")) if i % 2 == 1]
    for string in strings:
        assert "||" not in string and is_balanced(string)
        for spoiler in spoilers:
            assert spoiler.strip()[:30] not in string
        assert words_come_from(string, text), string


def test_heading_review_takes_the_overall_score_over_section_scores(sample_index: CatalogIndex) -> None:
    """Per-section lines (Story: 9/10, Art: 10/10) do not beat the Overall line."""
    score = analyse("01_frieren_headings.md", sample_index).score
    assert score is not None and score.raw == "9/10"
    text = (CORPUS / "01_frieren_headings.md").read_text(encoding="utf-8")
    assert text[score.start - len("Overall: ") : score.end] == "Overall: 9/10"


def test_verdict_answers_is_it_worth_watching(sample_index: CatalogIndex) -> None:
    """The verdict is the answer to the question, not the question itself."""
    verdict = analyse("03_carole_tuesday_four_fifths.md", sample_index).summary.verdict
    assert verdict is not None and verdict.startswith("Yes.") and "recommend" in verdict


def test_mass_mention_in_a_review_cannot_ping(sample_index: CatalogIndex) -> None:
    """A review saying @everyone is analysed from text where the mention is defused."""
    analysis = analyse("05_chainsaw_man_stars.md", sample_index)
    assert "@everyone" not in analysis.text
    assert "@\u200beveryone" in analysis.text
