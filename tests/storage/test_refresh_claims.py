"""RefreshClaims: the stored claim on a review post's next edit, shared by processes on one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.reviews.coalesce import Claim
from bot.storage.db import Database, open_database
from bot.storage.refreshes import RefreshClaims

POST = 1_234_567_890_123
INTERVAL = 5.0


@pytest.fixture
async def other(db: Database) -> AsyncIterator[Database]:
    """A second connection to the same file: what another process of the bot would have."""
    database = await open_database(db.target)
    yield database
    await database.close()


async def test_the_first_request_claims_and_the_next_within_the_interval_waits(db: Database) -> None:
    """A post never edited is claimed at once; a change 1 s later is marked and told when it may edit."""
    claims = RefreshClaims(db)
    assert await claims.request(POST, 100.0, INTERVAL) == Claim(granted=True, next_at=105.0, pending=False)
    assert await claims.request(POST, 101.0, INTERVAL) == Claim(granted=False, next_at=105.0, pending=True)
    assert await claims.retry(POST, 104.0, INTERVAL) == Claim(granted=False, next_at=105.0, pending=True)
    assert await claims.retry(POST, 105.0, INTERVAL) == Claim(granted=True, next_at=110.0, pending=False)


async def test_a_change_shown_by_another_process_is_not_edited_again(db: Database, other: Database) -> None:
    """Both processes mark a change; at the interval's end one claims, the other learns it is covered."""
    first, second = RefreshClaims(db), RefreshClaims(other)
    await first.request(POST, 100.0, INTERVAL)
    assert not (await first.request(POST, 101.0, INTERVAL)).granted
    assert not (await second.request(POST, 102.0, INTERVAL)).granted
    assert (await second.retry(POST, 105.0, INTERVAL)).granted
    assert await first.retry(POST, 105.1, INTERVAL) == Claim(granted=False, next_at=110.0, pending=False)


async def test_concurrent_requests_from_two_processes_grant_one_claim(db: Database, other: Database) -> None:
    """Twenty requests at the same instant over two connections: exactly one is granted."""
    stores = (RefreshClaims(db), RefreshClaims(other))
    answers = await asyncio.gather(*(stores[n % 2].request(POST, 100.0, INTERVAL) for n in range(20)))
    assert sum(answer.granted for answer in answers) == 1
    assert all(answer.pending for answer in answers if not answer.granted)


async def test_a_time_far_ahead_of_the_clock_counts_as_passed(db: Database) -> None:
    """A claim stamped by a clock since set back by an hour does not block the post for that hour."""
    claims = RefreshClaims(db)
    await claims.request(POST, 10_000.0, INTERVAL)
    assert (await claims.request(POST, 6_400.0, INTERVAL)).granted


async def test_posts_are_independent_and_a_forgotten_post_starts_afresh(db: Database) -> None:
    """Another post is not held by this one's claim; after forget the post claims at once."""
    claims = RefreshClaims(db)
    await claims.request(POST, 100.0, INTERVAL)
    assert (await claims.request(POST + 1, 100.5, INTERVAL)).granted
    await claims.forget(POST)
    assert (await claims.retry(POST, 101.0, INTERVAL)).granted
