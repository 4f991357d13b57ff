"""Merging a local title into the real catalog entry: scores, reviews and comparison links move over.

Everything happens in one transaction. Ratings are moved by deleting and re-inserting rows, so the
triggers of 0004_ratings.sql keep rating_aggregates and rating_totals exact.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.catalog.models import MergeReport, TitleChange
from bot.errors import NotFound
from bot.storage.db import NOW, Database, Tx
from bot.storage.titles import TitleRepo, announce

log = logging.getLogger(__name__)

__all__ = ["MergeReport", "merge_local_titles", "merge_title"]


MergeHook = Callable[[Tx, MergeReport], Awaitable[None]]


async def merge_title(db: Database, local_id: int, real_id: int, *, then: MergeHook | None = None) -> MergeReport:
    """Move everything of the local title onto the real one and delete the local title, atomically.

    `then` runs inside the same transaction, after the moves (e.g. to write an audit row).
    Raises NotFound when either title is missing, or when local_id is not a local title.
    """
    report = MergeReport(local_id, real_id)
    if local_id == real_id:
        raise NotFound("A title cannot be merged into itself.")
    async with db.transaction() as tx:
        await _check_titles(tx, local_id, real_id)
        await _move_ratings(tx, report)
        await tx.execute("UPDATE rating_removals SET title_id = ? WHERE title_id = ?", (real_id, local_id))
        await _move_reviews(tx, report)
        await _move_edges(tx, report)
        await tx.execute("DELETE FROM titles WHERE id = ?", (local_id,))
        await announce(tx, TitleChange(local_id, into=real_id))
        if then is not None:
            await then(tx, report)
    log.info("merged %s", report.summary())
    return report


async def merge_local_titles(db: Database) -> list[MergeReport]:
    """Merge every local title whose name now matches exactly one real catalog title."""
    reports = []
    for local_id, real_id in await TitleRepo(db).find_local_matches():
        reports.append(await merge_title(db, local_id, real_id))
    return reports


async def _check_titles(tx: Tx, local_id: int, real_id: int) -> None:
    rows = await tx.fetchall("SELECT id, local FROM titles WHERE id IN (?, ?)", (local_id, real_id))
    found = {row[0]: bool(row[1]) for row in rows}
    if real_id not in found:
        raise NotFound(f"Title {real_id} does not exist.")
    if not found.get(local_id):
        raise NotFound(f"Title {local_id} is not a local title.")


async def _move_ratings(tx: Tx, report: MergeReport) -> None:
    local_id, real_id = report.local_id, report.real_id
    moving = await tx.fetchall(
        "DELETE FROM ratings WHERE title_id = ? RETURNING guild_id, user_id, score, created_at, updated_at",
        (local_id,),
    )
    for guild_id, user_id, score, created_at, updated_at in moving:
        kept = await tx.fetchall(
            "SELECT updated_at FROM ratings WHERE guild_id = ? AND title_id = ? AND user_id = ?",
            (guild_id, real_id, user_id),
        )
        if kept and kept[0][0] >= updated_at:
            report.ratings_dropped += 1
            continue
        if kept:  # the local score is the more recent one: it replaces the real title's score
            report.ratings_dropped += 1
            await tx.execute(
                "DELETE FROM ratings WHERE guild_id = ? AND title_id = ? AND user_id = ?",
                (guild_id, real_id, user_id),
            )
        await tx.execute(
            "INSERT INTO ratings (guild_id, title_id, user_id, score, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, real_id, user_id, score, created_at, updated_at),
        )
        report.ratings_moved += 1


async def _move_reviews(tx: Tx, report: MergeReport) -> None:
    local_id, real_id = report.local_id, report.real_id
    # Where both titles have a current review in a server, the real title's review stays current.
    replaced = await tx.fetchall(
        f"UPDATE reviews SET status = 'replaced', updated_at = {NOW[tx.dialect]} "
        "WHERE title_id = ? AND status = 'current' AND guild_id IN "
        "(SELECT guild_id FROM reviews WHERE title_id = ? AND status = 'current') RETURNING id",
        (local_id, real_id),
    )
    report.reviews_replaced = len(replaced)
    # Revisions hang on the review id, so they follow their review.
    report.reviews_moved = await tx.execute("UPDATE reviews SET title_id = ? WHERE title_id = ?", (real_id, local_id))


async def _move_edges(tx: Tx, report: MergeReport) -> None:
    local_id, real_id = report.local_id, report.real_id
    dropped = await tx.execute(
        "DELETE FROM comparison_edges WHERE (title_id = ? AND other_title_id = ?) "
        "OR (title_id = ? AND other_title_id = ?)",
        (local_id, real_id, real_id, local_id),
    )
    # A review naming both titles already links to the real one: its link to the local one goes.
    dropped += await tx.execute(
        "DELETE FROM comparison_edges AS e WHERE e.other_title_id = ? AND EXISTS (SELECT 1 FROM "
        "comparison_edges AS d WHERE d.guild_id = e.guild_id AND d.review_id = e.review_id "
        "AND d.other_title_id = ?)",
        (local_id, real_id),
    )
    moved = await tx.execute(
        "UPDATE comparison_edges SET other_title_id = ? WHERE other_title_id = ?", (real_id, local_id)
    )
    moved += await tx.execute("UPDATE comparison_edges SET title_id = ? WHERE title_id = ?", (real_id, local_id))
    report.edges_moved = moved
    report.edges_dropped = dropped
