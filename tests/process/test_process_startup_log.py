"""What an operator reads when kansou starts: one line per phase, no voice warnings, no migration list."""

from __future__ import annotations

import re
import signal
from pathlib import Path

from tests.bot_process import BotProcess, bot_process, fake_discord

PHASES = ("storage ready: ", "catalog loaded: ", "commands ", "connected to Discord as ")


def startup_lines(bot: BotProcess) -> list[str]:
    """The log lines up to the connected line, without the test harness's own TEST ONLY warning."""
    lines = [line for line in bot.lines if "TEST ONLY" not in line]
    end = next(i for i, line in enumerate(lines) if "connected to Discord as " in line)
    return lines[: end + 1]


async def test_start_logs_one_line_per_phase_and_nothing_about_voice(tmp_path: Path) -> None:
    async with fake_discord() as fake:
        bot = BotProcess(fake, tmp_path / "kansou.db")  # not bot_process(): that one seeds a new database
        await bot.start()
        try:
            await bot.wait_for_line("connected to Discord as ", within=30)
            first = startup_lines(bot)
            bot.signal(signal.SIGTERM)
            assert await bot.wait_exit(10) == 0
        finally:
            await bot.kill()
        fake.identified.clear()
        async with bot_process(fake, tmp_path / "kansou.db") as bot:
            await bot.wait_for_line("connected to Discord as ", within=30)
            second = startup_lines(bot)
    for lines in (first, second):
        assert len(lines) == len(PHASES), "\n".join(lines)
        for line, phase in zip(lines, PHASES, strict=True):
            assert " INFO " in line and phase in line, "\n".join(lines)
        assert not any("voice" in line or "PyNaCl" in line or "davey" in line for line in bot.lines)
    assert "(new database, schema " in first[0]
    assert "catalog loaded: 0 titles in " in first[1]
    assert re.search(r"commands synced: \d+ commands, globally$", first[2]), first[2]
    assert "in 1 server" in first[3] and "1 servers" not in first[3]
    assert "(schema " in second[0] and "new database" not in second[0]
    assert "commands unchanged since the last sync" in second[2]
