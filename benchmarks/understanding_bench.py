"""How well and how fast kansou understands official reviews.

Quality: the hand-written corpus in tests/reviews/corpus (each review with a reader's expectations in
expected.json), understood with the shared sample catalog. Speed: review-like prose naming titles of
benchmarks.synthetic's full-size catalog (~40,000 titles), as in benchmarks.review_bench.

Run: python -m benchmarks understanding   (or python -m benchmarks.understanding_bench [--quality-only])
Targets: score exactly right 100%; comparisons precision and recall >= 95%; no credit listed as a
comparison; verdict >= 90%; aspect polarity agreement >= 85%; no TL;DR fault; no sentence repeated
across fields; a 4,000-character review <= 30 ms median; 200 KB <= 1 s; 400 KB <= 2.2x the 200 KB time.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalog.index import CatalogIndex
from bot.reviews.analysis import ReviewAnalysis, understand_review

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "reviews" / "corpus"

TARGET_SCORE = 1.0
TARGET_COMPARISONS = 0.95
TARGET_VERDICT = 0.90
TARGET_ASPECTS = 0.85
TARGET_4K_MS = 30.0
TARGET_200K_MS = 1000.0
TARGET_GROWTH = 2.2

# A TL;DR sentence that opens like this leans on the sentence before it.
_UNRESOLVED_OPENING_RE = re.compile(
    r"^(?:similarly|likewise|also|however|but|and|so|still|instead|otherwise|even\s+so|that\s+said|meanwhile"
    r"|besides|moreover|furthermore|in\s+addition|as\s+a\s+result|which|then|on\s+the\s+other\s+hand"
    r"|by\s+contrast|in\s+contrast|again|plus)\b",
    re.IGNORECASE,
)


def load_expected() -> dict[str, dict]:
    """The reader's expectations for every review of the corpus."""
    return json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def corpus_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


@dataclass
class Tally:
    """Hits over cases, with what went wrong in the misses."""

    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, hit: bool, what: str) -> None:
        self.total += 1
        if hit:
            self.hits += 1
        else:
            self.misses.append(what)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0


@dataclass
class CorpusReport:
    """The corpus figures the targets are set on."""

    reviews: int = 0
    score: Tally = field(default_factory=Tally)
    comparison_precision: Tally = field(default_factory=Tally)
    comparison_recall: Tally = field(default_factory=Tally)
    credits: Tally = field(default_factory=Tally)
    credits_as_comparisons: list[str] = field(default_factory=list)
    verdict: Tally = field(default_factory=Tally)
    aspects: Tally = field(default_factory=Tally)
    tldr_faults: list[str] = field(default_factory=list)
    repeats: list[str] = field(default_factory=list)

    def missed(self) -> list[str]:
        """Every quality target the corpus misses, as a sentence."""
        checks = [
            (self.score.rate >= TARGET_SCORE, f"score {self.score.rate:.0%} < {TARGET_SCORE:.0%}"),
            (
                self.comparison_precision.rate >= TARGET_COMPARISONS,
                f"comparison precision {self.comparison_precision.rate:.1%} < {TARGET_COMPARISONS:.0%}",
            ),
            (
                self.comparison_recall.rate >= TARGET_COMPARISONS,
                f"comparison recall {self.comparison_recall.rate:.1%} < {TARGET_COMPARISONS:.0%}",
            ),
            (not self.credits_as_comparisons, f"{len(self.credits_as_comparisons)} credit(s) listed as comparisons"),
            (self.verdict.rate >= TARGET_VERDICT, f"verdict {self.verdict.rate:.1%} < {TARGET_VERDICT:.0%}"),
            (self.aspects.rate >= TARGET_ASPECTS, f"aspect agreement {self.aspects.rate:.1%} < {TARGET_ASPECTS:.0%}"),
            (not self.tldr_faults, f"{len(self.tldr_faults)} TL;DR fault(s)"),
            (not self.repeats, f"{len(self.repeats)} sentence(s) repeated across fields"),
        ]
        return [message for ok, message in checks if not ok]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.casefold().rstrip("…")))


def _field_strings(analysis: ReviewAnalysis) -> list[tuple[str, str]]:
    summary = analysis.summary
    slots = [(f"tldr[{i}]", t) for i, t in enumerate(summary.tldr)]
    slots += [("verdict", summary.verdict)] if summary.verdict else []
    slots += [(f"aspect:{line.aspect}", line.sentence) for line in summary.aspects]
    slots += [(f"pro[{i}]", p) for i, p in enumerate(summary.pros)]
    slots += [(f"con[{i}]", c) for i, c in enumerate(summary.cons)]
    return slots


def repeated_sentences(analysis: ReviewAnalysis) -> list[str]:
    """Pairs of fields that show the same sentence (or one a clause of the other's sentence)."""
    slots = [(name, _norm(text)) for name, text in _field_strings(analysis)]
    found = []
    for i, (name_a, a) in enumerate(slots):
        for name_b, b in slots[i + 1 :]:
            short, long_ = sorted((a, b), key=len)
            if short and (short == long_ or (len(short) >= 30 and short in long_)):
                found.append(f"{name_a} = {name_b}: {short[:60]!r}")
    return found


def tldr_faults(analysis: ReviewAnalysis, expected: dict, index: CatalogIndex, reviewed_id: int) -> list[str]:
    """Why each TL;DR sentence is not a judgement of the reviewed show, if it is not."""
    faults = []
    for sentence in analysis.summary.tldr:
        stripped = sentence.strip()
        words = re.findall(r"[^\W_]+", stripped)
        others = {m.title.id for m in index.find_mentions(stripped) if m.title.id != reviewed_id}
        if len(words) < 4:
            faults.append(f"fragment {stripped!r}")
        elif stripped.endswith("?"):
            faults.append(f"question {stripped!r}")
        elif _UNRESOLVED_OPENING_RE.match(stripped):
            faults.append(f"leans on the sentence before {stripped[:50]!r}")
        elif len(others) >= 2:
            faults.append(f"list of other shows {stripped[:50]!r}")
        for banned in expected.get("tldr_must_not_contain", []):
            if banned.casefold() in stripped.casefold():
                faults.append(f"holds {banned!r}")
    return faults


def _reviewed_id(index: CatalogIndex, name: str) -> int:
    return next(t.id for t in index.titles() if t.name == name)


def evaluate(index: CatalogIndex, names: Iterable[str] | None = None) -> tuple[CorpusReport, dict[str, ReviewAnalysis]]:
    """Understand every corpus review and tally it against the reader's expectations."""
    expected_all = load_expected()
    report = CorpusReport()
    analyses: dict[str, ReviewAnalysis] = {}
    for name in sorted(names or expected_all):
        expected = expected_all[name]
        reviewed_id = _reviewed_id(index, expected["reviewed_title"])
        analysis = understand_review(corpus_text(name), finder=index, reviewed_title_id=reviewed_id)
        analyses[name] = analysis
        report.reviews += 1
        _tally_score(report, name, expected, analysis)
        _tally_titles(report, name, expected, analysis)
        _tally_verdict(report, name, expected, analysis)
        _tally_aspects(report, name, expected, analysis)
        report.tldr_faults += [f"{name}: {f}" for f in tldr_faults(analysis, expected, index, reviewed_id)]
        report.repeats += [f"{name}: {r}" for r in repeated_sentences(analysis)]
    return report, analyses


def _tally_score(report: CorpusReport, name: str, expected: dict, analysis: ReviewAnalysis) -> None:
    want = expected["score"]
    got = analysis.score
    got_pair = (got.value, got.raw) if got else None
    want_pair = (want["value"], want["raw"]) if want else None
    report.score.add(got_pair == want_pair, f"{name}: {got_pair} != {want_pair}")


def _tally_titles(report: CorpusReport, name: str, expected: dict, analysis: ReviewAnalysis) -> None:
    want = {(c["title"], c["kind"]) for c in expected["comparisons"]}
    got = {(ref.title.name, ref.kind) for ref in analysis.comparisons}
    want_cmp = {t for t, k in want if k == "comparison"}
    got_cmp = {t for t, k in got if k == "comparison"}
    for title in got_cmp:
        report.comparison_precision.add(title in want_cmp, f"{name}: {title} is not a comparison")
    for title in want_cmp:
        report.comparison_recall.add(title in got_cmp, f"{name}: comparison {title} missed")
    want_credit = {t for t, k in want if k == "studio_credit"}
    got_credit = {t for t, k in got if k == "studio_credit"}
    for title in want_credit | got_credit:
        report.credits.add(title in want_credit and title in got_credit, f"{name}: credit {title}")
    report.credits_as_comparisons += [f"{name}: {t}" for t in sorted(want_credit & got_cmp)]


def _tally_verdict(report: CorpusReport, name: str, expected: dict, analysis: ReviewAnalysis) -> None:
    fragments = expected.get("verdict") or []
    verdict = (analysis.summary.verdict or "").casefold()
    if fragments:
        hit = any(f.casefold() in verdict for f in fragments)
        report.verdict.add(hit, f"{name}: {analysis.summary.verdict!r}")
    else:
        report.verdict.add(not verdict, f"{name}: no closing judgement, yet {analysis.summary.verdict!r}")


def _tally_aspects(report: CorpusReport, name: str, expected: dict, analysis: ReviewAnalysis) -> None:
    want: dict[str, str] = expected["aspects"]
    got: dict[str, str] = {line.aspect: line.polarity for line in analysis.summary.aspects}
    for aspect in sorted(set(want) | set(got)):
        report.aspects.add(
            want.get(aspect) == got.get(aspect), f"{name}: {aspect} {got.get(aspect)} != {want.get(aspect)}"
        )


def print_quality(report: CorpusReport, *, verbose: bool) -> None:
    def line(label: str, tally: Tally) -> None:
        print(f"  {label:<32} {tally.rate:6.1%}  ({tally.hits}/{tally.total})")
        if verbose:
            for miss in tally.misses:
                print(f"      - {miss}")

    print(f"corpus: {report.reviews} reviews")
    line("score exactly right", report.score)
    line("comparison precision", report.comparison_precision)
    line("comparison recall", report.comparison_recall)
    line("credit accuracy", report.credits)
    print(f"  {'credits listed as comparisons':<32} {len(report.credits_as_comparisons):6d}")
    for miss in report.credits_as_comparisons if verbose else ():
        print(f"      - {miss}")
    line("verdict hit rate", report.verdict)
    line("aspect polarity agreement", report.aspects)
    print(f"  {'TL;DR faults':<32} {len(report.tldr_faults):6d}")
    for fault in report.tldr_faults if verbose else ():
        print(f"      - {fault}")
    print(f"  {'sentences repeated across fields':<32} {len(report.repeats):6d}")
    for repeat in report.repeats if verbose else ():
        print(f"      - {repeat}")


def _spread(values: list[float]) -> str:
    return f"min {min(values):.1f} / median {statistics.median(values):.1f} / max {max(values):.1f}"


def measure_speed(titles: int, runs: int, repeats: int) -> list[str]:
    """Time understanding on the full-size catalog; the missed speed targets, as sentences."""
    import tempfile

    from benchmarks.review_bench import review_of, timed_ms
    from benchmarks.synthetic import titles_from_catalog, write_catalog

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = write_catalog(Path(folder) / "catalog.jsonl", n_titles=titles, fmt="jsonl")
        catalog = titles_from_catalog(path)
        index = CatalogIndex(catalog)
        print(f"catalog: {len(catalog):,} titles indexed in {time.perf_counter() - started:.1f} s")
    warm_text, warm_id = review_of(catalog, 4000, seed=10_000)
    timed_ms(warm_text, index, warm_id)

    small = []
    finding = []
    for seed in range(runs):
        text, reviewed_id = review_of(catalog, 4000, seed)
        small.append(timed_ms(text, index, reviewed_id)[0])
        started = time.perf_counter()
        index.find_mentions(text)
        finding.append((time.perf_counter() - started) * 1000)
    small_median = statistics.median(small)
    print(f"  4,000-char review, ms over {runs} reviews: {_spread(small)} (target median <= {TARGET_4K_MS:.0f})")
    print(f"    of which finding the titles (bot/catalog, timed apart): {_spread(finding)}")

    sizes: dict[int, list[float]] = {}
    for size in (200_000, 400_000):
        text, reviewed_id = review_of(catalog, size, seed=99)
        sizes[size] = [timed_ms(text, index, reviewed_id)[0] for _ in range(repeats)]
        started = time.perf_counter()
        index.find_mentions(text)
        found_ms = (time.perf_counter() - started) * 1000
        print(
            f"  {len(text) // 1000} KB review, ms over {repeats} repeats: {_spread(sizes[size])}"
            f" (finding the titles once: {found_ms:.0f})"
        )
    big = statistics.median(sizes[200_000])
    growth = statistics.median(sizes[400_000]) / big
    print(
        f"  400 KB / 200 KB time: {growth:.2f}x (target <= {TARGET_GROWTH}x); 200 KB target <= {TARGET_200K_MS:.0f} ms"
    )
    print(f"  load: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min)")
    missed = []
    if small_median > TARGET_4K_MS:
        missed.append(f"4,000-char median {small_median:.1f} ms > {TARGET_4K_MS:.0f} ms")
    if big > TARGET_200K_MS:
        missed.append(f"200 KB median {big:.0f} ms > {TARGET_200K_MS:.0f} ms")
    if growth > TARGET_GROWTH:
        missed.append(f"400 KB / 200 KB {growth:.2f}x > {TARGET_GROWTH}x")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality-only", action="store_true", help="skip the speed measurements")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    parser.add_argument("--titles", type=int, default=40_000, help="speed: catalog size (default 40,000)")
    parser.add_argument("--runs", type=int, default=60, help="speed: 4,000-character reviews to time (default 60)")
    parser.add_argument("--repeats", type=int, default=5, help="speed: repeats of the 200 and 400 KB reviews")
    args = parser.parse_args(argv)

    from tests.catalog.sample import review_catalog_titles

    report, _ = evaluate(CatalogIndex(review_catalog_titles()))
    print_quality(report, verbose=args.verbose)
    missed = report.missed()
    if not args.quality_only:
        missed += measure_speed(args.titles, args.runs, args.repeats)
    for miss in missed:
        print(f"MISSED: {miss}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
