"""`python -m bot` without a subcommand, `python -m bot sandbox`, and the message when the extra is missing."""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

import bot.__main__ as cli
import bot.cli.sandbox as sandbox_cli
from bot.config import Settings
from bot.sandbox.app import graphical_browser_likely
from tests.bot_process import ROOT

URL = re.compile(r"http://127\.0\.0\.1:\d+/#[\w-]{20,}")


def clean_environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The process environment without kansou's or Discord's settings; BROWSER=true opens no window."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "KANSOU_"))}
    # PYTHONPATH: the checkout under test, not whatever copy of kansou the environment has installed.
    environ.update({"KANSOU_DB": str(tmp_path / "kansou.db"), "BROWSER": "true", "PYTHONPATH": str(ROOT), **extra})
    environ["PYTHONFAULTHANDLER"] = "1"  # a hung process shows its threads' stacks on SIGABRT
    return environ


def settings(tmp_path: Path, token: str | None) -> Settings:
    return Settings(token=token, db_path=tmp_path / "kansou.db")


@pytest.mark.parametrize(
    ("token", "at_terminal", "expected"),
    [
        ("a-token", True, "run_bot"),
        ("a-token", False, "run_bot"),
        (None, True, "sandbox_instead_of_discord"),
        (None, False, "run_bot"),
    ],
)
def test_no_subcommand_picks_discord_the_sandbox_or_the_token_help(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, token: str | None, at_terminal: bool, expected: str
) -> None:
    """A token always means Discord; without one, only someone at a terminal gets the sandbox."""
    monkeypatch.setattr(cli, "interactive", lambda: at_terminal)
    assert cli.default_command(settings(tmp_path, token)).__name__ == expected


def test_no_token_and_no_terminal_exits_2_with_the_token_steps(tmp_path: Path) -> None:
    """What a service manager sees: today's message and status 2, no sandbox."""
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_environ(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "applications.commands" in result.stderr
    assert "sandbox" not in result.stdout and not URL.search(result.stdout + result.stderr)


def read_until(fd: int, pattern: re.Pattern[str], timeout: float) -> str:
    """Everything the terminal shows until the pattern appears (or the process ends, or time runs out)."""
    seen, deadline = "", time.monotonic() + timeout
    while not pattern.search(seen) and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the process closed the terminal
            break
        if not chunk:
            break
        seen += chunk.decode("utf-8", "replace")
    return seen


def exit_code(process: subprocess.Popen[bytes], leader: int, shown: str, within: float) -> int:
    """The exit code; if the process is still running after `within` seconds, fail with what it showed
    and where each of its threads was (faulthandler, on SIGABRT)."""
    try:
        return process.wait(timeout=within)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGABRT)
        shown += read_until(leader, re.compile(r"(?!)"), timeout=5)
        pytest.fail(f"still running {within} s after Ctrl-C; the terminal showed:\n{shown}")


def test_no_token_at_a_terminal_starts_the_sandbox_and_says_so_first(tmp_path: Path) -> None:
    """First line: sandbox mode; then how to go live; then the loopback URL; Ctrl-C stops it cleanly."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=clean_environ(tmp_path),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
    )
    os.close(follower)
    try:
        shown = read_until(leader, URL, timeout=90)
        assert URL.search(shown), shown
        lines = [line for line in shown.replace("\r", "").splitlines() if line.strip()]
        assert lines[0] == sandbox_cli.SANDBOX_INSTEAD
        assert "DISCORD_TOKEN=" in shown and "python -m bot run" in shown
        assert (tmp_path / "kansou-sandbox.db").exists() and not (tmp_path / "kansou.db").exists()
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        shown += read_until(leader, re.compile("stopped"), timeout=30)
        assert exit_code(process, leader, shown, within=30) == 0
        assert "kansou sandbox stopped." in shown and "Traceback" not in shown
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(leader)


def test_run_stays_strict_at_a_terminal(tmp_path: Path) -> None:
    """`python -m bot run` never falls back to the sandbox, even for someone at a terminal."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=clean_environ(tmp_path),
        stdin=follower,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    try:
        assert process.wait(timeout=60) == 2
        shown = read_until(leader, re.compile("Then start kansou again"), timeout=5)
        assert "DISCORD_TOKEN" in shown and not URL.search(shown)
    finally:
        os.close(leader)


def test_missing_extra_says_exactly_how_to_install_it(tmp_path: Path) -> None:
    """Without simcord's preview (here: simcord hidden from the import system) the command names the install."""
    code = "import sys; sys.modules['simcord'] = None; from bot.__main__ import main; sys.exit(main(['sandbox']))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=clean_environ(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "[sandbox]" in result.stderr and "simcord" in result.stderr
    assert f"{sys.executable} -m pip install" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "kansou-sandbox.db").exists()


async def test_missing_extra_leaves_no_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sandbox_cli, "missing_modules", lambda: ["av"])
    args = argparse.Namespace(db=tmp_path / "s.db", reset=False, no_browser=True, port=None)
    assert await sandbox_cli.run_sandbox(args, settings(tmp_path, None)) == 2
    assert "missing here: av" in capsys.readouterr().err
    assert not (tmp_path / "s.db").exists()


@pytest.mark.parametrize(
    ("environ", "platform", "opens"),
    [
        ({}, "linux", False),  # a server console: webbrowser would start lynx or w3m in the terminal
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"BROWSER": "firefox"}, "linux", True),
        ({}, "darwin", True),
        ({}, "win32", True),
    ],
)
def test_a_browser_is_opened_only_where_it_can_show_a_window(
    environ: dict[str, str], platform: str, opens: bool
) -> None:
    assert graphical_browser_likely(environ, platform) is opens


def test_a_taken_port_is_reported_without_a_traceback(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "bot", "sandbox", "--no-browser", "--port", str(port)],
            cwd=tmp_path,
            env=clean_environ(tmp_path),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert "kansou sandbox could not start" in result.stderr and f"another program using port {port}" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout and "stopped" in result.stdout


def test_a_port_out_of_range_is_refused_by_the_command_line(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["sandbox", "--port", "70000"])
    assert exited.value.code == 2
    assert "a port is a number from 1 to 65535" in capsys.readouterr().err


async def test_the_real_database_is_refused(tmp_path: Path, capsys) -> None:
    """--db naming kansou's own database (KANSOU_DB) is refused: the sandbox writes demo data and --reset deletes."""
    real = tmp_path / "kansou.db"
    real.write_bytes(b"precious")
    args = argparse.Namespace(db=real, reset=True, no_browser=True, port=None)
    assert await sandbox_cli.run_sandbox(args, settings(tmp_path, None)) == 2
    assert "KANSOU_DB" in capsys.readouterr().err
    assert real.read_bytes() == b"precious"
