"""`python -m benchmarks`: every benchmark, each in its own process (so memory figures are its own).

`python -m benchmarks catalog review` runs only those. Exits non-zero when any target is missed.
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS = {
    "catalog": "benchmarks.catalog_bench",
    "memory": "benchmarks.bot_memory_bench",
    "import": "benchmarks.import_bench",
    "review": "benchmarks.review_bench",
    "understanding": "benchmarks.understanding_bench",
    "scores": "benchmarks.scores_bench",
    "scale": "benchmarks.scale_bench",
    "similar": "benchmarks.similar_bench",
    "rate": "benchmarks.rate_bench",
    "cooldown": "benchmarks.cooldown_bench",
    "load": "benchmarks.load_bench",
}


def main(argv: list[str]) -> int:
    chosen = argv or list(BENCHMARKS)
    unknown = [name for name in chosen if name not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
        return 2
    results: dict[str, tuple[int, float]] = {}
    for name in chosen:
        print(f"\n=== {name} ({BENCHMARKS[name]}) ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, "-m", BENCHMARKS[name]])
        results[name] = (code, time.perf_counter() - started)
    print("\n=== summary ===")
    for name, (code, seconds) in results.items():
        print(f"{name:<8} {'met' if code == 0 else 'MISSED'}  ({seconds:.0f} s)")
    return 0 if all(code == 0 for code, _ in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
