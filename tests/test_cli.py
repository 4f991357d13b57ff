"""The command line, run as a user would (subprocesses for the exits, main() for the rest)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.__main__ import main
from bot.storage.db import migrations, open_database

# Shaped like a bot token (its first segment encodes the id 123456789012345678); not a real one.
SHAPED_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl." + "x" * 38


def run_kansou(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "KANSOU_"))}
    # This checkout's code, not whichever kansou the interpreter has installed.
    environ.update({"KANSOU_DB": str(tmp_path / "k.db"), "PYTHONPATH": str(Path(__file__).parents[1]), **env})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_token_exits_2_with_instructions_and_no_traceback(tmp_path: Path) -> None:
    result = run_kansou(tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr
    assert "applications.commands" in result.stderr and "developer" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_empty_token_in_env_file_is_the_same_as_none(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=\n")
    result = run_kansou(tmp_path, "run")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_version_flag_prints_the_version(capsys) -> None:
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert "kansou 0.1.0" in capsys.readouterr().out


def test_malformed_setting_is_reported_clearly(tmp_path: Path) -> None:
    result = run_kansou(tmp_path, "check", KANSOU_DEV_GUILD="not-a-number")
    assert result.returncode == 2
    assert "KANSOU_DEV_GUILD must be a server id" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_reports_the_database_and_fails_without_a_token(tmp_path: Path) -> None:
    result = run_kansou(tmp_path, "check", DISCORD_TOKEN=SHAPED_TOKEN)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "database file does not exist yet" in result.stdout
    missing = run_kansou(tmp_path, "check")
    assert missing.returncode == 1 and "DISCORD_TOKEN is not set" in missing.stdout


async def test_check_reads_an_existing_database(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "k.db")
    await db.close()
    result = run_kansou(tmp_path, "check", DISCORD_TOKEN=SHAPED_TOKEN)
    assert result.returncode == 0, result.stdout
    assert "integrity: ok" in result.stdout and "titles: 0" in result.stdout


async def test_db_backup_writes_a_copy(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "k.db")
    await db.execute("INSERT INTO bot_state (key, value) VALUES ('x', 'y')")
    await db.close()
    result = run_kansou(tmp_path, "db", "backup", str(tmp_path / "copy.db"))
    assert result.returncode == 0, result.stderr
    copy = await open_database(tmp_path / "copy.db")
    try:
        row = await copy.fetchone("SELECT value FROM bot_state WHERE key = 'x'")
        assert row is not None and row[0] == "y"
    finally:
        await copy.close()
    again = run_kansou(tmp_path, "db", "backup", str(tmp_path / "copy.db"))
    assert again.returncode == 1 and "already exists" in again.stderr


async def test_check_reports_score_aggregate_drift(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "k.db")
    try:
        await db.execute("INSERT INTO titles (id, name) VALUES (1, 'Cowboy Bebop')")
        await db.execute("INSERT INTO ratings (guild_id, title_id, user_id, score) VALUES (9, 1, 5, 8)")
        clean = run_kansou(tmp_path, "check", DISCORD_TOKEN=SHAPED_TOKEN)
        assert clean.returncode == 0 and "score aggregates: exact" in clean.stdout, clean.stdout
        await db.execute("UPDATE rating_aggregates SET total = total + 3 WHERE guild_id = 9")
    finally:
        await db.close()
    drifted = run_kansou(tmp_path, "check", DISCORD_TOKEN=SHAPED_TOKEN)
    assert drifted.returncode == 1
    assert "aggregates drifted (server 9, title 1)" in drifted.stdout


def test_a_rejected_token_is_one_clear_line(tmp_path: Path, monkeypatch, capsys) -> None:
    import discord

    from bot.client import KansouBot

    async def reject(self, token: str, *, reconnect: bool = True) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(KansouBot, "start", reject)
    monkeypatch.setenv("DISCORD_TOKEN", "not-a-real-token")
    monkeypatch.setenv("KANSOU_DB", str(tmp_path / "k.db"))
    code = main(["--env-file", os.devnull, "run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Discord rejected the token" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_an_env_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    result = run_kansou(tmp_path, "--env-file", "nope.env", "check", DISCORD_TOKEN=SHAPED_TOKEN)
    assert result.returncode == 2
    assert result.stderr.strip() == "kansou: the settings file given with --env-file does not exist: nope.env"
    assert result.stdout == ""
    (tmp_path / "there.env").write_text(f"DISCORD_TOKEN={SHAPED_TOKEN}\n")
    given = run_kansou(tmp_path, "--env-file", "there.env", "check")
    assert given.returncode == 0, given.stdout + given.stderr
    # Without --env-file, a missing .env is normal: the environment alone may hold the settings.
    assert run_kansou(tmp_path, "check", DISCORD_TOKEN=SHAPED_TOKEN).returncode == 0


def test_check_refuses_a_token_that_is_not_shaped_like_one_and_says_what_it_checked(tmp_path: Path) -> None:
    junk = run_kansou(tmp_path, "check", DISCORD_TOKEN="junk")
    assert junk.returncode == 1
    assert "token: set, but not shaped like a Discord bot token" in junk.stdout
    assert "PROBLEM: DISCORD_TOKEN does not look like a bot token: a bot token is three segments" in junk.stdout
    assert "1 problem\n" in junk.stdout and "problem(s)" not in junk.stdout
    good = run_kansou(tmp_path, "check", DISCORD_TOKEN=SHAPED_TOKEN)
    assert good.returncode == 0
    assert "the first encodes bot id 123456789012345678" in good.stdout and "checked offline" in good.stdout


def _dataset(path: Path) -> Path:
    entry = {"sources": ["https://anilist.co/anime/1"], "title": "Cowboy Bebop", "type": "TV", "tags": []}
    path.write_text(json.dumps({"data": [entry]}))
    return path


def test_catalog_import_on_a_new_database_does_not_list_migrations(tmp_path: Path) -> None:
    result = run_kansou(tmp_path, "catalog", "import", str(_dataset(tmp_path / "data.json")))
    assert result.returncode == 0, result.stderr
    assert "migration" not in result.stderr
    assert result.stdout.startswith("Catalog imported:")


def test_catalog_import_that_upgrades_an_existing_database_logs_each_migration(tmp_path: Path) -> None:
    first = migrations()[0]
    with sqlite3.connect(tmp_path / "k.db") as conn:
        conn.executescript(first[2])
        conn.execute(f"PRAGMA user_version = {first[0]}")
    result = run_kansou(tmp_path, "catalog", "import", str(_dataset(tmp_path / "data.json")))
    assert result.returncode == 0, result.stderr
    applied = [line for line in result.stderr.splitlines() if "applied migration" in line]
    assert len(applied) == len(migrations()) - 1
    assert all(" INFO " in line for line in applied)
