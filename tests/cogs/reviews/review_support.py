"""Shared set-up for the official review tests: the sample catalog in the bot's database, and helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.storage.db import open_database
from tests.catalog.sample import sample_titles
from tests.conftest import seed_titles

CORPUS = Path(__file__).resolve().parents[2] / "reviews" / "corpus"
METALLIC_ROUGE, CAROLE, FRIEREN, DEATH_PARADE, MONSTER = 9, 10, 24, 8, 14


async def seed_catalog(path: str | Path) -> None:
    """The shared sample catalog in the database, before the bot loads it."""
    await seed_titles(path, sample_titles())


def corpus(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def components(message_or_response: Any) -> list[dict[str, Any]]:
    """Every component of a message (raw dicts or discord.py rows), flattened out of its rows, as dicts."""
    out: list[dict[str, Any]] = []
    for row in message_or_response.components:
        if isinstance(row, dict):
            out.extend(row.get("components", []))
        else:
            out.extend(child.to_dict() for child in row.children)
    return out


def custom_ids(message_or_response: Any) -> list[str]:
    return [c.get("custom_id", "") for c in components(message_or_response)]


def button_id(result: Any, action: str) -> str:
    """The custom_id of the preview's Publish / Edit / Cancel button."""
    return next(i for i in custom_ids(result.response) if i.startswith(f"review:{action}:"))


def fields(embed: Any) -> dict[str, str]:
    return {field.name: field.value for field in embed.fields}


def posts(channel: Any) -> list[Any]:
    """The review posts in a channel: the bot's messages with an embed."""
    return [m for m in channel.history() if m.author.bot and m.embeds]


def answered_errors(env: Any) -> list[type]:
    """Kinds of errors the bot raised and answered as friendly text (reading env.errors acknowledges them)."""
    found = []
    for error in env.errors:
        cause = getattr(error, "original", None) or error.__cause__ or error
        found.append(type(cause))
    return found


async def rows(settings: Settings, sql: str) -> list[tuple]:
    """Rows of a query on the bot's database file, read with a connection of its own."""
    db = await open_database(settings.database)
    try:
        return [tuple(r) for r in await db.fetchall(sql)]
    finally:
        await db.close()
