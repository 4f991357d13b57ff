"""/title rename, merge and delete through simcord: moderators only, confirmation, refusals, audit."""

from __future__ import annotations

import pytest

from bot.client import KansouBot, create_bot
from bot.config import Settings
from bot.errors import Conflict, InvalidInput, PermissionDenied
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.ratings import RatingRepo
from bot.storage.titles import TitleRepo
from tests.catalog.sample import LOCAL_TITLE

COWBOY_BEBOP = 18


@pytest.fixture
def simcord_bot(settings: Settings, catalog_titles) -> KansouBot:
    return create_bot(settings)


async def stored_name(bot: KansouBot) -> str | None:
    title = await TitleRepo(bot.db).get(LOCAL_TITLE.id)
    return title.name if title is not None else None


def user_errors(env) -> list[BaseException]:
    return [error.__cause__ or getattr(error, "original", None) or error for error in env.errors]


async def test_title_group_is_hidden_from_members_by_default_and_refused_on_the_server_side(
    world, simcord_bot, simcord_env
) -> None:
    group = simcord_bot.tree.get_command("title")
    assert group is not None and group.default_permissions is not None
    assert group.default_permissions.manage_messages
    member = world.member()
    # A server owner may show the command to everyone; the command itself still refuses members.
    synced = {command.name: command for command in await simcord_bot.tree.fetch_commands()}
    world.guild.set_command_permissions(synced["title"], {member: True})
    answer = await member.slash(world.channel, "title rename", title=f"t:{LOCAL_TITLE.id}", name="New Name")
    assert answer.ephemeral and "Only moderators" in answer.response.content
    assert [type(e) for e in user_errors(simcord_env)] == [PermissionDenied]
    assert await stored_name(simcord_bot) == LOCAL_TITLE.name


async def test_autocomplete_offers_only_this_servers_own_titles(world, simcord_bot) -> None:
    mod = world.moderator()
    own = await mod.autocomplete(world.channel, "title delete", "title", "")
    assert [c["value"] for c in own] == [f"t:{LOCAL_TITLE.id}"]
    targets = await mod.autocomplete(world.channel, "title merge", "into", "cowboy")
    assert f"t:{COWBOY_BEBOP}" in [c["value"] for c in targets]


async def test_a_moderator_renames_a_local_title_and_it_is_audited(world, simcord_bot) -> None:
    mod = world.moderator()
    answer = await mod.slash(world.channel, "title rename", title=f"t:{LOCAL_TITLE.id}", name="Midnight Lanterns")
    assert "Renamed **Midnight Lanterns & Co.** to **Midnight Lanterns**" in answer.response.content
    assert await stored_name(simcord_bot) == "Midnight Lanterns"
    renamed = await simcord_bot.catalog.confident("Midnight Lanterns", guild_id=world.guild.id)
    assert renamed is not None and renamed.id == LOCAL_TITLE.id
    [(action, user, title_id, _)] = await LocalTitleRepo(simcord_bot.db).actions(world.guild.id)
    assert (action, user, title_id) == ("rename", mod.id, LOCAL_TITLE.id)


async def test_rename_refuses_catalog_titles_and_bad_names(world, simcord_bot, simcord_env) -> None:
    mod = world.moderator()
    real = await mod.slash(world.channel, "title rename", title=f"t:{COWBOY_BEBOP}", name="Space Cowboys")
    assert real.ephemeral and "comes from the catalog" in real.response.content
    bad = await mod.slash(world.channel, "title rename", title=f"t:{LOCAL_TITLE.id}", name="@everyone")
    assert bad.ephemeral and "mentions" in bad.response.content
    clash = await mod.slash(world.channel, "title rename", title=f"t:{LOCAL_TITLE.id}", name="Cowboy Bebop")
    assert clash.ephemeral and "/title merge" in clash.response.content
    assert [type(e) for e in user_errors(simcord_env)] == [InvalidInput, InvalidInput, Conflict]
    assert await stored_name(simcord_bot) == LOCAL_TITLE.name


async def test_merge_asks_first_then_moves_the_scores_into_the_other_title(world, simcord_bot) -> None:
    ratings = RatingRepo(simcord_bot.db)
    await ratings.rate(world.guild.id, LOCAL_TITLE.id, 1, 6)
    await ratings.rate(world.guild.id, LOCAL_TITLE.id, 2, 8)
    mod = world.moderator()
    asked = await mod.slash(world.channel, "title merge", title=f"t:{LOCAL_TITLE.id}", into=f"t:{COWBOY_BEBOP}")
    assert asked.ephemeral and "Merge **Midnight Lanterns & Co.** into **Cowboy Bebop**?" in asked.response.content
    assert await TitleRepo(simcord_bot.db).get(LOCAL_TITLE.id) is not None  # nothing yet
    done = await mod.click(asked.response.message, custom_id="confirm:yes")
    assert "2 scores" in done.response.content
    assert await TitleRepo(simcord_bot.db).get(LOCAL_TITLE.id) is None
    assert (await ratings.aggregate(world.guild.id, COWBOY_BEBOP)).count == 2
    assert simcord_bot.catalog.get(LOCAL_TITLE.id) is None
    [(action, _, title_id, detail)] = await LocalTitleRepo(simcord_bot.db).actions(world.guild.id)
    assert (action, title_id) == ("merge", LOCAL_TITLE.id) and "2 ratings moved" in detail


async def test_merge_cancelled_changes_nothing(world, simcord_bot) -> None:
    mod = world.moderator()
    asked = await mod.slash(world.channel, "title merge", title=f"t:{LOCAL_TITLE.id}", into=f"t:{COWBOY_BEBOP}")
    cancelled = await mod.click(asked.response.message, custom_id="confirm:no")
    assert "nothing was changed" in cancelled.response.content
    assert await TitleRepo(simcord_bot.db).get(LOCAL_TITLE.id) is not None


async def test_delete_asks_first_then_deletes_the_title_and_its_scores(world, simcord_bot, simcord_env) -> None:
    ratings = RatingRepo(simcord_bot.db)
    await ratings.rate(world.guild.id, LOCAL_TITLE.id, 1, 3)
    mod = world.moderator()
    asked = await mod.slash(world.channel, "title delete", title=f"t:{LOCAL_TITLE.id}")
    assert asked.ephemeral and "Delete **Midnight Lanterns & Co.**?" in asked.response.content
    done = await mod.click(asked.response.message, custom_id="confirm:yes")
    assert "Deleted **Midnight Lanterns & Co.** and its 1 score" in done.response.content
    assert await TitleRepo(simcord_bot.db).get(LOCAL_TITLE.id) is None
    assert (await ratings.aggregate(world.guild.id, LOCAL_TITLE.id)).count == 0
    gone = await world.member().slash(world.channel, "anime", title=f"t:{LOCAL_TITLE.id}")
    assert "no longer known" in gone.response.content
    assert [a[0] for a in await LocalTitleRepo(simcord_bot.db).actions(world.guild.id)] == ["delete"]
    assert len(user_errors(simcord_env)) == 1


async def test_delete_is_refused_while_the_title_has_a_review(world, simcord_bot, simcord_env) -> None:
    await simcord_bot.db.execute(
        "INSERT INTO reviews (guild_id, title_id, author_id, score, text) VALUES (?, ?, 1, 7, 'Lovely')",
        (world.guild.id, LOCAL_TITLE.id),
    )
    answer = await world.moderator().slash(world.channel, "title delete", title=f"t:{LOCAL_TITLE.id}")
    assert answer.ephemeral and "delete the review first" in answer.response.content
    assert not answer.response.components
    assert [type(e) for e in user_errors(simcord_env)] == [Conflict]
    assert await TitleRepo(simcord_bot.db).get(LOCAL_TITLE.id) is not None
