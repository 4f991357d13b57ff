"""Resident memory of the real bot with the full-size catalog loaded the way setup_hook loads it.

Run: python -m benchmarks.bot_memory_bench. The catalog is imported by the command line in a child
process first, so this process holds only what the bot itself holds. Target: <= 250 MB.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import write_catalog
from bot.catalog.anilist import AniListClient
from bot.client import create_bot
from bot.config import Settings
from bot.storage.db import Database

TARGET_MB = 250


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def measure(db_path: Path) -> tuple[float, float, int]:
    bot = create_bot(Settings(token=None, db_path=db_path, anilist=False))
    bot.db = await Database.open(db_path)
    bot.anilist = AniListClient(enabled=False)  # enrichment is off here, as with KANSOU_ANILIST=0
    started = time.perf_counter()
    await bot.load_catalog()
    seconds = time.perf_counter() - started
    count = len(bot.catalog)
    await bot.db.close()
    return rss_mb(), seconds, count


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        catalog, db_path = Path(scratch) / "catalog.json", Path(scratch) / "kansou.db"
        write_catalog(catalog, n_titles=40_000)
        env = {**os.environ, "KANSOU_DB": str(db_path), "KANSOU_LOG_LEVEL": "WARNING"}
        subprocess.run([sys.executable, "-m", "bot", "catalog", "import", str(catalog)], env=env, check=True)
        before = rss_mb()
        after, seconds, count = asyncio.run(measure(db_path))
    print(f"bot process before the catalog: {before:.0f} MB (discord.py and kansou imported)")
    print(
        f"catalog loaded: {count:,} titles in {seconds:.1f} s; resident memory {after:.0f} MB "
        f"(target <= {TARGET_MB} MB)"
    )
    return 0 if after <= TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
