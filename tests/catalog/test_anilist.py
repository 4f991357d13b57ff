"""The AniList client against a fake AniList on 127.0.0.1: answers, cache, rate limits, failures."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.catalog.anilist import CACHE_VERSION, AniListClient, AniListMedia, TokenBucket
from bot.storage.anilist_cache import AniListCache
from bot.storage.db import open_database

Reply = Callable[[], Awaitable[web.Response]]

FRIEREN = {
    "id": 154587,
    "idMal": 52991,
    "siteUrl": "https://anilist.co/anime/154587",
    "format": "TV",
    "season": "FALL",
    "seasonYear": 2023,
    "episodes": 28,
    "averageScore": 91,
    "genres": ["Adventure", "Drama", "Fantasy"],
    "synonyms": ["Frieren at the Funeral"],
    "title": {
        "romaji": "Sousou no Frieren",
        "english": "Frieren: Beyond Journey's End",
        "native": "葬送のフリーレン",
    },
    "coverImage": {"extraLarge": "https://img.example.invalid/frieren.jpg", "large": None},
    "studios": {"nodes": [{"name": "MADHOUSE"}]},
    "meanScore": 90,
    "status": "FINISHED",
    "description": "An elf mage outlives her party.<br><br>~!A spoiler!~",
    "nextAiringEpisode": None,
}


def found(media: dict[str, Any] = FRIEREN, headers: dict[str, str] | None = None) -> Reply:
    async def reply() -> web.Response:
        return web.json_response({"data": {"Media": media}}, headers=headers)

    return reply


def status(code: int, body: str = "{}", headers: dict[str, str] | None = None) -> Reply:
    async def reply() -> web.Response:
        return web.Response(status=code, text=body, headers=headers, content_type="application/json")

    return reply


def slow(seconds: float) -> Reply:
    async def reply() -> web.Response:
        await asyncio.sleep(seconds)
        return web.json_response({"data": {"Media": FRIEREN}})

    return reply


NOT_FOUND = status(404, json.dumps({"errors": [{"message": "Not Found.", "status": 404}], "data": {"Media": None}}))


class FakeAniList:
    """Answers POSTs with the scripted replies in order, then with Frieren; records every request."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append(await request.json())
        reply = self.replies.pop(0) if self.replies else found()
        return await reply()


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeAniList, str]]:
    anilist = FakeAniList()
    app = web.Application()
    app.router.add_post("/", anilist.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield anilist, str(server.make_url("/"))
    await server.close()


@pytest.fixture
async def cache(tmp_path: Path) -> AsyncIterator[AniListCache]:
    db = await open_database(tmp_path / "kansou.db")
    yield AniListCache(db)
    await db.close()


@pytest.fixture
async def client_for(fake: tuple[FakeAniList, str], cache: AniListCache) -> AsyncIterator[Callable[..., AniListClient]]:
    clients: list[AniListClient] = []

    def make(**options: Any) -> AniListClient:
        options.setdefault("cache", cache)
        client = AniListClient(base_url=fake[1], **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


async def test_search_returns_cover_genres_studio_score_and_names(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    media = await client_for().search("frieren")
    assert media is not None
    assert media.id == 154587
    assert media.cover == "https://img.example.invalid/frieren.jpg"
    assert media.genres == ("Adventure", "Drama", "Fantasy")
    assert media.studios == ("MADHOUSE",)
    assert media.average_score == 91
    assert media.names == (
        "Sousou no Frieren",
        "Frieren: Beyond Journey's End",
        "葬送のフリーレン",
        "Frieren at the Funeral",
    )
    assert media.site_url == "https://anilist.co/anime/154587"
    assert media.mal_url == "https://myanimelist.net/anime/52991"
    assert fake[0].requests[0]["variables"] == {"search": "frieren"}


async def test_answers_are_cached_so_a_repeat_does_not_call_anilist(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    client = client_for()
    first = await client.search("Frieren")
    again = await client.search("  frieren ")
    by_id = await client.media(154587)
    assert first == again == by_id
    assert len(fake[0].requests) == 1


async def test_cache_outlives_the_client(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    await client_for().search("Frieren")
    assert await client_for().media(154587) is not None
    assert len(fake[0].requests) == 1


async def test_disabled_client_returns_none_without_calling(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    client = client_for(enabled=False)
    assert await client.search("Frieren") is None
    assert await client.media(154587) is None
    assert fake[0].requests == []


async def test_not_found_is_none_and_remembered(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    fake[0].replies = [NOT_FOUND]
    client = client_for()
    assert await client.search("no such anime") is None
    assert await client.search("no such anime") is None
    assert len(fake[0].requests) == 1


async def test_a_short_retry_after_is_waited_out_then_retried(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    fake[0].replies = [status(429, headers={"Retry-After": "1"})]
    started = time.monotonic()
    media = await client_for().search("Frieren")
    assert media is not None
    assert time.monotonic() - started >= 0.9
    assert len(fake[0].requests) == 2


async def test_a_long_retry_after_gives_up_and_pauses_later_calls(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    fake[0].replies = [status(429, headers={"Retry-After": "120"})]
    client = client_for(max_wait=0.5)
    started = time.monotonic()
    assert await client.search("Frieren") is None
    assert await client.search("Bocchi") is None
    assert time.monotonic() - started < 1
    assert len(fake[0].requests) == 1


async def test_remaining_zero_pauses_until_the_reset(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    reset = str(int(time.time()) + 30)
    fake[0].replies = [found(headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})]
    client = client_for(max_wait=0.5)
    assert await client.search("Frieren") is not None
    assert await client.search("Bocchi") is None
    assert len(fake[0].requests) == 1


async def test_token_bucket_spaces_out_requests_beyond_the_burst() -> None:
    now = [0.0]
    bucket = TokenBucket(per_minute=30, burst=2, clock=lambda: now[0])
    bucket.take()
    bucket.take()
    assert bucket.wait_time() == pytest.approx(2.0)
    now[0] = 2.0
    assert bucket.wait_time() == 0.0


async def test_requests_past_the_budget_are_skipped_not_queued_for_long(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    client = client_for(cache=None, burst=2, per_minute=30, max_wait=0.1)
    results = [await client.media(i) for i in (1, 2, 3)]
    assert [r is not None for r in results] == [True, True, False]
    assert len(fake[0].requests) == 2


async def test_timeout_returns_none_and_logs_a_warning(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient], caplog: pytest.LogCaptureFixture
) -> None:
    fake[0].replies = [slow(1.0)]
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="bot.catalog.anilist"):
        assert await client_for(timeout=0.2).search("Frieren") is None
    assert time.monotonic() - started < 0.9
    assert "unreachable" in caplog.text


@pytest.mark.parametrize(
    "reply",
    [
        status(200, "<html>busy</html>"),
        status(200, "[1, 2]"),
        status(200, json.dumps({"data": {"Media": {"id": "not a number"}}})),
        status(200, json.dumps({"data": {"Media": {"id": 1, "title": "flat"}}})),
        status(500, json.dumps({"errors": [{"message": "Internal", "status": 500}]})),
    ],
)
async def test_malformed_or_failed_answers_return_none_and_are_not_cached(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient], reply: Reply
) -> None:
    fake[0].replies = [reply]
    client = client_for()
    assert await client.search("Frieren") is None
    assert await client.search("Frieren") is not None  # the failure was not remembered
    assert len(fake[0].requests) == 2


async def test_unreachable_anilist_returns_none(cache: AniListCache) -> None:
    async with AniListClient(base_url="http://127.0.0.1:9/", cache=cache, timeout=1) as client:
        assert await client.search("Frieren") is None


async def test_a_stale_cached_answer_is_used_when_anilist_fails(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient], cache: AniListCache
) -> None:
    old = AniListMedia(id=7, site_url="https://anilist.co/anime/7", romaji="Old Answer")
    await cache.put(f"media{CACHE_VERSION}:7", old.to_json(), time.time() - 30 * 24 * 3600)
    fake[0].replies = [status(503)]
    assert await client_for().media(7) == old


async def test_a_stale_cached_answer_is_refreshed_when_anilist_answers(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient], cache: AniListCache
) -> None:
    old = AniListMedia(id=154587, site_url="https://anilist.co/anime/154587", romaji="Old Answer")
    await cache.put(f"media{CACHE_VERSION}:154587", old.to_json(), time.time() - 30 * 24 * 3600)
    media = await client_for().media(154587)
    assert media is not None
    assert media.romaji == "Sousou no Frieren"
    assert len(fake[0].requests) == 1


async def test_the_card_fields_are_read_synopsis_status_mean_score_and_next_episode(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient]
) -> None:
    airing = {**FRIEREN, "status": "RELEASING", "nextAiringEpisode": {"episode": 12, "airingAt": 2_000_000_000}}
    fake[0].replies = [found(airing)]
    media = await client_for().media(154587)
    assert media is not None
    assert (media.mean_score, media.status, media.next_episode, media.next_airing_at) == (
        90,
        "RELEASING",
        12,
        2_000_000_000,
    )
    assert media.description == "An elf mage outlives her party.<br><br>~!A spoiler!~"
    assert "description" in fake[0].requests[0]["query"] and "nextAiringEpisode" in fake[0].requests[0]["query"]


async def test_an_airing_shows_answer_is_refetched_after_six_hours_a_finished_one_is_not(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient], cache: AniListCache
) -> None:
    seven_hours_ago = time.time() - 7 * 3600
    airing = AniListMedia(id=1, site_url="https://anilist.co/anime/1", romaji="Airing", status="RELEASING")
    finished = AniListMedia(id=2, site_url="https://anilist.co/anime/2", romaji="Done", status="FINISHED")
    await cache.put(f"media{CACHE_VERSION}:1", airing.to_json(), seven_hours_ago)
    await cache.put(f"media{CACHE_VERSION}:2", finished.to_json(), seven_hours_ago)
    client = client_for()
    assert await client.media(2) == finished
    assert fake[0].requests == []
    refreshed = await client.media(1)
    assert refreshed is not None and refreshed.romaji == "Sousou no Frieren"
    assert len(fake[0].requests) == 1


async def test_answers_cached_by_an_older_kansou_are_not_reused(
    fake: tuple[FakeAniList, str], client_for: Callable[..., AniListClient], cache: AniListCache
) -> None:
    old = AniListMedia(id=154587, site_url="https://anilist.co/anime/154587", romaji="No synopsis then")
    await cache.put("media:154587", old.to_json(), time.time())
    media = await client_for().media(154587)
    assert media is not None and media.description is not None
    assert len(fake[0].requests) == 1
