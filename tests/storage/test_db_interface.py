"""The storage interface every backend offers: transactions through Tx, typed errors, notifications."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.db import CheckViolation, Database, ForeignKeyViolation, UniqueViolation


async def test_a_transaction_reports_rows_changed_and_reads_its_own_writes(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.executemany("INSERT INTO bot_state (key, value) VALUES (?, ?)", [("a", "1"), ("b", "2")])
        assert await tx.execute("UPDATE bot_state SET value = 'x' WHERE key IN ('a', 'b')") == 2
        row = await tx.fetchone("SELECT value FROM bot_state WHERE key = :key", {"key": "a"})
        assert row is not None and row["value"] == "x" and row[0] == "x"
    assert [tuple(r) for r in await db.fetchall("SELECT key, value FROM bot_state ORDER BY key")] == [
        ("a", "x"),
        ("b", "x"),
    ]


async def test_constraint_errors_are_typed_and_leave_nothing_behind(db: Database) -> None:
    with pytest.raises(ForeignKeyViolation):
        await db.execute("INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (1, 999, 1, 5)")
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'v')")
    with pytest.raises(UniqueViolation):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO bot_state (key, value) VALUES ('other', 'v')")
            await tx.execute("INSERT INTO bot_state (key, value) VALUES ('k', 'again')")
    with pytest.raises(CheckViolation):
        await db.execute("INSERT INTO guild_settings (guild_id, min_votes) VALUES (1, 0)")
    assert [r[0] for r in await db.fetchall("SELECT key FROM bot_state")] == ["k"]


async def test_a_notification_reaches_every_listener_of_its_channel_only(db: Database) -> None:
    heard: list[tuple[str, str]] = []
    got = asyncio.Event()

    def on_settings(payload: str) -> None:
        heard.append(("settings", payload))
        got.set()

    await db.listen("kansou_settings", on_settings)
    await db.listen("kansou_other", lambda payload: heard.append(("other", payload)))
    await db.notify("kansou_settings", "guild 42")
    await asyncio.wait_for(got.wait(), 5)
    assert heard == [("settings", "guild 42")]
    await db.unlisten("kansou_settings", on_settings)
    got.clear()
    await db.notify("kansou_settings", "guild 43")
    await asyncio.sleep(0.2)
    assert heard == [("settings", "guild 42")]
