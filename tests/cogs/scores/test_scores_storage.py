"""/rate when the storage is full or read-only: a clear private message, one log line, nothing stored."""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

import pytest

from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage.sqlite import SQLiteDatabase


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles):
    return create_bot(settings)


async def ratings(bot: KansouBot) -> int:
    row = await bot.db.fetchone("SELECT COUNT(*) FROM ratings")
    assert row is not None
    return int(row[0])


def fail_writes_as_on_a_full_disk(bot: KansouBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write raises what SQLite raises when the disk is full (a real full disk is hard to make in a test)."""
    assert isinstance(bot.db, SQLiteDatabase)
    conn = bot.db._conn
    for name in ("execute", "execute_fetchall"):
        monkeypatch.setattr(conn, name, refusing_writes(getattr(conn, name)))


def refusing_writes(original: Any) -> Any:
    def run(sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")
        return original(sql, *args)

    return run


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("says", "reason"),
    [
        ("kansou's storage is full, so nothing was saved", "full"),
        ("kansou's storage is read-only right now, so nothing was saved", "read-only"),
    ],
)
async def test_rate_on_full_or_read_only_storage_says_so_privately(  # noqa: PLR0917 (pytest fixtures)
    world, simcord_bot: KansouBot, simcord_env, caplog, monkeypatch: pytest.MonkeyPatch, says: str, reason: str
) -> None:
    caplog.set_level(logging.INFO, logger="kansou.commands")
    if reason == "full":
        fail_writes_as_on_a_full_disk(simcord_bot, monkeypatch)
    else:
        await simcord_bot.db.execute("PRAGMA query_only = 1")  # SQLite's own read-only refusal
    result = await world.member("alice").slash(world.channel, "rate", title="t:9", score=9)
    assert result.ephemeral
    assert says in result.response.content and "admin has been told in the log" in result.response.content
    lines = [r for r in caplog.records if r.name == "kansou.commands" and "/rate" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.WARNING and lines[0].exc_info is None
    assert f"storage {reason}" in lines[0].getMessage()
    assert [e for e in simcord_env.errors if "incident" in str(e)] == []
    monkeypatch.undo()
    await simcord_bot.db.execute("PRAGMA query_only = 0")
    assert await ratings(simcord_bot) == 0
