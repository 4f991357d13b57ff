"""Shared fixtures: the real bot, built by create_bot on a temporary database, running under simcord.

The database is a SQLite file, or with KANSOU_TEST_DB=postgresql a fresh PostgreSQL database per test
(copied from a migrated template on a throwaway cluster, tests/pg_cluster.py); `settings`, `db` and
`seed_titles` follow it. Tests about SQLite itself are marked `sqlite_only` and skipped under PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest
from simcord import ChannelHandle, Env, GuildHandle, MemberActor, RoleHandle

from bot.catalog.models import CatalogEntry, Title
from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.storage.db import Database, open_database
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SQLiteDatabase
from bot.storage.titles import TitleRepo
from tests.catalog.sample import SAMPLE_GUILD, sample_titles

if TYPE_CHECKING:
    from tests.pg_cluster import PgCluster

# The session fixture `pg_cluster`: a throwaway PostgreSQL server (tests/pg_cluster.py).
pytest_plugins = ["tests.pg_cluster"]

ON_POSTGRES = os.environ.get("KANSOU_TEST_DB", "sqlite") == "postgresql"
PG_TEMPLATE = "kansou_template"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_POSTGRES:
        skip = pytest.mark.skip(reason="about SQLite itself (KANSOU_TEST_DB=postgresql)")
        for item in items:
            if item.get_closest_marker("sqlite_only"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def pg_template(request: pytest.FixtureRequest) -> str | None:
    """Under KANSOU_TEST_DB=postgresql: a database migrated once, that each test's database copies."""
    if not ON_POSTGRES:
        return None
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    url = cluster.create_database(PG_TEMPLATE)

    async def migrate() -> None:
        await (await PostgresDatabase.open(url)).close()

    with ThreadPoolExecutor(1) as thread:  # outside any running event loop
        thread.submit(asyncio.run, migrate()).result()
    return PG_TEMPLATE


@pytest.fixture
def database_url(request: pytest.FixtureRequest, pg_template: str | None) -> Iterator[str | None]:
    """The test's own PostgreSQL database (its URL) under KANSOU_TEST_DB=postgresql, else None."""
    if pg_template is None:
        yield None
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"t_{uuid.uuid4().hex[:16]}"
    url = cluster.create_database(name, template=pg_template)
    yield url
    cluster.drop_database(name)


@pytest.fixture(autouse=True)
async def close_databases(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """Close every database a test opened: simcord detaches bots without closing them, and an open
    aiosqlite connection's worker thread would keep the test process from exiting."""
    opened: list[Database] = []
    original_sqlite, original_postgres = SQLiteDatabase.open, PostgresDatabase.open

    async def tracking_sqlite(cls: type[SQLiteDatabase], path: str | Path, *, migrate: bool = True) -> SQLiteDatabase:
        db = await original_sqlite(path, migrate=migrate)
        opened.append(db)
        return db

    async def tracking_postgres(
        cls: type[PostgresDatabase], url: str, *, migrate: bool = True, files: Path | None = None
    ) -> PostgresDatabase:
        db = await original_postgres(url, migrate=migrate, files=files)
        opened.append(db)
        return db

    monkeypatch.setattr(SQLiteDatabase, "open", classmethod(tracking_sqlite))
    monkeypatch.setattr(PostgresDatabase, "open", classmethod(tracking_postgres))
    yield
    for db in opened:
        await db.close()


def quick_notices(*dbs: Database) -> None:
    """Let SQLite's notice pollers look every 20 ms, so a test hears another process's notices in
    milliseconds rather than the bot's second (PostgreSQL's LISTEN hears them as they come)."""
    for db in dbs:
        if isinstance(db, SQLiteDatabase):
            db.notice_poll_seconds = 0.02


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    """Settings for a test bot: a fresh database (SQLite file, or PostgreSQL database), AniList off (tests
    never reach the internet). Under PostgreSQL, derived files (the catalog index) go to tmp_path."""
    if database_url is None:
        return Settings(token=None, db_path=tmp_path / "kansou.db", anilist=False)
    return Settings(token=None, db_path=tmp_path / "kansou.postgresql", anilist=False, db_url=database_url)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """The test's migrated database (the one `settings` names), for storage tests."""
    database = await open_database(settings.database, files=settings.db_path)
    yield database
    await database.close()


@pytest.fixture
def simcord_bot(settings: Settings) -> KansouBot:
    return create_bot(settings)


async def seed_titles(path: str | Path, titles: Sequence[Title]) -> list[Title]:
    """Write titles into the database at `path` (file or URL) through TitleRepo: real ones imported, then local ones.

    On an empty database the titles get ids 1, 2, 3, ... in that order (real titles first); local titles
    belong to their guild_id, else to the test world's server.
    """
    entries = [
        CatalogEntry(
            sources=title.sources or (f"https://example.invalid/anime/{title.id}",),
            title=title.name,
            type=title.type,
            episodes=title.episodes,
            year=title.year,
            season=title.season,
            picture=title.picture,
            synonyms=title.aliases,
            tags=title.tags,
            studios=title.studios,
        )
        for title in titles
        if not title.local
    ]
    db = await open_database(path)
    try:
        repo = TitleRepo(db)
        await repo.import_entries(entries, source="tests")
        for title in titles:
            if title.local:
                await LocalTitleRepo(db).create(title.name, title.guild_id or SAMPLE_GUILD, at=time.time())
        return await repo.load_all()
    finally:
        await db.close()


@pytest.fixture
async def catalog_titles(settings: Settings) -> list[Title]:
    """The shared sample catalog (tests/catalog/sample.py) in the test database, before the bot starts.

    Use it from a module's own `simcord_bot` fixture:
        @pytest.fixture
        def simcord_bot(settings, catalog_titles): return create_bot(settings)
    """
    stored = await seed_titles(settings.database, sample_titles())
    assert [t.id for t in stored] == [t.id for t in sample_titles()], "sample ids must survive the import"
    return stored


@dataclass
class World:
    """A server with a text channel and helpers to add members with the powers a test needs."""

    env: Env
    guild: GuildHandle
    channel: ChannelHandle
    _count: int = field(default=0)

    def member(self, name: str | None = None, **permissions: bool) -> MemberActor:
        """A member; keyword permissions (e.g. manage_messages=True) are granted through a role."""
        self._count += 1
        user = self.env.create_user(name or f"member{self._count}")
        roles: list[RoleHandle] = []
        if permissions:
            roles.append(self.guild.create_role(f"role-{self._count}", permissions=discord.Permissions(**permissions)))
        return self.guild.add_member(user, roles=roles)

    async def show_command(self, name: str, *who: RoleHandle | MemberActor) -> None:
        """What an admin does in Server Settings → Integrations: let these roles or members see a command
        that default_permissions hides from them (kansou still checks them itself)."""
        bot = self.env.bot
        assert isinstance(bot, KansouBot)
        commands = await bot.tree.fetch_commands()
        command = next(c for c in commands if c.name == name)
        self.guild.set_command_permissions(command, dict.fromkeys(who, True))

    def moderator(self, name: str = "mod") -> MemberActor:
        return self.member(name, manage_messages=True)

    def admin(self, name: str = "admin") -> MemberActor:
        return self.member(name, manage_guild=True)


@pytest.fixture
def world(simcord_env: Env) -> Iterator[World]:
    guild = simcord_env.create_guild("Anime Club", id=SAMPLE_GUILD)
    channel = guild.create_text_channel("general")
    yield World(simcord_env, guild, channel)
