"""Understanding official reviews with the full-size catalog (~40,000 titles, ~200,000 names) loaded.

Data: benchmarks.synthetic's made-up catalog, written to a temporary file and read back, indexed by
the real CatalogIndex; review-like prose from benchmarks.synthetic.make_review naming catalog titles
(some misspelled), with a score line.

Run: python -m benchmarks.review_bench [--titles N] [--runs N]
Targets: a 4,000-character review <= 30 ms median (over >= 50 reviews); a 200 KB review <= 1 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import make_review, titles_from_catalog, write_catalog
from bot.catalog.index import CatalogIndex
from bot.catalog.models import Title
from bot.reviews.analysis import understand_review

TARGET_4K_MS = 30.0
TARGET_200K_MS = 1000.0


def review_of(titles: list[Title], n_chars: int, seed: int) -> tuple[str, int]:
    """A review of one random title naming others, and the reviewed title's id."""
    rng = random.Random(seed)
    reviewed = rng.choice(titles)
    named = rng.sample(titles, 40)
    body = make_review(named, n_chars=n_chars, seed=seed, mentions=max(8, n_chars // 500))
    score = rng.randint(10, 100) / 10
    text = f"{reviewed.name} is worth watching, and here is why.\n\n{body}\n\nScore: {score}/10"
    return text, reviewed.id


def timed_ms(text: str, index: CatalogIndex, reviewed_id: int) -> tuple[float, int]:
    start = time.perf_counter()
    analysis = understand_review(text, finder=index, reviewed_title_id=reviewed_id)
    return (time.perf_counter() - start) * 1000, len(analysis.comparisons)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=40_000, help="catalog size (default 40,000)")
    parser.add_argument("--runs", type=int, default=60, help="4,000-character reviews to time (default 60)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = write_catalog(Path(folder) / "catalog.jsonl", n_titles=args.titles, fmt="jsonl")
        titles = titles_from_catalog(path)
        index = CatalogIndex(titles)
        names = sum(1 + len(t.aliases) for t in titles)
        built = time.perf_counter() - started
        print(f"catalog: {len(titles):,} titles, {names:,} names, written, read and indexed in {built:.1f} s")

    # Warm-up: the first call pays for lazy imports and regex compilation, not for understanding.
    warm_text, warm_id = review_of(titles, 4000, seed=10_000)
    timed_ms(warm_text, index, warm_id)

    small = []
    found = []
    for seed in range(args.runs):
        text, reviewed_id = review_of(titles, 4000, seed)
        elapsed, comparisons = timed_ms(text, index, reviewed_id)
        small.append(elapsed)
        found.append(comparisons)
    median = statistics.median(small)
    worst = max(small)
    print(
        f"4,000-char review: median {median:.1f} ms, p90 {statistics.quantiles(small, n=10)[-1]:.1f} ms, "
        f"max {worst:.1f} ms over {len(small)} reviews; {statistics.mean(found):.1f} comparison titles each"
        f" (target median <= {TARGET_4K_MS:.0f} ms)"
    )

    big_text, big_id = review_of(titles, 200_000, seed=99)
    big_ms, big_found = timed_ms(big_text, index, big_id)
    print(
        f"{len(big_text) / 1000:.0f} KB review: {big_ms:.0f} ms, {big_found} comparison titles"
        f" (target <= {TARGET_200K_MS:.0f} ms)"
    )

    missed = []
    if median > TARGET_4K_MS:
        missed.append(f"4,000-char median {median:.1f} ms > {TARGET_4K_MS:.0f} ms")
    if big_ms > TARGET_200K_MS:
        missed.append(f"200 KB review {big_ms:.0f} ms > {TARGET_200K_MS:.0f} ms")
    for miss in missed:
        print(f"MISSED: {miss}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
