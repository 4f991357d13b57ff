"""The real process publishing a review while Discord drops the connection: no post is left without a review."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from tests.bot_process import bot_process, fake_discord, frieren
from tests.process.test_process_bound import MODERATOR, REVIEW, custom_ids, filled_modal, review_post_payload


async def test_a_connection_dropped_while_opening_the_thread_leaves_no_post(tmp_path: Path) -> None:
    db_path = tmp_path / "kansou.db"
    async with fake_discord() as fake, bot_process(fake, db_path, catalog=frieren()) as bot:
        await bot.wait_connected()
        shown = await fake.ask(review_post_payload(fake))
        preview = await fake.ask(filled_modal(fake, shown.callbacks[0]["data"], REVIEW))
        data = preview.callbacks[0]["data"]
        publish = next(i for i in custom_ids(data["components"]) if i.startswith("review:publish:"))
        fake.drop.add(("POST", "channels/{id}/messages/{id}/threads"))
        press = fake.interaction(3, {"custom_id": publish, "component_type": 2}, user_id=MODERATOR)
        press["message"] = fake.message(data)
        answer = await fake.send(press)
        for _ in range(200):  # the click is deferred, then answered by editing the original response
            if answer.messages:
                break
            await asyncio.sleep(0.05)
        said = answer.messages[-1]["content"]
        assert "Nothing was published" in said and "connection to Discord dropped" in said, said
        assert any(m == "POST" and p.endswith("/threads") for m, p in fake.requests)
        assert fake.posted == {}  # the post was created, then taken down again
        assert "Traceback" not in bot.output
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM reviews").fetchone() == (0,)
