"""A small fake of Discord's HTTP API and gateway on 127.0.0.1, for process-level tests and benchmarks.

The real `python -m bot run` process talks to it over loopback (KANSOU_TEST_DISCORD_URL, see
bot/loopback.py): it logs in, gets READY and one GUILD_CREATE, syncs or lists its application
commands, receives INTERACTION_CREATE events and answers them through the interaction callback
and webhook endpoints, as it would with Discord. Everything it answers is recorded here, so a test
can wait for the answer to one interaction. Unknown routes answer 404 and are counted.

Faults a test can inject: `hold_callbacks` (answers wait), `commands` (what Discord "has"). `also_in`: more
servers the bot is in (one text channel each, id = server id + 1), for interactions from another server.

Sharding: a bot that IDENTIFYs with `shard: [id, count]` gets, on that connection, only the servers of
that shard, `(guild_id >> 22) % count`, as Discord does; every interaction goes to the connection of its
server's shard. So the processes of one sharded bot (each running some shards) can share one fake.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

EPHEMERAL = 1 << 6
ALL_PERMISSIONS = str((1 << 50) - 1)
NOW = "2026-01-01T00:00:00.000000+00:00"
HEARTBEAT_MS = 41_250


@dataclass
class Answer:
    """What the bot sent back for one interaction: the callback, then any follow-ups and edits."""

    interaction_id: int
    sent_at: float
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)  # the messages Discord made of `messages` (with ids)
    answered_at: float | None = None
    first_callback_at: float | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def content(self) -> str | None:
        """The text the user finally sees: the last message or edit, else the callback's."""
        for payload in reversed(self.messages):
            if payload.get("content") is not None:
                return payload["content"]
        for callback in reversed(self.callbacks):
            data = callback.get("data") or {}
            if data.get("content") is not None:
                return data["content"]
        return None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        for callback in self.callbacks:
            if callback.get("type") == 8:
                return callback["data"]["choices"]
        return None

    @property
    def deferred(self) -> bool:
        return any(callback.get("type") in (5, 6) for callback in self.callbacks)

    @property
    def seconds(self) -> float | None:
        return None if self.answered_at is None else self.answered_at - self.sent_at


class FakeDiscord:
    """One application, one bot user, one guild with one text channel; loopback only."""

    def __init__(self, *, guild_id: int = 900_000_000_000_000_001, also_in: Iterable[int] = ()) -> None:
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self.application_id = 800_000_000_000_000_001
        self.bot_user = self.user(800_000_000_000_000_001, "kansou", bot=True)
        self.guild_id = guild_id
        self.channel_id = guild_id + 1
        self.guild_ids = [guild_id, *also_in]
        self.commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[tuple[str, str]] = []
        self.unknown: list[tuple[str, str]] = []
        self.answers: dict[int, Answer] = {}
        self.hold_callbacks: asyncio.Event | None = None
        self.posted: dict[int, dict[str, Any]] = {}  # messages the bot sent to channels and has not deleted
        self.drop: set[tuple[str, str]] = set()  # (method, route) whose connection is closed without an answer
        self.identified = asyncio.Event()
        self.edits: list[tuple[int, dict[str, Any], float]] = []  # (message id, payload, when) of every edit
        self._sockets: set[web.WebSocketResponse] = set()
        self._shards: dict[web.WebSocketResponse, tuple[int, int]] = {}  # socket -> (shard id, shard count)
        self.shards_identified: set[int] = set()
        # Servers that a shard other than their own holds as well (set before that shard connects): the
        # moment of a resharding when an old and a new session both hold a server.
        self.also_on_shard: dict[int, set[int]] = {}
        self._sequence = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    # ---- lifecycle -------------------------------------------------------------------------
    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = self._runner.addresses[0][1]  # the port the OS picked
        return self.url

    async def stop(self) -> None:
        for socket in list(self._sockets):
            with contextlib.suppress(Exception):
                await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def connected(self) -> bool:
        return bool(self._sockets)

    # ---- payloads ----------------------------------------------------------------------------
    def next_id(self) -> int:
        return next(self._ids)

    @staticmethod
    def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": name,
            "global_name": name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
        }

    def member(self, user_id: int, roles: Iterable[int] = ()) -> dict[str, Any]:
        return {
            "user": self.user(user_id, f"member{user_id % 100_000}"),
            "roles": [str(role) for role in roles],
            "joined_at": NOW,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": ALL_PERMISSIONS if user_id == 1 else "2248473465835073",
        }

    def channel(self, guild_id: int | None = None) -> dict[str, Any]:
        guild_id = guild_id or self.guild_id
        return {
            "id": str(guild_id + 1),
            "type": 0,
            "guild_id": str(guild_id),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
        }

    def guild(self, guild_id: int | None = None) -> dict[str, Any]:
        guild_id = guild_id or self.guild_id
        everyone = {
            "id": str(guild_id),
            "name": "@everyone",
            "permissions": "2248473465835073",
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
        bot_member = self.member(int(self.bot_user["id"]))
        bot_member["user"] = self.bot_user
        return {
            "id": str(guild_id),
            "name": "Anime Club" if guild_id == self.guild_id else f"Server {guild_id}",
            "icon": None,
            "owner_id": "1",
            "unavailable": False,
            "member_count": 2,
            "large": False,
            "joined_at": NOW,
            "features": [],
            "roles": [everyone],
            "channels": [self.channel(guild_id)],
            "threads": [],
            "members": [bot_member],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "premium_tier": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "system_channel_flags": 0,
            "preferred_locale": "en-US",
            "afk_timeout": 300,
        }

    def message(self, payload: dict[str, Any], *, channel_id: int | None = None) -> dict[str, Any]:
        return {
            "id": str(self.next_id()),
            "channel_id": str(channel_id or self.channel_id),
            "type": 0,
            "content": payload.get("content") or "",
            "author": self.bot_user,
            "attachments": [],
            "embeds": payload.get("embeds") or [],
            "components": payload.get("components") or [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": NOW,
            "edited_timestamp": None,
            "flags": payload.get("flags") or 0,
        }

    def _stored_command(self, command: dict[str, Any], guild_id: int | None = None) -> dict[str, Any]:
        stored = {
            "id": str(self.next_id()),
            "application_id": str(self.application_id),
            "version": str(self.next_id()),
            "type": 1,
            "description": "",  # Discord gives message and user commands an empty description
            "default_member_permissions": None,
            "nsfw": False,
            **command,
        }
        if guild_id is not None:
            stored["guild_id"] = str(guild_id)
        return stored

    # ---- HTTP API ----------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        parts = tail.strip("/").split("/")
        self.requests.append((request.method, "/" + tail))
        method = request.method
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.content_type == "application/json" and raw:
                body = json.loads(raw)
            elif raw and request.content_type.startswith("multipart/"):
                body = _payload_json_from_multipart(raw)
        if tail == "users/@me":
            return _json(self.bot_user)
        if tail == "oauth2/applications/@me":
            return _json(self._application())
        if tail in ("gateway", "gateway/bot"):
            return _json(
                {
                    "url": f"ws://127.0.0.1:{self.port}/gateway",
                    "shards": 1,
                    "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
                }
            )
        if parts[:1] == ["applications"] and parts[-1] == "commands":
            return self._commands(method, parts, body)
        if parts[:1] == ["interactions"] and parts[-1] == "callback":
            return await self._callback(int(parts[1]), body or {})
        if parts[:1] == ["webhooks"] and len(parts) >= 3:
            return self._webhook(method, int(parts[2].removeprefix("tok-")), parts[3:], body or {})
        if parts[:1] == ["channels"] and (method, _route(parts)) in self.drop:
            assert request.transport is not None
            request.transport.close()  # the connection drops: the bot gets no answer at all
            return web.Response(status=500)
        if parts[:1] == ["channels"] and parts[2:] == ["messages"] and method == "POST":
            message = self.message(body or {}, channel_id=int(parts[1]))
            self.posted[int(message["id"])] = message
            return _json(message)
        if parts[:1] == ["channels"] and parts[2:3] == ["messages"] and parts[4:] == ["threads"] and method == "POST":
            return _json(self._thread(int(parts[1]), int(parts[3]), body or {}))
        if parts[:1] == ["channels"] and len(parts) == 4 and parts[2] == "messages" and method == "PATCH":
            return self._edit(int(parts[1]), int(parts[3]), body or {})
        if parts[:1] == ["channels"] and len(parts) == 4 and parts[2] == "messages" and method == "DELETE":
            if self.posted.pop(int(parts[3]), None) is None:
                return _json({"message": "Unknown Message", "code": 10008}, status=404)
            return web.Response(status=204)
        self.unknown.append((method, "/" + tail))
        return _json({"message": "Unknown route (fake Discord)", "code": 0}, status=404)

    def _edit(self, channel_id: int, message_id: int, body: dict[str, Any]) -> web.Response:
        posted = self.posted.get(message_id)
        if posted is None:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        self.edits.append((message_id, body, time.monotonic()))
        for key in ("content", "embeds", "components"):
            if key in body:
                posted[key] = body[key]
        return _json({**posted, "channel_id": str(channel_id), "edited_timestamp": NOW})

    def _thread(self, channel_id: int, message_id: int, body: dict[str, Any]) -> dict[str, Any]:
        """A public thread started from a message: the thread's id is the message's, as on Discord."""
        parent = self.posted.get(message_id)
        guild_id = next((g for g in self.guild_ids if g + 1 == channel_id), self.guild_id)
        return {
            "id": str(message_id),
            "type": 11,
            "guild_id": str(guild_id),
            "parent_id": str(channel_id),
            "name": body.get("name") or "thread",
            "owner_id": self.bot_user["id"],
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "flags": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": NOW,
                "locked": False,
            },
            "last_message_id": parent["id"] if parent else None,
        }

    def post(self, payload: dict[str, Any], *, channel_id: int | None = None) -> dict[str, Any]:
        """A message the bot had posted earlier (e.g. a review post seeded in the database), to be edited."""
        message = self.message(payload, channel_id=channel_id)
        self.posted[int(message["id"])] = message
        return message

    def _application(self) -> dict[str, Any]:
        return {
            "id": str(self.application_id),
            "name": "kansou",
            "icon": None,
            "description": "",
            "summary": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.user(1, "owner"),
            "verify_key": "0" * 64,
            "flags": 0,
            "team": None,
            "bot": self.bot_user,
        }

    def _commands(self, method: str, parts: list[str], body: Any) -> web.Response:
        guild_id = int(parts[3]) if len(parts) == 5 and parts[2] == "guilds" else None
        if method == "PUT":
            stored = [self._stored_command(command, guild_id) for command in body or []]
            if guild_id is None:
                self.commands = stored
            else:
                self.guild_commands[guild_id] = stored
            return _json(stored)
        if method == "GET":
            return _json(self.commands if guild_id is None else self.guild_commands.get(guild_id, []))
        return _json({"message": "fake Discord: method not supported", "code": 0}, status=405)

    async def _callback(self, interaction_id: int, body: dict[str, Any]) -> web.Response:
        if self.hold_callbacks is not None:
            await self.hold_callbacks.wait()
        answer = self.answers.get(interaction_id)
        if answer is None:
            return _json({"message": "Unknown interaction", "code": 10062}, status=404)
        if answer.callbacks:
            return _json({"message": "Interaction has already been acknowledged.", "code": 40060}, 400)
        answer.callbacks.append(body)
        answer.first_callback_at = time.perf_counter()
        if body.get("type") in (4, 7, 8, 9):  # a message, an update, choices or a modal: the user has an answer
            self._answered(answer)
        data = body.get("data") or {}
        message = self.message(data) if body.get("type") in (4, 5, 7) else None
        resource: dict[str, Any] = {"type": body.get("type")}
        if message is not None:
            resource["message"] = message
        return _json(
            {
                "interaction": {
                    "id": str(interaction_id),
                    "type": 2,
                    "response_message_id": message["id"] if message else None,
                    "response_message_loading": body.get("type") == 5,
                    "response_message_ephemeral": bool(data.get("flags", 0) & EPHEMERAL),
                },
                "resource": resource,
            }
        )

    def _webhook(self, method: str, interaction_id: int, rest: list[str], body: dict[str, Any]) -> web.Response:
        answer = self.answers.get(interaction_id)
        if answer is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        if method in ("POST", "PATCH"):
            answer.messages.append(body)
            answer.sent.append(self.message(body))
            self._answered(answer)
            return _json(answer.sent[-1])
        if method == "GET":
            return _json(self.message(answer.messages[-1] if answer.messages else {}))
        return web.Response(status=204)  # DELETE

    @staticmethod
    def _answered(answer: Answer) -> None:
        if answer.answered_at is None:
            answer.answered_at = time.perf_counter()
        answer.done.set()

    # ---- gateway -----------------------------------------------------------------------------
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        self._sockets.add(socket)
        try:
            await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}, "s": None}))
            async for frame in socket:  # ends when either side closes the socket
                if frame.type != WSMsgType.TEXT:
                    break
                await self._on_gateway_message(socket, json.loads(frame.data))
        finally:
            self._sockets.discard(socket)
            self._shards.pop(socket, None)
        return socket

    async def _on_gateway_message(self, socket: web.WebSocketResponse, message: dict[str, Any]) -> None:
        op = message.get("op")
        if op == 1:
            await socket.send_str(json.dumps({"op": 11, "d": None}))
        elif op == 2:
            shard_id, count = (message.get("d") or {}).get("shard") or (0, 1)
            self._shards[socket] = (shard_id, count)
            guild_ids = [
                guild_id
                for guild_id in self.guild_ids
                if shard_of(guild_id, count) == shard_id or shard_id in self.also_on_shard.get(guild_id, ())
            ]
            ready = {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in guild_ids],
                "shard": [shard_id, count],
                "session_id": "fake-session",
                "resume_gateway_url": f"ws://127.0.0.1:{self.port}/gateway",
                "application": {"id": str(self.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
            }
            await self._dispatch(socket, "READY", ready)
            for guild_id in guild_ids:
                await self._dispatch(socket, "GUILD_CREATE", self.guild(guild_id))
            self.shards_identified.add(shard_id)
            self.identified.set()
        elif op == 6:
            await self._dispatch(socket, "RESUMED", {})

    async def _dispatch(self, socket: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self._sequence += 1
        await socket.send_str(json.dumps({"op": 0, "t": event, "s": self._sequence, "d": data}))

    # ---- driving the bot ---------------------------------------------------------------------
    def interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int = 2,
        roles: Iterable[int] = (),
        guild_id: int | None = None,
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE payload from a member of `guild_id` (default: the first server), in its channel."""
        guild_id = guild_id or self.guild_id
        interaction_id = self.next_id()
        return {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": kind,
            "token": f"tok-{interaction_id}",
            "version": 1,
            "guild_id": str(guild_id),
            "channel_id": str(guild_id + 1),
            "channel": self.channel(guild_id),
            "member": self.member(user_id, roles),
            "app_permissions": ALL_PERMISSIONS,
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 10_485_760,
            "data": data,
        }

    def slash_payload(
        self, name: str, *, user_id: int = 2, guild_id: int | None = None, **options: Any
    ) -> dict[str, Any]:
        """An INTERACTION_CREATE for `/name option=value ...` (string and integer options)."""
        found = [
            {"name": key, "type": 4 if isinstance(value, int) else 3, "value": value} for key, value in options.items()
        ]
        data = {"id": self._command_id(name), "name": name, "type": 1, "options": found}
        return self.interaction(2, data, user_id=user_id, guild_id=guild_id)

    def autocomplete_payload(self, name: str, option: str, typed: str, *, user_id: int = 2) -> dict[str, Any]:
        data = {
            "id": self._command_id(name),
            "name": name,
            "type": 1,
            "options": [{"name": option, "type": 3, "value": typed, "focused": True}],
        }
        return self.interaction(4, data, user_id=user_id)

    def _command_id(self, name: str) -> str:
        for command in self.commands:
            if command["name"] == name:
                return command["id"]
        return "1"

    async def send(self, payload: dict[str, Any], *, shard: int | None = None) -> Answer:
        """Deliver one interaction over the gateway to its server's shard; returns its Answer (not yet awaited).

        `shard`: deliver it to that shard's connection instead, as after a resharding moved the server.
        """
        socket = self._socket_for(int(payload["guild_id"]), shard)
        answer = Answer(int(payload["id"]), time.perf_counter())
        self.answers[answer.interaction_id] = answer
        await self._dispatch(socket, "INTERACTION_CREATE", payload)
        return answer

    def _socket_for(self, guild_id: int, shard: int | None) -> web.WebSocketResponse:
        for socket, (shard_id, count) in self._shards.items():
            if shard_id == (shard_of(guild_id, count) if shard is None else shard):
                return socket
        if not self._shards and self._sockets and shard is None:
            return next(iter(self._sockets))  # connected, not yet identified
        raise RuntimeError(f"no connection to the fake gateway runs the shard of server {guild_id}")

    async def wait_for_shards(self, shard_ids: Iterable[int], within: float = 30.0) -> None:
        """Until every one of these shards has identified, bounded."""
        wanted = set(shard_ids)
        deadline = time.monotonic() + within
        while not wanted <= self.shards_identified:
            if time.monotonic() > deadline:
                raise AssertionError(f"shards {sorted(wanted - self.shards_identified)} did not connect in {within} s")
            await asyncio.sleep(0.05)

    async def wait_for_callbacks(self, count: int, within: float = 10.0) -> None:
        """Until the bot has posted `count` interaction callbacks (answered or held), bounded."""
        deadline = time.monotonic() + within
        while self.callback_count() < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.callback_count()} of {count} interaction callbacks within {within} s")
            await asyncio.sleep(0.02)

    def callback_count(self) -> int:
        return sum(1 for method, path in self.requests if method == "POST" and path.endswith("/callback"))

    async def ask(self, payload: dict[str, Any], within: float = 10.0, *, shard: int | None = None) -> Answer:
        """Deliver one interaction and wait (bounded) for its first answer."""
        answer = await self.send(payload, shard=shard)
        await asyncio.wait_for(answer.done.wait(), within)
        return answer


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord delivers a server's events to."""
    return (guild_id >> 22) % shard_count


def _route(parts: list[str]) -> str:
    """A channel route with its ids replaced: channels/{id}/messages/{id}/threads."""
    return "/".join("{id}" if part.isdigit() else part for part in parts)


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json" (no charset): discord.py only decodes bodies labelled that way.
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


def _payload_json_from_multipart(raw: bytes) -> dict[str, Any]:
    """The JSON part of a multipart body (files are ignored)."""
    for part in raw.split(b"\r\n--"):
        if b'name="payload_json"' in part:
            _, _, content = part.partition(b"\r\n\r\n")
            return json.loads(content.strip().rstrip(b"-").strip())
    return {}
