"""Start-up time and resident memory of the real bot with the full-size catalog.

Run: python -m benchmarks.bot_memory_bench. The catalog is imported by the command line first
(`catalog import`, which also saves the title index), then the bot is started in fresh processes,
several times: each runs setup_hook (database, catalog, services, every cog; command sync, a network
call, is left out) and answers a resolve and an autocomplete. Reported: time from process start to
that first answer, and the process's resident memory then, min / median / max with the load average.
Targets (issue 12): ready in <= 2 s, <= 120 MB resident.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import write_catalog

READY_SECONDS = 2.0
TARGET_MB = 120


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def start_bot(db_path: Path) -> dict[str, float]:
    """Start the bot as `python -m bot run` does up to the gateway, then answer once from the catalog."""
    from bot.client import create_bot
    from bot.config import Settings

    bot = create_bot(Settings(token=None, db_path=db_path, anilist=False))

    async def no_sync() -> str:
        return "skipped"

    bot.sync_commands = no_sync  # type: ignore[method-assign]
    await bot.setup_hook()
    answered = bool(bot.catalog.resolve("zui ni")) | bool(await bot.catalog.complete("ka", None))
    ready = time.time()
    result = {"ready_at": ready, "rss_mb": rss_mb(), "titles": len(bot.catalog), "answered": answered}
    await bot.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=40_000)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(start_bot(args.child))))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        catalog, db_path = Path(scratch) / "catalog.json", Path(scratch) / "kansou.db"
        write_catalog(catalog, n_titles=args.titles)
        env = {**os.environ, "KANSOU_DB": str(db_path), "KANSOU_LOG_LEVEL": "WARNING"}
        command = [sys.executable, "-m", "bot", "catalog", "import", str(catalog)]
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True)
        print(f"catalog import with the saved index: {time.perf_counter() - started:.1f} s")
        runs = []
        for _ in range(args.starts):
            load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
            spawned = time.time()
            child = [sys.executable, "-m", "benchmarks.bot_memory_bench", "--child", str(db_path)]
            output = subprocess.run(child, env=env, check=True, capture_output=True, text=True).stdout
            result = json.loads(output.splitlines()[-1])
            result["seconds"] = result["ready_at"] - spawned
            print(
                f"start: {result['titles']:,} titles, answering after {result['seconds']:.2f} s, "
                f"{result['rss_mb']:.0f} MB resident (load average {load})"
            )
            runs.append(result)
    seconds, memory = [run["seconds"] for run in runs], [run["rss_mb"] for run in runs]
    ready_ok = statistics.median(seconds) <= READY_SECONDS
    memory_ok = statistics.median(memory) <= TARGET_MB
    print(
        f"process start -> answering: {min(seconds):.2f} / {statistics.median(seconds):.2f} / {max(seconds):.2f} s "
        f"(min / median / max; target <= {READY_SECONDS:.0f} s) {'ok' if ready_ok else 'MISSED'}"
    )
    print(
        f"resident memory: {min(memory):.0f} / {statistics.median(memory):.0f} / {max(memory):.0f} MB "
        f"(target <= {TARGET_MB} MB) {'ok' if memory_ok else 'MISSED'}"
    )
    return 0 if ready_ok and memory_ok and all(run["answered"] for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
