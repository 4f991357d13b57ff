"""Command sync policy: global only when the tree changed; a development server syncs there only."""

from __future__ import annotations

from simcord import run

from bot.client import COMMAND_HASH_KEY, ShardedKansouBot, create_bot
from bot.config import Settings
from bot.storage.db import open_database
from bot.storage.state import StateRepo


def command_puts(env) -> list[str]:
    return [r.path for r in env.http_requests if r.method == "PUT" and r.path.endswith("/commands")]


async def test_first_start_syncs_globally_and_a_restart_does_not_resync(world, simcord_env, simcord_bot) -> None:
    assert len(command_puts(simcord_env)) == 1
    await simcord_env.restart_bot(create_bot(simcord_bot.settings))
    assert len(command_puts(simcord_env)) == 1, "an unchanged tree must not be synced again"
    result = await world.member().slash(world.channel, "about")
    assert result.response.embeds[0].title.startswith("kansou")


async def test_a_changed_tree_is_synced_again(simcord_env, simcord_bot, settings: Settings) -> None:
    await simcord_env.restart_bot(create_bot(settings))
    db = await open_database(settings.database)
    try:
        await StateRepo(db).set(COMMAND_HASH_KEY, "an older tree")
    finally:
        await db.close()
    await simcord_env.restart_bot(create_bot(settings))
    assert len(command_puts(simcord_env)) == 2


async def test_development_server_sync_goes_to_that_server_only(tmp_path) -> None:
    bot = create_bot(Settings(token=None, db_path=tmp_path / "dev.db", anilist=False))
    async with run(bot) as env:
        guild = env.create_guild("Dev")
        before = len(command_puts(env))
        await env.restart_bot(create_bot(Settings(token=None, db_path=tmp_path / "dev.db", dev_guild=guild.id)))
        puts = command_puts(env)[before:]
        assert puts == [f"/applications/{env.bot.application_id}/guilds/{guild.id}/commands"]


async def test_a_process_without_shard_zero_leaves_the_commands_alone(tmp_path) -> None:
    """Shards 1-3 of 4: no sync and no listing of Discord's commands; the process with shard 0 syncs."""
    path = tmp_path / "sharded.db"
    bot = create_bot(Settings(token=None, db_path=path, anilist=False, shard_count=4, shard_ids=(1, 2, 3)))
    assert isinstance(bot, ShardedKansouBot)
    async with run(bot) as env:
        assert command_puts(env) == []
        assert not [r for r in env.http_requests if r.path.endswith("/commands")]
        await env.restart_bot(
            create_bot(Settings(token=None, db_path=path, anilist=False, shard_count=4, shard_ids=(0,)))
        )
        assert len(command_puts(env)) == 1
