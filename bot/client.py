"""The Bot subclass: opens storage, loads the cogs, syncs commands by policy, routes errors to one handler."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot import __version__
from bot.catalog.anilist import AniListClient
from bot.catalog.follow import CatalogFollower
from bot.catalog.index import CatalogIndex
from bot.catalog.interim import StoreLookup
from bot.catalog.loading import CHILD_BUILD_TITLES, open_index, saved_index, snapshot_path
from bot.catalog.service import CatalogService
from bot.command_sync import command_differences
from bot.comparisons.service import ComparisonService
from bot.config import Settings
from bot.errors import PermissionDenied
from bot.events import SCORE_CHANGED
from bot.interactions.binding import check_server
from bot.interactions.error_handler import handle_error
from bot.interactions.groups import mod_group, review_group
from bot.interactions.replies import NO_MENTIONS
from bot.interactions.timing import describe, elapsed_ms, mark_start
from bot.plural import plural
from bot.reviews.coalesce import POST_EDIT_INTERVAL, Coalescer
from bot.reviews.service import ReviewService
from bot.scores.service import RatingService
from bot.settings.service import SettingsService
from bot.storage.anilist_cache import AniListCache
from bot.storage.comparisons import ComparisonRepo
from bot.storage.db import Database, open_when_free, when_storage_waits
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.merge import merge_title
from bot.storage.ratings import RatingRepo
from bot.storage.refreshes import RefreshClaims
from bot.storage.reviews import ReviewRepo
from bot.storage.settings import SettingsRepo
from bot.storage.state import StateRepo
from bot.storage.title_search import TitleSearchRepo
from bot.storage.titles import TitleRepo

if TYPE_CHECKING:
    from discord.types.interactions import Interaction as InteractionPayload

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.meta",
    "cogs.settings",
    "cogs.scores",
    "cogs.reviews",
    "cogs.compare",
    "cogs.anime",
    "cogs.titles",
)

COMMAND_HASH_KEY = "command_tree_hash"
# How often the running bot looks for a finished `catalog import` or `catalog update`.
CATALOG_POLL_SECONDS = 30.0
# Without a usable saved index, a catalog this big is indexed in the background while the bot answers
# from the database; a smaller one is indexed before connecting (well under a second).
BACKGROUND_INDEX_TITLES = CHILD_BUILD_TITLES
DRAIN_SECONDS = 10.0
RESTARTING = "kansou is restarting; try again in a minute."
# discord.py names the task that runs each interaction's handler; ours answer interactions while stopping.
_REFUSAL_TASK = "kansou-refuse"
IN_FLIGHT_TASKS = (
    "CommandTree-invoker",
    "discord-ui-view-dispatch-",
    "discord-ui-modal-dispatch-",
    "discord-ui-dynamic-item-",  # restart-proof buttons (Publish, the rating panel) run under this name
    _REFUSAL_TASK,
)


def utc_seconds() -> float:
    """Seconds since the epoch by Discord's clock (simcord moves it), for stamps every process compares."""
    return discord.utils.utcnow().timestamp()


class KansouTree(app_commands.CommandTree["KansouBot"]):
    """Times every command and sends every failure to the central handler."""

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        mark_start(interaction)
        try:
            check_server(interaction)  # commands can outlive the bot's membership of a server
        except PermissionDenied as refusal:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            else:
                await handle_error(interaction, refusal)
            return False
        if interaction.type is discord.InteractionType.application_command:
            # A busy database may take longer than Discord's 3 s: answer "thinking…" first, reply later.
            when_storage_waits(functools.partial(defer_while_storage_waits, interaction))
        return True

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await handle_error(interaction, error)


async def defer_while_storage_waits(interaction: discord.Interaction) -> None:
    if interaction.response.is_done():
        return
    try:
        await interaction.response.defer(ephemeral=True, thinking=True)
    except (discord.HTTPException, aiohttp.ClientError):
        log.info("could not defer %s while storage was busy", describe(interaction))


class KansouBot(commands.Bot):
    """kansou: slash commands only, no privileged intents, never pings on behalf of user text."""

    db: Database
    catalog: CatalogService
    anilist: AniListClient
    review_group: app_commands.Group
    mod_group: app_commands.Group
    server_settings: SettingsService
    ratings: RatingService
    comparisons: ComparisonService
    reviews: ReviewService
    post_refreshes: Coalescer[int]

    def __init__(self, settings: Settings) -> None:
        intents = discord.Intents.none()
        intents.guilds = True  # channels and threads for posting; not privileged
        sharding: dict[str, Any] = {}
        if settings.shard_count is not None:  # ShardedKansouBot: these shards of that many, in this process
            sharding["shard_count"] = settings.shard_count
            if settings.shard_ids is not None:
                sharding["shard_ids"] = list(settings.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            allowed_mentions=NO_MENTIONS,
            tree_cls=KansouTree,
            activity=discord.CustomActivity(name="Reading reviews · /help"),
            **sharding,
        )
        self.settings = settings
        self.version = __version__
        self.started_monotonic = time.monotonic()
        self._local_lookup: asyncio.Task[int] | None = None
        self._catalog_watch: asyncio.Task[None] | None = None
        self._catalog_build: asyncio.Task[None] | None = None
        self._catalog_follower: CatalogFollower | None = None
        self._catalog_check = asyncio.Lock()
        self._awaited_version: str | None = None  # a catalog version whose saved index was not there yet
        self.draining = False
        self._refusals: set[asyncio.Task[None]] = set()
        self._closed_storage = False

    async def setup_hook(self) -> None:
        # Before anything touches Discord.
        self.db = await open_when_free(self.settings.database, files=self.settings.db_path)
        log.info("storage ready: %s (%s)", self.settings.describe_database(), self.db.describe_schema())
        await self.db.start_checkpoints()
        self.started_monotonic = time.monotonic()
        self.anilist = AniListClient(enabled=self.settings.anilist, cache=AniListCache(self.db))
        await self.load_catalog()
        self._build_services()
        self.review_group = review_group()
        self.tree.add_command(self.review_group)
        self.mod_group = mod_group()
        self.tree.add_command(self.mod_group)
        for extension in EXTENSIONS:
            try:
                await self.load_extension(extension)
            except Exception:
                log.exception("failed to load extension %s", extension)
                raise
        await self.sync_commands()
        if self.settings.anilist:
            self._local_lookup = asyncio.create_task(self._look_up_local_titles(), name="kansou-local-titles")

    def _build_services(self) -> None:
        """Every feature's service, once: cogs use these and never build their own or look each other up."""
        settings, ratings = SettingsRepo(self.db), RatingRepo(self.db)
        reviews, comparisons = ReviewRepo(self.db), ComparisonRepo(self.db)
        self.server_settings = SettingsService(settings, bus=self.db)
        self.ratings = RatingService(ratings, self.server_settings, on_change=self._score_changed, clock=utc_seconds)
        self.server_settings.on_change(self.ratings.settings_changed)
        self.comparisons = ComparisonService(comparisons, ratings, self.catalog, reviews=reviews)
        self.reviews = ReviewService(reviews, comparisons, ratings, self.catalog)
        # Review post edits, by message id. A sharded bot's processes share one database and may refresh
        # the same post: each edit is claimed there, so the limit holds across them. Unsharded, kansou is
        # one process and the in-memory timing is exact, with no write per edit.
        claims = RefreshClaims(self.db) if self.settings.sharded else None
        self.post_refreshes = Coalescer(POST_EDIT_INTERVAL, claims=claims, wall_clock=utc_seconds)

    def _score_changed(self, guild_id: int, title_id: int) -> None:
        self.dispatch(SCORE_CHANGED, guild_id, title_id)

    async def storage_counts(self) -> dict[str, int]:
        """How many ratings, reviews and titles are stored (for /about)."""
        return await StateRepo(self.db).counts()

    async def _look_up_local_titles(self) -> int:
        """Once per start: titles servers created locally are looked up on AniList and merged when found."""
        try:
            merged = await self.catalog.lookup_local_titles()
        except Exception:
            log.exception("looking up local titles on AniList failed")
            return 0
        if merged:
            log.info("merged %d local titles into AniList entries", merged)
        return merged

    async def load_catalog(self) -> None:
        """Open the title index: the saved snapshot when usable; else build it, in the background when big.

        While a big catalog is indexed in the background, autocomplete and typed names are answered
        from the database (bot.catalog.interim); the index is swapped in once built.
        """
        titles = TitleRepo(self.db)
        started = time.perf_counter()
        index = await saved_index(titles, snapshot_path(self.db.path))
        interim = None
        if index is None and await titles.count() >= BACKGROUND_INDEX_TITLES:
            search = TitleSearchRepo(self.db)
            interim = await StoreLookup.load(search)
            index = CatalogIndex()
        elif index is None:
            index = await open_index(titles, snapshot_path(self.db.path), db_path=self.db.target)
        self.catalog = CatalogService(
            index,
            interim=interim,
            store=LocalTitleRepo(self.db),
            guild_titles=titles.guild_title_ids,
            local_titles=await titles.local_titles(),
            anilist=self.anilist,
            create_from_anilist=titles.create_from_anilist,
            merge=self._merge_titles,
        )
        seconds = time.perf_counter() - started
        if interim is not None:
            log.info(
                "catalog: no usable saved index; answering from the database (%s, read in %.1f s) while it is built",
                plural(len(interim), "title"),
                seconds,
            )
            self._catalog_build = asyncio.create_task(self._build_catalog_index(), name="kansou-catalog-index")
        else:
            log.info("catalog loaded: %s in %.1f s", plural(len(index), "title"), seconds)

    async def _build_catalog_index(self) -> None:
        """Build the index the bot started without, save it for the next start, and swap it in."""
        titles, db_path, path = TitleRepo(self.db), self.db.target, snapshot_path(self.db.path)
        started = time.perf_counter()
        try:
            index = await self.catalog.reload(lambda: open_index(titles, path, db_path=db_path))
        except Exception:
            # The watcher tries again at its next check (the version of the index in use is still unknown).
            log.exception("could not build the catalog index; still answering from the database")
            return
        if index is not None:
            log.info(
                "catalog index in use: %s, built in %.1f s in the background",
                plural(len(index), "title"),
                time.perf_counter() - started,
            )

    async def connect(self, *, reconnect: bool = True) -> None:
        """Connect to the gateway, with the catalog watcher beside it.

        The watcher starts here rather than in setup_hook: it belongs to a bot that is online (simcord,
        the sandbox and tests log in without connecting, and may move their clock ahead by months).
        """
        if self._catalog_watch is None:
            await self._follow_other_processes()
            self._catalog_watch = asyncio.create_task(self._watch_catalog(), name="kansou-catalog-watch")
        await super().connect(reconnect=reconnect)

    async def _follow_other_processes(self) -> None:
        """Hear what other processes sharing the database change (settings; titles created at run time, a
        `catalog import`), and catch up with what they changed while this one was starting."""
        await self.server_settings.share_changes()
        self._catalog_follower = CatalogFollower(self.catalog, TitleRepo(self.db), check_catalog=self.check_catalog)
        await self._catalog_follower.follow(self.db)

    async def _watch_catalog(self) -> None:
        # Imports are announced (the follower checks at once); this check is for one whose announcement
        # was lost, or an older kansou's import.
        while True:
            await asyncio.sleep(CATALOG_POLL_SECONDS)
            await self.check_catalog()

    async def check_catalog(self, *, announced: bool = False) -> bool:
        """Swap in the new catalog if an import finished since the index was built; whether it did.

        `catalog import` saves the new index right after the import, then announces it (`announced`):
        it is loaded when ready. If the saved index is missing after the announcement (it was saved on
        another machine), or still missing one check later (the command failed or was killed), the bot
        builds it.
        """
        async with self._catalog_check:  # the watcher and the follower, one at a time
            return await self._check_catalog(announced)

    async def _check_catalog(self, announced: bool) -> bool:
        titles, db_path = TitleRepo(self.db), self.db.target
        path = snapshot_path(self.db.path)
        if self._catalog_build is not None and not self._catalog_build.done():
            return False  # the index being built in the background reads the catalog as it is now
        try:
            version = await titles.catalog_version()
            if version == self.catalog.version:
                return False
            started = time.perf_counter()
            index = await self.catalog.reload(lambda: saved_index(titles, path))
            if index is None and self._awaited_version != version and not announced:
                self._awaited_version = version
                return False
            if index is None:
                index = await self.catalog.reload(lambda: open_index(titles, path, db_path=db_path))
            if index is None:
                return False
            # The import may have merged servers' own titles into the catalog entries they matched.
            self.catalog.refresh_local_titles(await titles.local_titles())
        except Exception:
            log.exception("could not load the new catalog; still answering from the current one")
            return False
        log.info("new catalog loaded: %s in %.2f s", plural(len(index), "title"), time.perf_counter() - started)
        return True

    async def _merge_titles(self, local_id: int, real_id: int) -> None:
        await merge_title(self.db, local_id, real_id)

    async def shutdown(self, drain_seconds: float = DRAIN_SECONDS) -> None:
        """Stop taking interactions, let those in flight finish (bounded), then close everything."""
        if not self.draining:
            self.draining = True
            # New interactions get a short answer instead of running; the gateway stays up meanwhile so
            # that Discord keeps delivering (and we keep answering) until the last one in flight is done.
            self._connection.parsers["INTERACTION_CREATE"] = self._refuse_interaction
            await self._drain(drain_seconds)
        await self.close()

    def in_flight(self) -> list[asyncio.Task[object]]:
        """The tasks running an interaction's handler right now."""
        current = asyncio.current_task()
        return [t for t in asyncio.all_tasks() if t is not current and t.get_name().startswith(IN_FLIGHT_TASKS)]

    async def _drain(self, limit: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        pending = self.in_flight()
        log.info("stopping: no new interactions; %d in flight", len(pending))
        while pending and (left := deadline - loop.time()) > 0:
            await asyncio.wait(pending, timeout=left)
            pending = self.in_flight()
        if pending:
            log.warning("stopping: %d interactions still running after %.0f s; not waiting longer", len(pending), limit)

    def _refuse_interaction(self, data: InteractionPayload) -> None:
        interaction = discord.Interaction(data=data, state=self._connection)
        task = asyncio.create_task(self._say_restarting(interaction), name=_REFUSAL_TASK)
        self._refusals.add(task)
        task.add_done_callback(self._refusals.discard)

    @staticmethod
    async def _say_restarting(interaction: discord.Interaction) -> None:
        try:
            if interaction.type is discord.InteractionType.autocomplete:
                await interaction.response.autocomplete([])
            elif interaction.type is not discord.InteractionType.ping:
                await interaction.response.send_message(RESTARTING, ephemeral=True)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            log.info("could not tell %s that kansou is restarting", describe(interaction))

    async def close(self) -> None:
        """Close Discord (cogs unload first: pending post refreshes are flushed), AniList, then the database."""
        for task in (self._local_lookup, self._catalog_watch, self._catalog_build):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._catalog_follower is not None:
            await self._catalog_follower.close()
        await super().close()
        if self._closed_storage:
            return
        self._closed_storage = True
        anilist = getattr(self, "anilist", None)
        if anilist is not None:
            await anilist.close()
        db = getattr(self, "db", None)
        if db is not None:
            await db.close()
            log.info("database closed")

    def command_tree_hash(self) -> str:
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    async def sync_commands(self) -> str:
        """To the development server when set; globally only when the tree changed since the last sync.

        Of several processes of one sharded bot, only the one running shard 0 syncs: the others would
        only repeat the same requests against Discord's rate limit.
        """
        if not self.settings.syncs_commands:
            log.info(
                "commands are synced by the process that runs shard 0; this one runs %s",
                self.settings.describe_shards(),
            )
            return "elsewhere"
        if self.settings.dev_guild is not None:
            guild = discord.Object(id=self.settings.dev_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("commands synced: %s, to development server %s", plural(len(synced), "command"), guild.id)
            return "guild"
        state = StateRepo(self.db)
        digest = self.command_tree_hash()
        stored = await state.get(COMMAND_HASH_KEY)
        differences = await self._differences_from_discord()
        if stored == digest and not differences:
            log.info("commands unchanged since the last sync, and Discord has them; not synced again")
            return "unchanged"
        synced = await self.tree.sync()
        await state.set(COMMAND_HASH_KEY, digest)
        done = f"commands synced: {plural(len(synced), 'command')}, globally"
        if stored == digest:  # the database says Discord has them, and Discord says otherwise
            log.warning("%s; Discord's differed from the last sync recorded here (%s)", done, "; ".join(differences))
        elif stored is not None and differences:
            log.info("%s (%s)", done, "; ".join(differences))
        else:  # the first start on this database: Discord lacking everything is expected
            log.info("%s", done)
        return "global"

    async def on_ready(self) -> None:
        # After every new gateway session (not after a resume): the operator's "it is up" line.
        who = f"{self.user} (id {self.user.id})" if self.user else "an unknown user"
        shards = f" ({self.settings.describe_shards()})" if self.settings.sharded else ""
        log.info("connected to Discord as %s%s; in %s", who, shards, plural(len(self.guilds), "server"))

    async def _differences_from_discord(self) -> list[str]:
        """One request: what Discord's global commands lack or have in excess compared with our tree."""
        assert self.application_id is not None  # known once logged in, before setup_hook
        ours = [command.to_dict(self.tree) for command in self.tree.get_commands()]
        try:
            theirs = await self.http.get_global_commands(self.application_id)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            log.warning("could not list the commands Discord has (%s); syncing to be sure", exc)
            return ["Discord's list could not be read"]
        return command_differences(ours, theirs)

    async def on_app_command_completion(
        self, interaction: discord.Interaction, command: app_commands.Command | app_commands.ContextMenu
    ) -> None:
        logging.getLogger("kansou.commands").info("%s ok in %.2f ms", describe(interaction), elapsed_ms(interaction))

    @property
    def uptime_seconds(self) -> float:
        return time.monotonic() - self.started_monotonic


class ShardedKansouBot(KansouBot, commands.AutoShardedBot):
    """kansou on discord.py's sharded client: the shards Settings names, in this one process."""


def create_bot(settings: Settings) -> KansouBot:
    """The one way to build kansou: tests, the command line and tools all call this."""
    return ShardedKansouBot(settings) if settings.sharded else KansouBot(settings)
