"""`python -m bot db copy` as an operator runs it: killed midway, it leaves the PostgreSQL target empty."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

from bot.storage.db import open_database
from tests.pg_cluster import PgCluster
from tests.storage.copy_support import fill_every_table

ROOT = Path(__file__).resolve().parent.parent.parent
BULK_MEMBERS = 40_000  # ratings beyond one copy batch (10,000 rows), so there is a "midway"


async def big_source(path: Path) -> int:
    """A source with every table filled and enough ratings for several batches; its rating count."""
    db = await open_database(path)
    try:
        await fill_every_table(db)
        titles = [int(row[0]) for row in await db.fetchall("SELECT id FROM titles WHERE local = 0")]
        await db.executemany(
            "INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (?, ?, ?, ?)",
            [(5, title, member, 1 + (member + title) % 10) for title in titles for member in range(BULK_MEMBERS)],
        )
        row = await db.fetchone("SELECT COUNT(*) FROM ratings")
        assert row is not None
        return int(row[0])
    finally:
        await db.close()


def start_copy(source: Path, target: str, *extra: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "KANSOU_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "--env-file", os.devnull, "db", "copy", str(source), target, *extra],
        cwd=ROOT,
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


async def kansou_rows(url: str, source: Path) -> dict[str, int]:
    """Rows in the target's copies of the source's tables (0 for one not created yet)."""
    with sqlite3.connect(source) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    target = await asyncpg.connect(url)
    try:
        return {
            table: await target.fetchval(f'SELECT COUNT(*) FROM "{table}"')
            if await target.fetchval("SELECT to_regclass($1) IS NOT NULL", table)
            else 0
            for table in tables
        }
    finally:
        await target.close()


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT], ids=["killed", "ctrl-c"])
async def test_a_copy_stopped_midway_leaves_the_target_empty_and_a_second_run_completes(
    tmp_path: Path, pg_cluster: PgCluster, stop: signal.Signals
) -> None:
    source = tmp_path / "kansou.db"
    ratings = await big_source(source)
    target = pg_cluster.create_database(f"stopped_copy_{stop.name.lower()}")
    process = start_copy(source, target)
    assert process.stdout is not None
    seen: list[str] = []
    try:
        for line in process.stdout:
            seen.append(line)
            if line.strip().startswith("ratings:") and " of " in line:  # mid-table, after a batch went in
                process.send_signal(stop)
                break
        seen.extend(process.stdout)  # what it says on the way out
        process.wait(30)
    finally:
        process.kill()
    output = "".join(seen)
    assert "verified" not in output, output  # it was stopped before the end
    if stop == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL, output
    else:
        assert "db copy interrupted: nothing was committed" in output and "Traceback" not in output, output
    rows = await kansou_rows(target, source)
    assert set(rows.values()) == {0}, rows

    again = start_copy(source, target)
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0, output
    assert "verified" in output and "Traceback" not in output
    assert (await kansou_rows(target, source))["ratings"] == ratings
