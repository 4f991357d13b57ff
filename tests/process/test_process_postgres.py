"""The real `python -m bot run` on PostgreSQL (KANSOU_DB=postgresql://…): it starts, answers, and a kill -9
loses no score it acknowledged."""

from __future__ import annotations

import asyncio
import signal
import uuid
from pathlib import Path

from bot.storage.postgres import PostgresDatabase
from tests.bot_process import BotProcess, fake_discord, frieren, rate_burst
from tests.conftest import seed_titles
from tests.pg_cluster import PgCluster


async def test_the_process_runs_on_postgresql_and_kill_9_loses_no_acknowledged_score(
    pg_cluster: PgCluster, tmp_path: Path
) -> None:
    name = f"proc_{uuid.uuid4().hex[:12]}"
    url = pg_cluster.create_database(name)
    try:
        await seed_titles(url, frieren())
        async with fake_discord() as fake:
            bot = BotProcess(fake, tmp_path / "unused.db", env={"KANSOU_DB": url, "KANSOU_DATA_DIR": str(tmp_path)})
            await bot.start()
            try:
                await bot.wait_connected()
                ready = await bot.wait_for_line("storage ready")
                assert "postgresql://" in ready and "schema" in ready
                burst = await rate_burst(fake, 40)
                await asyncio.wait_for(asyncio.gather(*(answer.done.wait() for answer in burst[:30])), 15)
                bot.signal(signal.SIGKILL)
                assert await bot.wait_exit(5) == -signal.SIGKILL
            finally:
                await bot.kill()
        acknowledged = {10 + n for n, answer in enumerate(burst) if answer.done.is_set()}
        assert (tmp_path / f"{name}.postgresql-catalog-index").exists()  # derived files in KANSOU_DATA_DIR
        db = await PostgresDatabase.open(url)
        try:
            stored = {int(row[0]) for row in await db.fetchall("SELECT user_id FROM ratings WHERE user_id >= 10")}
            assert await db.fetchone("SELECT 1 FROM rating_aggregates") is not None
        finally:
            await db.close()
        assert len(acknowledged) >= 30 and acknowledged <= stored
    finally:
        pg_cluster.drop_database(name)
