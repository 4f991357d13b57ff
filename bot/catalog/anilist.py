"""A small client for AniList's public GraphQL API: look up titles, covers, genres, studios, scores.

Optional by design: every failure (disabled, offline, slow, rate limited, odd answer) returns None
and logs a warning, so kansou keeps working with the catalog it has.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any, Protocol

import aiohttp

from bot.catalog.models import AniListMedia
from bot.catalog.normalize import fold

log = logging.getLogger(__name__)

DEFAULT_URL = "https://graphql.anilist.co"
CACHE_TTL = 7 * 24 * 3600.0
# A show that is airing changes every week (next episode, score): its answer is kept this long at most.
AIRING_TTL = 6 * 3600.0
# Cache keys carry the answer's shape: answers cached by an older kansou (no synopsis) are not reused.
CACHE_VERSION = 2
# AniList advertises 90 requests a minute but has run degraded at 30 for a long time.
REQUESTS_PER_MINUTE = 30

_MEDIA_FIELDS = """
    id idMal siteUrl format season seasonYear episodes averageScore meanScore genres synonyms status
    description(asHtml: true)
    title { romaji english native }
    coverImage { extraLarge large }
    studios(isMain: true) { nodes { name } }
    nextAiringEpisode { episode airingAt }
"""
SEARCH_QUERY = "query ($search: String) { Media(search: $search, type: ANIME) {" + _MEDIA_FIELDS + "} }"
MEDIA_QUERY = "query ($id: Int) { Media(id: $id, type: ANIME) {" + _MEDIA_FIELDS + "} }"


class AnswerCache(Protocol):
    """Where answers are kept between calls (bot.storage.anilist_cache.AniListCache in the bot)."""

    async def get(self, key: str) -> tuple[str, float] | None: ...

    async def put(self, key: str, body: str, fetched_at: float) -> None: ...


def parse_media(data: Any) -> AniListMedia:
    """An AniListMedia from a GraphQL `Media` object; ValueError if it is not shaped like one."""
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise ValueError("Media has no integer id")
    title = data.get("title") or {}
    cover = data.get("coverImage") or {}
    studios = (data.get("studios") or {}).get("nodes") or []
    airing = data.get("nextAiringEpisode") or {}
    if not isinstance(airing, dict):
        airing = {}
    if not isinstance(title, dict) or not isinstance(cover, dict) or not isinstance(studios, list):
        raise ValueError("Media has a malformed title, coverImage or studios")
    return AniListMedia(
        id=data["id"],
        site_url=_text(data.get("siteUrl")) or f"https://anilist.co/anime/{data['id']}",
        id_mal=_int(data.get("idMal")),
        romaji=_text(title.get("romaji")),
        english=_text(title.get("english")),
        native=_text(title.get("native")),
        synonyms=_texts(data.get("synonyms")),
        format=_text(data.get("format")),
        season=_text(data.get("season")),
        season_year=_int(data.get("seasonYear")),
        episodes=_int(data.get("episodes")),
        cover=_text(cover.get("extraLarge")) or _text(cover.get("large")),
        genres=_texts(data.get("genres")),
        studios=_texts([node.get("name") for node in studios if isinstance(node, dict)]),
        average_score=_int(data.get("averageScore")),
        mean_score=_int(data.get("meanScore")),
        description=_text(data.get("description")),
        status=_text(data.get("status")),
        next_episode=_int(airing.get("episode")),
        next_airing_at=_int(airing.get("airingAt")),
    )


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(dict.fromkeys(text for value in values if (text := _text(value))))


class TokenBucket:
    """At most `per_minute` requests a minute on average, with bursts of up to `burst`."""

    def __init__(self, per_minute: float, burst: int, clock: Any = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.clock = clock
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        """Seconds until a request may be sent (0 when it may go now)."""
        self._refill()
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self._refill()
        self.tokens -= 1


class _Failed(Exception):
    """AniList could not answer this time (logged where it happened; never reaches callers)."""


_NOT_FOUND = object()


class AniListClient:
    """Looks anime up on AniList, politely: rate limited, short timeouts, answers cached."""

    def __init__(
        self,
        *,
        enabled: bool = True,
        base_url: str = DEFAULT_URL,
        cache: AnswerCache | None = None,
        timeout: float = 5.0,
        per_minute: float = REQUESTS_PER_MINUTE,
        burst: int = 5,
        max_wait: float = 5.0,
        ttl: float = CACHE_TTL,
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.enabled = enabled
        self.base_url = base_url
        self.cache = cache
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.max_wait = max_wait  # longer waits give up instead: a user is waiting for an answer
        self.ttl = ttl
        self.bucket = TokenBucket(per_minute, burst)
        self._paused_until = 0.0  # monotonic time before which AniList asked us not to call
        self._gate = asyncio.Lock()
        self._session = session
        self._owns_session = session is None

    async def __aenter__(self) -> AniListClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session if this client opened it."""
        if self._session is not None and self._owns_session:
            await self._session.close()
        self._session = None

    async def search(self, name: str) -> AniListMedia | None:
        """The anime AniList finds best for `name`, or None (not found, disabled or unreachable)."""
        key = fold(name)
        if not self.enabled or not key:
            return None
        return await self._lookup(f"search{CACHE_VERSION}:{key}", SEARCH_QUERY, {"search": name.strip()})

    async def media(self, anilist_id: int) -> AniListMedia | None:
        """The anime with this AniList id, or None (not found, disabled or unreachable)."""
        if not self.enabled or anilist_id <= 0:
            return None
        return await self._lookup(f"media{CACHE_VERSION}:{anilist_id}", MEDIA_QUERY, {"id": anilist_id})

    async def _lookup(self, key: str, query: str, variables: dict[str, Any]) -> AniListMedia | None:
        cached = await self.cache.get(key) if self.cache is not None else None
        if cached is not None and self._fresh(cached[0], cached[1]):
            return _from_cache(cached[0])
        try:
            answer = await self._post(query, variables)
        except _Failed:
            # A stale answer beats none when AniList is out of reach.
            return _from_cache(cached[0]) if cached is not None else None
        media = None if answer is _NOT_FOUND else answer
        if self.cache is not None:
            now = time.time()
            if isinstance(media, AniListMedia):
                await self.cache.put(key, media.to_json(), now)
                # A search answer is also the answer for that id.
                await self.cache.put(f"media{CACHE_VERSION}:{media.id}", media.to_json(), now)
            else:
                await self.cache.put(key, "null", now)
        return media if isinstance(media, AniListMedia) else None

    def _fresh(self, body: str, fetched_at: float) -> bool:
        """Whether a cached answer may be used: within the TTL, and for an airing show, not past its next episode."""
        now = time.time()
        if now - fetched_at >= self.ttl:
            return False
        media = _from_cache(body)
        if media is None or media.status != "RELEASING":
            return True
        aired = media.next_airing_at is not None and now >= media.next_airing_at
        return not aired and now - fetched_at < min(self.ttl, AIRING_TTL)

    async def _post(self, query: str, variables: dict[str, Any]) -> AniListMedia | object:
        for attempt in (1, 2):
            await self._permit()
            try:
                session = self._open_session()
                async with session.post(
                    self.base_url, json={"query": query, "variables": variables}, timeout=self.timeout
                ) as response:
                    self._note_limits(response)
                    if response.status == 429:
                        if attempt == 1 and self._pause_left() <= self.max_wait:
                            continue  # _permit sleeps out the Retry-After, then one more try
                        log.warning("AniList rate limit hit; pausing for %.0f s", self._pause_left())
                        raise _Failed
                    body = await response.read()
                    status = response.status
            except (TimeoutError, aiohttp.ClientError) as exc:
                log.warning("AniList unreachable: %s", exc.__class__.__name__)
                raise _Failed from exc
            return _answer_of(status, body)
        raise _Failed  # pragma: no cover - the loop always returns or raises

    async def _permit(self) -> None:
        async with self._gate:
            wait = max(self._pause_left(), self.bucket.wait_time())
            if wait > self.max_wait:
                log.warning("AniList request skipped: %.0f s to wait for the rate limit", wait)
                raise _Failed
            if wait > 0:
                await asyncio.sleep(wait)
            self.bucket.take()

    def _pause_left(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    def _note_limits(self, response: aiohttp.ClientResponse) -> None:
        if response.status == 429:
            delay = _seconds(response.headers.get("Retry-After"), default=60.0)
            self._paused_until = max(self._paused_until, time.monotonic() + delay)
        elif response.headers.get("X-RateLimit-Remaining", "").strip() == "0":
            reset = _seconds(response.headers.get("X-RateLimit-Reset"), default=0.0)
            delay = reset - time.time() if reset > time.time() else 60.0
            self._paused_until = max(self._paused_until, time.monotonic() + min(delay, 60.0))

    def _open_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=self.timeout, headers={"Accept": "application/json", "User-Agent": "kansou"}
            )
            self._owns_session = True
        return self._session


def _answer_of(status: int, body: bytes) -> AniListMedia | object:
    """The media in an answer, _NOT_FOUND, or _Failed for anything else."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        log.warning("AniList answered %s with something that is not JSON", status)
        raise _Failed from exc
    if not isinstance(payload, dict):
        log.warning("AniList answered %s with unexpected JSON", status)
        raise _Failed
    errors = payload.get("errors") or []
    if status == 404 or any(isinstance(e, dict) and e.get("status") == 404 for e in errors):
        return _NOT_FOUND
    if status != 200:
        log.warning("AniList answered HTTP %s", status)
        raise _Failed
    media = (payload.get("data") or {}).get("Media") if isinstance(payload.get("data"), dict) else None
    if media is None:
        return _NOT_FOUND
    try:
        return parse_media(media)
    except ValueError as exc:
        log.warning("AniList answered with a malformed Media: %s", exc)
        raise _Failed from exc


def _from_cache(body: str) -> AniListMedia | None:
    try:
        return None if body == "null" else AniListMedia.from_json(body)
    except (ValueError, TypeError):
        return None  # a cache row from an older kansou; it will be refetched


def _seconds(value: str | None, *, default: float) -> float:
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default
