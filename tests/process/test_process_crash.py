"""kill -9 of the real process: every score it acknowledged is in the database afterwards."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

from tests.bot_process import bot_process, fake_discord, frieren, rate_burst


async def test_kill_9_loses_no_acknowledged_score(tmp_path: Path) -> None:
    db_path = tmp_path / "kansou.db"
    async with fake_discord() as fake, bot_process(fake, db_path, catalog=frieren()) as bot:
        await bot.wait_connected()
        await fake.ask(fake.slash_payload("rate", user_id=3, title="Frieren", score=5))
        burst = await rate_burst(fake, 60)
        await asyncio.wait_for(asyncio.gather(*(answer.done.wait() for answer in burst[:40])), 10)
        bot.signal(signal.SIGKILL)
        assert await bot.wait_exit(5) == -signal.SIGKILL
    acknowledged = {n for n, answer in enumerate(burst) if answer.done.is_set()}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {user for (user,) in conn.execute("SELECT user_id FROM ratings WHERE user_id >= 10")}
    assert len(acknowledged) >= 40
    assert {10 + n for n in acknowledged} <= stored
