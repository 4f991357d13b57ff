"""Fill the demo server the way people would: every step is a slash command, a form or a button.

Seeding goes through the bot's own commands (not its services), so the sandbox shows exactly what
kansou does in a real server, and keeps working when the internals behind a command change.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from bot.sandbox.world import DemoServer

REVIEWED = "Cowboy Bebop"
REVIEW_TEXT = resources.files("bot.sandbox").joinpath("demo_review.md")
MIN_VOTES = 2

# Scores by the moderator and the members, in DemoServer.scorers order; None: not scored. The admin only
# configures, so the page (which opens as the admin) is not filled with their private /rate replies.
SCORES: dict[str, tuple[int | None, ...]] = {
    "Cowboy Bebop": (10, 9, 8, 10, 9),
    "Samurai Champloo": (9, 8, None, 9, 7),
    "Trigun": (None, 7, 8, None, 7),
    "Outlaw Star": (None, 6, None, None, 7),
    "Frieren: Beyond Journey's End": (9, 10, 9, 10, None),
    "Fullmetal Alchemist: Brotherhood": (10, None, 10, 9, 9),
    "Steins;Gate": (None, 9, 10, 8, None),
    "Mob Psycho 100": (9, 8, None, 9, None),
    "Spirited Away": (9, None, 9, 10, 8),
    "Attack on Titan": (None, 9, 7, None, 8),
    "Bocchi the Rock!": (None, None, 9, 8, 9),
    "Neon Genesis Evangelion": (9, None, 8, None, 6),
    "Chainsaw Man": (None, 8, None, 6, 8),
    "Death Note": (None, None, 7, 8, None),
}


class SeedError(RuntimeError):
    """A seeding step did not get the answer it expected; str() quotes the bot's reply."""


def _said(result: Any) -> str:
    response = getattr(result, "response", None)
    return getattr(response, "content", None) or ""


def _expect(result: Any, needle: str, step: str) -> None:
    text = _said(result)
    if needle not in text:
        raise SeedError(f"{step}: expected {needle!r} in the bot's answer, got {text!r}")


async def pick_title(person: Any, channel: Any, command: str, name: str) -> str:
    """Type a title into a command's autocomplete and take the matching choice, as a member would."""
    choices = await person.autocomplete(channel, command, "title", name)
    for choice in choices:
        if str(choice.get("name", "")).startswith(name):
            return str(choice["value"])
    raise SeedError(f"/{command}: autocomplete offered no choice for {name!r} (got {choices!r})")


async def configure(server: DemoServer) -> None:
    """The admin points reviews at #reviews, makes Moderator the reviewer role and sets the minimum votes."""
    admin, channel = server.admin, server.reviews
    steps = (
        ("settings reviews-channel", {"channel": server.reviews}, "Reviews will be posted in"),
        ("settings reviewer-role", {"role": server.moderator_role}, "may now post reviews"),
        ("settings min-votes", {"votes": MIN_VOTES}, f"Titles need {MIN_VOTES} votes"),
    )
    for command, options, needle in steps:
        _expect(await admin.slash(channel, command, **options), needle, f"/{command}")


async def rate_titles(server: DemoServer) -> int:
    """Everyone scores a few titles with /rate; returns how many scores were given."""
    given = 0
    for name, scores in SCORES.items():
        # The first scorer picks the title in the autocomplete; the others send the same choice.
        title = await pick_title(server.scorers[0], server.reviews, "rate", name)
        for person, score in zip(server.scorers, scores, strict=True):
            if score is None:
                continue
            _expect(await person.slash(server.reviews, "rate", title=title, score=score), "Saved your", "/rate")
            given += 1
    return given


async def publish_review(server: DemoServer) -> None:
    """The moderator writes the official review in /mod review post's form and publishes it."""
    mod, channel = server.moderator, server.reviews
    title = await pick_title(mod, channel, "mod review post", REVIEWED)
    shown = await mod.slash(channel, "mod review post", title=title)
    if shown.modal is None:
        raise SeedError(f"/mod review post: expected the review form, got {_said(shown)!r}")
    preview = await mod.submit_modal(shown, {_text_input_id(shown.modal): REVIEW_TEXT.read_text(encoding="utf-8")})
    message = getattr(preview.response, "message", None)
    if message is None:
        raise SeedError(f"/mod review post: expected a preview with a Publish button, got {_said(preview)!r}")
    _expect(await mod.click(message, label="Publish"), "Published", "Publish")


def _text_input_id(modal: dict[str, Any]) -> str:
    """The custom_id of the form's (first) text input: the review text."""
    for row in modal.get("components", []):
        for item in row.get("components", [row]):
            if item.get("type") == 4:  # a text input
                return str(item["custom_id"])
    raise SeedError("/mod review post: the form has no text input")


async def seed(server: DemoServer) -> None:
    """Configure the server, score titles and publish the official review, in that order."""
    await configure(server)
    await rate_titles(server)
    await publish_review(server)
