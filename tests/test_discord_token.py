"""A bot token's shape, checked offline: the usual mistakes each get their own explanation."""

from __future__ import annotations

import base64

import pytest

from bot.discord_token import token_shape


def shaped(bot_id: int = 123456789012345678) -> str:
    first = base64.urlsafe_b64encode(str(bot_id).encode()).decode().rstrip("=")
    return f"{first}.GhIjKl.{'a1_-' * 10}"


def test_a_well_shaped_token_gives_the_bot_id_its_first_segment_encodes() -> None:
    assert token_shape(shaped(987654321098765432)).bot_id == 987654321098765432
    assert token_shape(f"  {shaped()}\n").problem is None


@pytest.mark.parametrize(
    ("token", "says"),
    [
        ("junk", "three segments joined by dots; this has no dots"),
        ("a.b", "this has 2 segments"),
        ("f" * 64, "public key"),
        ("Ab1_" * 8, "client secret"),
        (f"Bot {shaped()}", "starts with 'Bot '"),
        (f'"{shaped()}"', "wrapped in quotes"),
        ("bm90LWFuLWlk.GhIjKl." + "a" * 38, "does not encode a numeric bot id"),  # "not-an-id"
        (shaped().replace("GhIjKl", "Gh!jKl"), "characters a token never has"),
        (shaped()[:-30], "cut short"),
    ],
)
def test_each_common_mistake_is_named(token: str, says: str) -> None:
    shape = token_shape(token)
    assert shape.bot_id is None
    assert shape.problem is not None and says in shape.problem
