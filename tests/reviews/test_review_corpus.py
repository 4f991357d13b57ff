"""The hand-written review corpus: each review understood as a reader states it in expected.json."""

from __future__ import annotations

import re

import pytest

from benchmarks.understanding_bench import CORPUS, corpus_text, evaluate, load_expected
from bot.catalog.index import CatalogIndex
from bot.reviews.analysis import ReviewAnalysis, understand_review
from bot.text import is_balanced
from tests.catalog.sample import sample_title

EXPECTED: dict[str, dict] = load_expected()
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
        _cache[name] = understand_review(corpus_text(name), finder=index, reviewed_title_id=reviewed.id)
    return _cache[name]


def test_corpus_covers_the_shapes_real_reviews_take() -> None:
    """Forty reviews or more: long and short, every score form, joke and missing scores, spoilers."""
    assert len(EXPECTED) >= 40
    assert set(EXPECTED) == {path.name for path in CORPUS.glob("*.md")}
    lengths = [len(corpus_text(name)) for name in EXPECTED]
    assert sum(length >= 4000 for length in lengths) >= 3
    assert sum(length < 1000 for length in lengths) >= 8
    forms = {e["score"]["form"] for e in EXPECTED.values() if e["score"]}
    assert forms == {"fraction", "out_of", "stars", "percent", "letter"}
    raws = {e["score"]["raw"] for e in EXPECTED.values() if e["score"]}
    assert {"4/5", "85/100", "8,5/10", "11/10", "⭐⭐⭐⭐⭐", "★★★½☆", "92%", "B+"} <= raws
    assert sum(e["score"] is None for e in EXPECTED.values()) >= 2
    assert sum(e["has_spoiler"] for e in EXPECTED.values()) >= 6
    credits = [c for e in EXPECTED.values() for c in e["comparisons"] if c["kind"] == "studio_credit"]
    assert len(credits) >= 20


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
def test_unknown_titles_are_suggested(name: str, sample_index: CatalogIndex) -> None:
    """Names in comparison wording that the catalog lacks are offered as suggestions."""
    suggestions = analyse(name, sample_index).suggestions
    assert set(EXPECTED[name]["suggestions_include"]) <= set(suggestions)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_matches_what_the_review_states(name: str, sample_index: CatalogIndex) -> None:
    """Studio, director, writers, premiere and origin, where the expectations name them."""
    metadata = analyse(name, sample_index).metadata
    for key, value in EXPECTED[name].get("metadata", {}).items():
        got = getattr(metadata, key)
        assert (list(got) if key == "writers" else got) == value, key


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_summary_is_short_extractive_and_spoiler_free(name: str, sample_index: CatalogIndex) -> None:
    """TL;DR within three sentences and 350 characters, every string the review's own, no spoiler text."""
    analysis = analyse(name, sample_index)
    summary = analysis.summary
    assert 1 <= len(summary.tldr) <= 3
    assert len(" ".join(summary.tldr)) <= 350
    strings = [*summary.tldr, *summary.pros, *summary.cons, *([summary.verdict] if summary.verdict else [])]
    strings += [line.sentence for line in summary.aspects] + [ref.sentence for ref in analysis.comparisons]
    text = corpus_text(name)
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
    text = corpus_text("01_frieren_headings.md")
    assert text[score.start - len("Overall: ") : score.end] == "Overall: 9/10"


def test_mass_mention_in_a_review_cannot_ping(sample_index: CatalogIndex) -> None:
    """A review saying @everyone is analysed from text where the mention is defused."""
    analysis = analyse("05_chainsaw_man_stars.md", sample_index)
    assert "@everyone" not in analysis.text
    assert "@\u200beveryone" in analysis.text


def test_the_corpus_meets_every_understanding_target(sample_index: CatalogIndex) -> None:
    """Score, comparisons, credits, verdict, aspects, TL;DR and repeats all meet the issue's targets."""
    report, _ = evaluate(sample_index)
    assert report.missed() == [], (
        report.score.misses,
        report.comparison_precision.misses,
        report.comparison_recall.misses,
        report.credits_as_comparisons,
        report.verdict.misses,
        report.aspects.misses,
        report.tldr_faults,
        report.repeats[:20],
    )
