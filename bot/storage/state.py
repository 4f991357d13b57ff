"""Bot-wide state (key/value) and the figures /about and `check` report."""

from __future__ import annotations

from bot.storage.db import Database

# Tables whose row counts /about shows, by label; a table from a later migration may be absent.
COUNTED_TABLES = {"titles": "titles", "reviews": "reviews", "ratings": "ratings"}


class StateRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        row = await self.db.fetchone("SELECT value FROM bot_state WHERE key = ?", (key,))
        return row["value"] if row else None

    async def set(self, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def counts(self) -> dict[str, int]:
        """Row counts of the tables users care about (0 when a table does not exist)."""
        present = await self.db.table_names()
        result = {}
        for label, table in COUNTED_TABLES.items():
            if table in present:
                row = await self.db.fetchone(f"SELECT count(*) FROM {table}")
                result[label] = int(row[0]) if row else 0
            else:
                result[label] = 0
        return result

    async def integrity(self) -> str:
        return await self.db.integrity()
