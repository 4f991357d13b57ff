"""Two processes of one 2-shard bot (`python -m bot run` each) sharing one database and one fake Discord.

The fake sends each server's events to its shard, (id >> 22) % 2. For the cross-process checks, the
first server is also held by shard 0's process, as during a resharding when an old and a new session
both hold a server: a score given through one process must be what `/score` shows through the other,
the review post must be edited at most once per 5 s across both, and a title a member adds or a
setting a moderator changes through one process must hold in the other within seconds (not after the
30 s the caches and the catalog check would take), on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot_process import BotProcess, bot_process, fake_discord, frieren
from tests.conftest import seed_titles
from tests.fake_discord import FakeDiscord, shard_of
from tests.pg_cluster import PgCluster
from tests.process.test_process_bound import MODERATOR, REVIEW, custom_ids, filled_modal, review_post_payload

GUILD = 900_000_000_000_000_001  # the fake's first server: shard 1 of 2
OTHER = GUILD + (1 << 22)  # a server on shard 0 of 2
EDIT_INTERVAL = 5.0
# How long the other process may take to hear a change: well under the 30 s after which a cached copy
# expires (or the catalog is checked) on its own, so that only the notification can pass.
HEARD_WITHIN = 10.0
NEW_SHOW = "Dungeon Meshi"  # not in the catalog: a member adds it


def command_syncs(fake: FakeDiscord) -> list[str]:
    return [path for method, path in fake.requests if method == "PUT" and path.endswith("/commands")]


async def publish_review(fake: FakeDiscord) -> int:
    """The moderator publishes an official review of Frieren in GUILD; the post's message id."""
    shown = await fake.ask(review_post_payload(fake))
    preview = await fake.ask(filled_modal(fake, shown.callbacks[0]["data"], REVIEW))
    data = preview.callbacks[0]["data"]
    publish = next(i for i in custom_ids(data["components"]) if i.startswith("review:publish:"))
    press = fake.interaction(3, {"custom_id": publish, "component_type": 2}, user_id=MODERATOR)
    press["message"] = fake.message(data)
    answer = await fake.send(press)
    for _ in range(300):
        if answer.messages and fake.posted:
            break
        await asyncio.sleep(0.05)
    posts = [int(m["id"]) for m in fake.posted.values() if m.get("embeds") and m["channel_id"] == str(GUILD + 1)]
    assert posts, f"no review post; the moderator was told {answer.content!r}"
    return posts[0]


def embed_fields(payload: dict[str, Any]) -> dict[str, str]:
    embeds = payload.get("embeds") or []
    return {field["name"]: field["value"] for embed in embeds for field in embed.get("fields") or []}


def community(payload: dict[str, Any]) -> str:
    """The Community field of a review post's embed."""
    return next((value for name, value in embed_fields(payload).items() if "Community" in name), "")


async def settle_edits(fake: FakeDiscord, post: int, count: int, within: float) -> list[tuple[dict[str, Any], float]]:
    """The post's edits once there are `count` (bounded), then a little longer to catch any extra one."""
    deadline = time.monotonic() + within
    for _ in range(int(within / 0.05)):
        if len([e for e in fake.edits if e[0] == post]) >= count or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(1.5)
    return [(payload, at) for message, payload, at in fake.edits if message == post]


@pytest.fixture(params=["sqlite", "postgresql"])
async def shared_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, Path | str]]:
    """The database both processes use (with Frieren in its catalog): a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        await seed_titles(tmp_path / "kansou.db", frieren())
        yield "sqlite", tmp_path / "kansou.db"
        return
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"shards_{uuid.uuid4().hex[:12]}"
    url = cluster.create_database(name)
    try:
        await seed_titles(url, frieren())
        yield "postgresql", url
    finally:
        cluster.drop_database(name)


def process_env(store: Path | str, tmp_path: Path, ids: str) -> dict[str, str]:
    """One process's environment; on PostgreSQL each has its own data directory, as on its own machine."""
    env = {"KANSOU_SHARD_COUNT": "2", "KANSOU_SHARDS": ids}
    if isinstance(store, str):
        data_dir = tmp_path / f"machine-{ids}"
        data_dir.mkdir()
        env |= {"KANSOU_DB": store, "KANSOU_DATA_DIR": str(data_dir)}
    return env


async def test_two_shard_processes_share_scores_titles_and_settings_and_edit_the_post_once(
    shared_store: tuple[str, Path | str], tmp_path: Path
) -> None:
    _, store = shared_store
    db_path = store if isinstance(store, Path) else tmp_path / "unused.db"
    assert (shard_of(GUILD, 2), shard_of(OTHER, 2)) == (1, 0)
    async with fake_discord(also_in=[OTHER]) as fake:
        fake.also_on_shard[GUILD] = {0}
        async with bot_process(fake, db_path, env=process_env(store, tmp_path, "0")) as first:
            await fake.wait_for_shards([0])
            async with bot_process(fake, db_path, env=process_env(store, tmp_path, "1")) as second:
                await fake.wait_for_shards([1])
                await check_one_sync(fake, first, second)
                post = await publish_review(fake)
                await settle_edits(fake, post, 0, 0)
                fake.edits.clear()

                rated = await fake.ask(fake.slash_payload("rate", user_id=10, title="Frieren", score=8))
                assert "Saved your **8/10**" in (rated.content or ""), rated.content
                score = await fake.ask(fake.slash_payload("score", user_id=11, title="Frieren"), shard=0)
                shown = embed_fields(score.callbacks[0]["data"])
                assert shown["Community mean"] == "**8.00** / 10" and shown["Votes"] == "1", shown
                edits = await settle_edits(fake, post, 1, 10)
                assert len(edits) == 1 and "from 1 vote" in community(edits[0][0]), edits

                # A score through each process at the same moment: no second edit within 5 s of the
                # first, then one that shows all three votes, and no more.
                await asyncio.gather(
                    fake.ask(fake.slash_payload("rate", user_id=12, title="Frieren", score=6), shard=0),
                    fake.ask(fake.slash_payload("rate", user_id=13, title="Frieren", score=10)),
                )
                edits = await settle_edits(fake, post, 2, 15)
                assert len(edits) == 2, [community(p) for p, _ in edits]
                assert edits[1][1] - edits[0][1] >= EDIT_INTERVAL - 0.1
                assert "8.00 / 10 from 3 votes" in community(edits[1][0]), community(edits[1][0])
                await check_a_new_title_reaches_the_other_process(fake)
                await check_settings_reach_the_other_process(fake)
                for process in (first, second):
                    assert "Traceback" not in process.output, process.output


def button(components: list[dict[str, Any]], label: str) -> str:
    """The custom id of the button with this label."""
    return next(c["custom_id"] for row in components for c in row.get("components", []) if c.get("label") == label)


async def check_a_new_title_reaches_the_other_process(fake: FakeDiscord) -> None:
    """A member scores a show the catalog lacks through the first process and adds it for the server; the
    second process offers it in autocomplete within seconds, and /score there shows the member's score."""
    asked = await fake.ask(fake.slash_payload("rate", user_id=20, title=NEW_SHOW, score=7), shard=0)
    prompt = asked.sent[-1]
    press = fake.interaction(3, {"custom_id": button(prompt["components"], "Add"), "component_type": 2}, user_id=20)
    press["message"] = prompt
    added = await fake.ask(press, shard=0)
    assert "Saved your **7/10**" in (added.content or ""), added.content

    deadline = time.monotonic() + HEARD_WITHIN
    offered: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        choices = (await fake.ask(fake.autocomplete_payload("score", "title", "dungeon me", user_id=21))).choices
        offered = [choice for choice in choices or [] if choice["name"].startswith(NEW_SHOW)]
        if offered:
            break
        await asyncio.sleep(0.1)
    assert offered, f"the second process did not offer {NEW_SHOW} within {HEARD_WITHIN} s"
    score = await fake.ask(fake.slash_payload("score", user_id=21, title=offered[0]["value"]))
    shown = embed_fields(score.callbacks[0]["data"]) if score.callbacks[0].get("data") else {}
    assert shown.get("Votes") == "1" and shown.get("Community mean") == "**7.00** / 10", score.callbacks


def set_cooldown(fake: FakeDiscord, seconds: int) -> dict[str, Any]:
    """`/settings rating-cooldown seconds:N` from the moderator."""
    cooldown = {"name": "rating-cooldown", "type": 1, "options": [{"name": "seconds", "type": 4, "value": seconds}]}
    return fake.interaction(2, {"id": "1", "name": "settings", "type": 1, "options": [cooldown]}, user_id=MODERATOR)


async def check_settings_reach_the_other_process(fake: FakeDiscord) -> None:
    """A cooldown set through the first process holds in the second within seconds, though the second had
    just cached the old settings (for 30 s); the stamp is shared, so a quick second score is refused."""
    # The second process drops its copy on its own change and caches a fresh one with the next score.
    await fake.ask(set_cooldown(fake, 0))
    fresh = await fake.ask(fake.slash_payload("rate", user_id=30, title="Frieren", score=7))
    assert "Saved your **7/10**" in (fresh.content or ""), fresh.content
    changed = await fake.ask(set_cooldown(fake, 60), shard=0)
    assert "60 s" in str(changed.callbacks) + str(changed.messages), changed.callbacks

    deadline, member, refused = time.monotonic() + HEARD_WITHIN, 31, ""
    while time.monotonic() < deadline and "try again in" not in refused:
        # Two quick scores by a new member: only a process that knows the cooldown stamps and refuses.
        first = await fake.ask(fake.slash_payload("rate", user_id=member, title="Frieren", score=7))
        assert "Saved your **7/10**" in (first.content or ""), first.content
        refused = (await fake.ask(fake.slash_payload("rate", user_id=member, title="Frieren", score=9))).content or ""
        member += 1
        await asyncio.sleep(0.05)
    assert "try again in" in refused, f"the second process did not apply the new cooldown within {HEARD_WITHIN} s"
    again = await fake.ask(fake.slash_payload("rate", user_id=member - 1, title="Frieren", score=9), shard=0)
    assert "try again in" in (again.content or ""), again.content


async def check_one_sync(fake: FakeDiscord, first: BotProcess, second: BotProcess) -> None:
    """Only the process running shard 0 synced the commands; the other said why it did not."""
    await second.wait_for_line("commands are synced by the process that runs shard 0")
    assert len(command_syncs(fake)) == 1
    await first.wait_for_line("connected to Discord as kansou")
    await second.wait_for_line("(shard 1 of 2)")
