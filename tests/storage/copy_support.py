"""A SQLite database with rows in every table, written through kansou's repositories, and what the bot
shows from a database (read through the same repositories), for the `db copy` tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.catalog.models import CatalogEntry
from bot.reviews.models import NewReview
from bot.storage.anilist_cache import AniListCache
from bot.storage.comparisons import ComparisonRepo
from bot.storage.cooldowns import CooldownRepo
from bot.storage.db import Database, open_database
from bot.storage.leftovers import LeftoverRepo
from bot.storage.local_titles import LocalTitleRepo
from bot.storage.ratings import RatingRepo
from bot.storage.refreshes import RefreshClaims
from bot.storage.reviews import ReviewRepo
from bot.storage.settings import SettingsRepo
from bot.storage.state import StateRepo
from bot.storage.titles import TitleRepo

GUILD, OTHER = 1_000_000_000_000_000_001, 1_000_000_000_000_000_002  # Discord-sized ids (beyond 32 bits)
MOD, AUTHOR = 900_000_000_000_000_001, 900_000_000_000_000_002
MEMBERS = [800_000_000_000_000_000 + n for n in range(12)]
AT = 1_780_000_000.0  # a Unix time in 2026


def _entry(n: int, name: str, *synonyms: str) -> CatalogEntry:
    return CatalogEntry(
        sources=(f"https://anilist.co/anime/{n}", f"https://myanimelist.net/anime/{n}"),
        title=name,
        type="TV",
        episodes=12 + n,
        year=2000 + n,
        season="SPRING",
        synonyms=synonyms,
        tags=("drama", f"tag{n}"),
        studios=(f"Studio {n}",),
    )


CATALOG = [
    _entry(1, "Cowboy Bebop", "カウボーイビバップ", "Bebop"),
    _entry(2, "Frieren", "Sousou no Frieren", "葬送のフリーレン"),
    _entry(3, "Mushishi", "蟲師"),
    _entry(4, "Planetes"),
    _entry(5, "Haibane Renmei", "灰羽連盟"),
]


def review(title_id: int, text: str, *, score: float | None, message: int, guild: int = GUILD) -> NewReview:
    return NewReview(
        guild,
        title_id,
        author_id=AUTHOR,
        text=text,
        score=score,
        score_raw=None if score is None else f"{score:g}/10",
        analysis=json.dumps({"tldr": text[:40], "aspects": {"story": "strong"}}),
        channel_id=700_000_000_000_000_001,
        message_id=message,
        thread_id=message + 1,
        corrections=json.dumps({"score": score}),
    )


async def fill_every_table(db: Database) -> None:
    """Rows in every table of kansou's schema, as the bot would write them."""
    titles = TitleRepo(db)
    await titles.import_entries(CATALOG, source="anime-offline-database.json")
    ids = {title.name: title.id for title in await titles.load_all()}
    bebop, frieren, mushishi, planetes, haibane = (ids[entry.title] for entry in CATALOG)

    settings = SettingsRepo(db)
    await settings.update(GUILD, reviews_channel_id=700_000_000_000_000_001, min_votes=2, rating_cooldown=30)
    await settings.update(OTHER, reviewer_role_id=600_000_000_000_000_001, rating_role_id=600_000_000_000_000_002)
    await StateRepo(db).set("command_tree_hash", "abc123")

    ratings = RatingRepo(db)
    for n, member in enumerate(MEMBERS):
        await ratings.rate(GUILD, bebop, member, 1 + n % 10)
        await ratings.rate(GUILD, frieren, member, 10 - n % 4)
        if n % 2:
            await ratings.rate(GUILD, mushishi, member, 7)
    await ratings.rate(GUILD, bebop, MEMBERS[0], 9)  # a re-rate
    await ratings.rate(OTHER, planetes, MEMBERS[1], 8)
    await ratings.rate(OTHER, haibane, MEMBERS[2], 6)
    await ratings.remove_by_moderator(OTHER, haibane, MEMBERS[2], MOD)

    local = LocalTitleRepo(db)
    made = await local.create("Kino's Journey (2003)", GUILD, user_id=MEMBERS[3], at=AT)
    await local.rename(made.id, GUILD, "Kino no Tabi (2003)", moderator_id=MOD, at=AT + 60)
    doomed = await local.create("Typo Title", GUILD, user_id=MEMBERS[4], at=AT + 120)
    await local.delete(doomed.id, GUILD, moderator_id=MOD, at=AT + 180)
    await ratings.rate(GUILD, made.id, MEMBERS[5], 8)

    reviews = ReviewRepo(db)
    first = await reviews.publish(
        review(bebop, "Bebop. Like Planetes, but jazz. 9/10", score=9.0, message=500_000_000_000_000_001),
        replace=False,
        edges=[(planetes, "comparison", "Like Planetes, but jazz."), (mushishi, "studio_credit", "")],
    )
    await reviews.edit(
        first.review.id,
        text="Bebop, edited. Like Planetes. 8.5/10",
        score=8.5,
        score_raw="8.5/10",
        analysis="{}",
        editor_id=MOD,
        corrections=json.dumps({"verdict": "a classic"}),
    )
    old = await reviews.publish(
        review(frieren, "Frieren. 8/10", score=8.0, message=500_000_000_000_000_003), replace=False
    )
    await reviews.publish(
        review(frieren, "Frieren, again. Like Mushishi. 9/10", score=9.0, message=500_000_000_000_000_005),
        replace=True,
        edges=[(mushishi, "comparison", "Like Mushishi.")],
    )
    assert old.review.id
    await reviews.publish(
        review(made.id, "Kino, no score.", score=None, message=500_000_000_000_000_007), replace=False
    )
    comparisons = ComparisonRepo(db)
    await comparisons.add_comparison(GUILD, first.review.id, bebop, haibane, MOD)
    await comparisons.remove_comparison(GUILD, first.review.id, planetes, MOD)

    await AniListCache(db).put("media:1", json.dumps({"id": 1, "title": "Cowboy Bebop"}), AT + 0.25)
    await AniListCache(db).put("search:nothing", "null", AT)
    await LeftoverRepo(db).record(700_000_000_000_000_001, 500_000_000_000_000_099, None)
    # What the processes of a sharded bot share: a member's cooldown stamp, a review post's edit claim.
    await CooldownRepo(db).take(GUILD, MEMBERS[0], AT + 240, 30)
    await RefreshClaims(db).request(500_000_000_000_000_005, AT + 240, 5.0)


async def bot_view(db: Database) -> dict[str | int, Any]:
    """What members and moderators would see from this database: scores, /top, reviews with their history,
    comparison links, settings, the catalog, the audit trails, the caches."""
    titles = await TitleRepo(db).load_all()
    ids = [title.id for title in titles]
    ratings, reviews, comparisons = RatingRepo(db), ReviewRepo(db), ComparisonRepo(db)
    view: dict[str | int, Any] = {"titles": titles}
    for guild in (GUILD, OTHER):
        current = await reviews.list_current(guild, limit=50)
        view[guild] = {
            "settings": await SettingsRepo(db).get(guild),
            "aggregates": {title: await ratings.aggregate(guild, title) for title in ids},
            "server_mean": await ratings.server_mean(guild),
            "top": await ratings.top(guild, m=2, min_votes=1, limit=10),
            "members": {member: await ratings.user_ratings(guild, member, limit=50) for member in MEMBERS},
            "removals": [tuple(row) for row in await ratings.removals(guild)],
            "reviews": current,
            "history": {r.id: await reviews.history(r.id) for r in current},
            "edges": {title: await comparisons.edges_of(guild, title) for title in ids},
            "title_actions": await LocalTitleRepo(db).actions(guild),
        }
    view["state"] = await StateRepo(db).get("command_tree_hash")
    view["anilist"] = [await AniListCache(db).get(key) for key in ("media:1", "search:nothing")]
    view["leftovers"] = await LeftoverRepo(db).oldest(10)
    return view


async def filled_sqlite(path: Path) -> Path:
    """A SQLite file at `path` with rows in every table, written through the repositories."""
    db = await open_database(path)
    try:
        await fill_every_table(db)
    finally:
        await db.close()
    return path
