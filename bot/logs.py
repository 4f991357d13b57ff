"""What kansou's log says at start: the lines an operator needs, not discord.py's notes about voice."""

from __future__ import annotations

import logging

# kansou never joins voice, so discord.py's warnings about missing voice libraries (PyNaCl, davey) are
# noise that reads like an error; its own log-in and gateway lines repeat kansou's "connected" line.
_DROPPED: dict[str, tuple[str, ...]] = {
    "discord.client": (
        "PyNaCl is not installed, voice will NOT be supported",
        "davey is not installed, voice will NOT be supported",
        "logging in using static token",
    ),
    "discord.voice_state": ("voice will NOT be supported",),
    "discord.gateway": ("Shard ID %s has connected to Gateway (Session ID: %s).",),
}


class _Drop(logging.Filter):
    """Drops records whose message (template or text) contains one of the phrases."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        super().__init__()
        self.phrases = phrases

    def filter(self, record: logging.LogRecord) -> bool:
        template = str(record.msg)
        return not any(phrase in template for phrase in self.phrases)


def quiet_discord_noise() -> None:
    """Install the filters once on discord.py's loggers (idempotent)."""
    for name, phrases in _DROPPED.items():
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Drop) for f in logger.filters):
            logger.addFilter(_Drop(phrases))


def configure_logging(level: str) -> None:
    """One format for every line; discord.py's HTTP chatter from INFO up; voice warnings dropped."""
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )
    logging.getLogger("discord.http").setLevel(max(logging.getLevelName(level), logging.INFO))
    quiet_discord_noise()
