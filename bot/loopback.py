"""TEST ONLY: point discord.py at a local fake of Discord (tests/fake_discord.py) instead of discord.com.

Only the process-level tests and the load benchmark set KANSOU_TEST_DISCORD_URL; it is not a setting
and .env files are not read for it. Loopback addresses only, so a stray value can never send the
token anywhere but this machine.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import ConfigError

log = logging.getLogger(__name__)

ENV = "KANSOU_TEST_DISCORD_URL"
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def use_test_discord(environ: Mapping[str, str] = os.environ) -> str | None:
    """Send discord.py's HTTP and gateway traffic to the fake named in the environment, if any."""
    raw = environ.get(ENV, "").strip()
    if not raw:
        return None
    url = yarl.URL(raw)
    if url.scheme != "http" or url.host not in LOOPBACK or url.port is None:
        raise ConfigError(f"{ENV} is for tests only and must be http://127.0.0.1:PORT, not {raw!r}")
    Route.BASE = str(url / "api" / "v10")
    DiscordWebSocket.DEFAULT_GATEWAY = url.with_scheme("ws") / "gateway"
    log.warning("TEST ONLY: talking to a fake Discord at %s (%s is set)", url, ENV)
    return str(url)
