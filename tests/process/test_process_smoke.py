"""The real process over the fake Discord: it logs in, syncs, and answers commands and autocomplete."""

from __future__ import annotations

from pathlib import Path

from tests.bot_process import bot_process, fake_discord, frieren


async def test_the_real_process_logs_in_syncs_and_answers_a_command(tmp_path: Path) -> None:
    async with fake_discord() as fake, bot_process(fake, tmp_path / "kansou.db", catalog=frieren()) as bot:
        await bot.wait_connected()
        assert "rate" in {command["name"] for command in fake.commands}
        answer = await fake.ask(fake.slash_payload("rate", title="Frieren", score=9))
        assert answer.content is not None and "9" in answer.content
        choices = (await fake.ask(fake.autocomplete_payload("score", "title", "frie"))).choices
        assert choices is not None and choices[0]["name"].startswith("Frieren")
        assert fake.unknown == []
