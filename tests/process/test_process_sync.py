"""Command registration is checked against what Discord has, not only against the stored hash."""

from __future__ import annotations

import signal
from pathlib import Path

from tests.bot_process import bot_process, fake_discord
from tests.fake_discord import FakeDiscord


def command_puts(fake: FakeDiscord) -> int:
    return sum(1 for method, path in fake.requests if method == "PUT" and path.endswith("/commands"))


async def start_and_stop(fake: FakeDiscord, db_path: Path) -> str:
    async with bot_process(fake, db_path) as bot:
        await bot.wait_connected()
        bot.signal(signal.SIGTERM)
        assert await bot.wait_exit(10) == 0
        return bot.output


async def test_a_stored_hash_that_discord_disagrees_with_is_synced_again(tmp_path: Path) -> None:
    db_path = tmp_path / "kansou.db"
    async with fake_discord() as first:
        await start_and_stop(first, db_path)
        assert command_puts(first) == 1
        output = await start_and_stop(first, db_path)  # Discord agrees: the hash is the fast path
        assert command_puts(first) == 1 and "not synced again" in output
    async with fake_discord() as moved:  # e.g. the database moved to another application: zero commands
        output = await start_and_stop(moved, db_path)
        assert command_puts(moved) == 1
        assert "Discord lacks /about," in output
        assert {"rate", "score", "review"} <= {command["name"] for command in moved.commands}


async def test_a_command_changed_on_discords_side_is_put_back(tmp_path: Path) -> None:
    db_path = tmp_path / "kansou.db"
    async with fake_discord() as fake:
        await start_and_stop(fake, db_path)
        rate = next(command for command in fake.commands if command["name"] == "rate")
        rate["description"] = "edited elsewhere"
        fake.commands = [command for command in fake.commands if command["name"] != "top"]
        output = await start_and_stop(fake, db_path)
        assert command_puts(fake) == 2
        assert "Discord lacks /top" in output and "older versions of /rate" in output
