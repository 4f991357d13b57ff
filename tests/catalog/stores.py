"""A CatalogService over a real database, as the bot builds one, and an AniList that answers from a dict."""

from __future__ import annotations

from bot.catalog.index import CatalogIndex
from bot.catalog.models import AniListMedia
from bot.catalog.service import CatalogService
from bot.storage.db import Database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.merge import merge_title
from bot.storage.titles import TitleRepo


class StubAniList:
    """AniListClient's `search`, answering from a dict; records what was asked."""

    def __init__(self, answers: dict[str, AniListMedia] | None = None) -> None:
        self.answers = answers or {}
        self.asked: list[str] = []

    async def search(self, name: str) -> AniListMedia | None:
        self.asked.append(name)
        return self.answers.get(name.lower())


async def catalog_service(db: Database, anilist: StubAniList | None = None) -> CatalogService:
    """The catalog as the database holds it now: real titles indexed, servers' own titles beside them."""
    repo = TitleRepo(db)

    async def merge(local_id: int, real_id: int) -> None:
        await merge_title(db, local_id, real_id)

    stored = await repo.load_all()
    return CatalogService(
        CatalogIndex(t for t in stored if not t.local),
        store=LocalTitleRepo(db),
        local_titles=[t for t in stored if t.local],
        guild_titles=repo.guild_title_ids,
        anilist=anilist,
        create_from_anilist=repo.create_from_anilist,
        merge=merge,
    )
