"""Time of importing the full catalog (about 40,000 titles) and of re-importing it, plus load_all.

Run: python -m benchmarks.import_bench [--titles N] [--fmt json|minified|jsonl]
Target: each import under 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.synthetic import write_catalog
from bot.cli.catalog import import_catalog
from bot.storage.sqlite import SQLiteDatabase
from bot.storage.titles import TitleRepo

TARGET_SECONDS = 60.0


def _every_entry_changed(catalog: Path, fmt: str) -> Path:
    """The same catalog with every entry's episodes and synonyms changed: the worst weekly update."""
    changed = catalog.with_name(f"changed.{fmt}")
    text = catalog.read_text(encoding="utf-8")
    if fmt == "jsonl":
        header, *lines = text.splitlines()
        entries = [_changed(json.loads(line)) for line in lines]
        changed.write_text("\n".join([header, *map(json.dumps, entries)]) + "\n", encoding="utf-8")
    else:
        document = json.loads(text)
        document["data"] = [_changed(entry) for entry in document["data"]]
        changed.write_text(json.dumps(document), encoding="utf-8")
    return changed


def _changed(entry: dict[str, Any]) -> dict[str, Any]:
    entry["episodes"] = entry.get("episodes", 0) + 1
    entry["synonyms"] = [*entry.get("synonyms", []), entry["title"] + " (new name)"]
    return entry


async def bench(titles: int, fmt: str) -> bool:
    with tempfile.TemporaryDirectory() as workdir:
        catalog = write_catalog(Path(workdir) / f"catalog.{fmt}", n_titles=titles, fmt=fmt)
        size_mb = catalog.stat().st_size / 1e6
        db = await SQLiteDatabase.open(Path(workdir) / "kansou.db")
        try:
            timings = {}
            changed = _every_entry_changed(catalog, fmt)
            runs = (
                ("first import", catalog),
                ("re-import (unchanged)", catalog),
                ("re-import (changed)", changed),
            )
            for label, path in runs:
                started = time.perf_counter()
                report = await import_catalog(db, path, progress=False)
                timings[label] = time.perf_counter() - started
                print(f"{label:24} {timings[label]:6.2f} s   {report.summary()}")
            started = time.perf_counter()
            loaded = await TitleRepo(db).load_all()
            print(f"{'load_all':24} {time.perf_counter() - started:6.2f} s   {len(loaded)} titles")
        finally:
            await db.close()
    print(f"file: {titles} titles, {fmt}, {size_mb:.1f} MB")
    ok = all(seconds < TARGET_SECONDS for seconds in timings.values())
    print(f"target: every import < {TARGET_SECONDS:.0f} s -> {'PASS' if ok else 'FAIL'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=40_000)
    parser.add_argument("--fmt", choices=("json", "minified", "jsonl"), default="json")
    args = parser.parse_args()
    raise SystemExit(0 if asyncio.run(bench(args.titles, args.fmt)) else 1)


if __name__ == "__main__":
    main()
