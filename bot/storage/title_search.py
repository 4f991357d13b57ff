"""Catalog titles found by name in the database: what answers while the in-memory index is built.

Plain SQL that SQLite and PostgreSQL both read the same way: LOWER(...) LIKE with an explicit escape
character, a UNION ALL ordered by one of its own columns. Every query scans the names (no index
helps a LIKE with a leading wildcard), which is fine for the seconds a first start takes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from bot.catalog.models import Title
from bot.storage.db import Database
from bot.storage.titles import TITLE_COLUMNS, title_of

_LIKE_ESCAPE = "\\"
# Titles read per query by catalog_titles.
BATCH = 5000


def like_literal(text: str) -> str:
    """Text to match literally inside a LIKE pattern (its %, _ and the escape character escaped)."""
    for special in (_LIKE_ESCAPE, "%", "_"):
        text = text.replace(special, _LIKE_ESCAPE + special)
    return text


def words_pattern(words: Sequence[str], *, anywhere: bool) -> str:
    """A LIKE pattern for names holding these words in this order (starting with the first unless anywhere)."""
    pattern = "%".join(like_literal(word) for word in words) + "%"
    return "%" + pattern if anywhere else pattern


class TitleSearchRepo:
    """Catalog (not local) titles by name, straight from the titles and title_names tables."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def catalog_titles(self, batch: int = BATCH) -> AsyncIterator[list[Title]]:
        """Every catalog title with its source pages, without its other names: batch by batch, by id
        (so a caller keeping them compactly never holds them all as objects)."""
        after = 0
        while True:
            rows = await self.db.fetchall(
                f"SELECT {TITLE_COLUMNS} FROM titles WHERE local = 0 AND id > ? ORDER BY id LIMIT ?",
                (after, batch),
            )
            if not rows:
                return
            last = int(rows[-1]["id"])
            sources: dict[int, list[str]] = {}
            for title_id, url in await self.db.fetchall(
                "SELECT title_id, url FROM title_sources WHERE title_id > ? AND title_id <= ? ORDER BY url",
                (after, last),
            ):
                sources.setdefault(title_id, []).append(url)
            yield [title_of(row, sources=sources.get(row["id"], ())) for row in rows]
            after = last

    async def names_with(self, words: Sequence[str], *, anywhere: bool, limit: int) -> list[tuple[int, str, bool]]:
        """(title id, name, whether it is the main name) for names holding these lower-case words in order.

        A name must start with the first word unless anywhere. Shortest names first (the closest to what
        was typed), at most limit. Local titles' main names are left out; other names belong to catalog
        titles only.
        """
        pattern = words_pattern(words, anywhere=anywhere)
        rows = await self.db.fetchall(
            "SELECT id AS title_id, name, 1 AS main, LENGTH(name) AS size FROM titles "
            "WHERE local = 0 AND LOWER(name) LIKE ? ESCAPE '\\' "
            "UNION ALL "
            "SELECT title_id, name, 0 AS main, LENGTH(name) AS size FROM title_names "
            "WHERE LOWER(name) LIKE ? ESCAPE '\\' "
            "ORDER BY size, title_id LIMIT ?",
            (pattern, pattern, limit),
        )
        return [(int(row["title_id"]), str(row["name"]), bool(row["main"])) for row in rows]
