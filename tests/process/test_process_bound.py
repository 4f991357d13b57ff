"""The real process over the fake Discord: a preview's Publish pressed from another server is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.interactions.binding import OTHER_SERVER
from tests.bot_process import bot_process, fake_discord, frieren
from tests.fake_discord import FakeDiscord

OTHER_SERVER_ID = 700_000_000_000_000_001
MODERATOR = 1  # the fake gives user 1 every permission, in every server
REVIEW = (
    "Frieren is a quiet, patient fantasy about what remains after the adventure ends. The animation is "
    "gentle and precise, the music lingers, and the characters grow in small, earned steps. "
    "Some episodes drift, but the pacing suits the story. Score: 9/10."
)


def review_post_payload(fake: FakeDiscord) -> dict[str, Any]:
    """`/mod review post title:Frieren` from the moderator, in the first server."""
    post = {"name": "post", "type": 1, "options": [{"name": "title", "type": 3, "value": "Frieren"}]}
    data = {"id": _command_id(fake, "mod"), "name": "mod", "type": 1}
    data["options"] = [{"name": "review", "type": 2, "options": [post]}]
    return fake.interaction(2, data, user_id=MODERATOR)


def _command_id(fake: FakeDiscord, name: str) -> str:
    return next((c["id"] for c in fake.commands if c["name"] == name), "1")


def filled_modal(fake: FakeDiscord, modal: dict[str, Any], text: str) -> dict[str, Any]:
    """The moderator submits the modal the bot showed, with `text` in its first text input."""
    rows = []
    first = True
    for row in modal["components"]:
        inputs = row["components"] if row.get("type") == 1 else [row.get("component", row)]
        filled = []
        for component in inputs:
            filled.append({"type": 4, "custom_id": component["custom_id"], "value": text if first else ""})
            first = False
        rows.append({"type": 1, "components": filled})
    return fake.interaction(5, {"custom_id": modal["custom_id"], "components": rows}, user_id=MODERATOR)


def custom_ids(components: list[dict[str, Any]]) -> list[str]:
    return [c["custom_id"] for row in components for c in row.get("components", []) if "custom_id" in c]


async def test_publish_pressed_from_another_server_is_refused_and_nothing_is_posted(tmp_path: Path) -> None:
    async with (
        fake_discord(also_in=[OTHER_SERVER_ID]) as fake,
        bot_process(fake, tmp_path / "kansou.db", catalog=frieren()) as bot,
    ):
        await bot.wait_connected()
        shown = await fake.ask(review_post_payload(fake))
        modal = shown.callbacks[0]
        assert modal["type"] == 9, shown.callbacks
        preview = await fake.ask(filled_modal(fake, modal["data"], REVIEW))
        data = preview.callbacks[0]["data"]
        publish = next(i for i in custom_ids(data["components"]) if i.startswith("review:publish:"))
        posts_before = _posts(fake)
        # The same button, pressed by a moderator of the other server (a replayed or forged payload).
        message = fake.message(data, channel_id=OTHER_SERVER_ID + 1)
        press = fake.interaction(
            3, {"custom_id": publish, "component_type": 2}, user_id=MODERATOR, guild_id=OTHER_SERVER_ID
        )
        press["message"] = message
        refused = await fake.ask(press)
        assert refused.content == OTHER_SERVER
        assert _posts(fake) == posts_before == 0
        assert "Traceback" not in bot.output


def _posts(fake: FakeDiscord) -> int:
    """Messages the bot sent to channels itself (review posts), not interaction answers."""
    return sum(1 for method, path in fake.requests if method == "POST" and path.startswith("/channels/"))
