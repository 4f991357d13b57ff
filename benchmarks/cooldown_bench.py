"""The per-member /rate cooldown check at 0 / 10,000 / 20,000 / 50,000 live stamps.

Run: python -m benchmarks.cooldown_bench

Measures RatingService's check-and-stamp step (the part of /rate that runs on the event loop with
no await), 2,000 new members per round, 7 rounds per size: min / median / max of the mean per call.
Target: at 50,000 stamps the median stays under 20 µs per call (it used to be milliseconds: the
table was rebuilt on every call once it held 10,000 stamps; 1.4 ms at 10,000, 3.2 ms at 20,000).
"""

from __future__ import annotations

import statistics
import sys
import time
from typing import cast

from bot.scores.service import RatingService
from bot.storage.ratings import RatingRepo
from bot.storage.settings import SettingsRepo

SIZES = (0, 10_000, 20_000, 50_000)
CALLS = 2_000
ROUNDS = 7


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 0.0001
        return self.now


def mean_call_us(size: int) -> float:
    service = RatingService(cast(RatingRepo, None), cast(SettingsRepo, None), clock=Clock())
    for member in range(size):
        service._take_cooldown((1, member), 60)
    started = time.perf_counter()
    for member in range(size, size + CALLS):
        service._take_cooldown((1, member), 60)
    return (time.perf_counter() - started) / CALLS * 1e6


def main() -> int:
    medians = {}
    for size in SIZES:
        samples = [mean_call_us(size) for _ in range(ROUNDS)]
        medians[size] = statistics.median(samples)
        print(
            f"{size:>6,} stamps: per call min {min(samples):6.2f} µs  median {medians[size]:6.2f} µs  "
            f"max {max(samples):6.2f} µs"
        )
    worst = medians[SIZES[-1]]
    print(f"target: median at {SIZES[-1]:,} stamps <= 20 µs per call: {'met' if worst <= 20 else 'MISSED'}")
    return 0 if worst <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
