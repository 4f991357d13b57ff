"""Comparing our command tree with Discord's copy: Discord's own additions are not differences."""

from __future__ import annotations

from typing import Any

from bot.command_sync import command_differences

RATE: dict[str, Any] = {
    "name": "rate",
    "description": "Score a title",
    "type": 1,
    "options": [{"name": "score", "description": "1 to 10", "type": 4, "required": True, "min_value": 1}],
    "default_member_permissions": None,
    "nsfw": False,
}


def as_discord_returns(command: dict[str, Any]) -> dict[str, Any]:
    """What Discord sends back: ids, versions, localizations and defaults added."""
    return {
        **command,
        "id": "1234",
        "application_id": "99",
        "version": "5678",
        "name_localizations": None,
        "contexts": [0],
        "integration_types": [0],
        "options": [{**option, "name_localizations": None, "autocomplete": False} for option in command["options"]],
    }


def test_discords_bookkeeping_fields_are_not_a_difference() -> None:
    assert command_differences([RATE], [as_discord_returns(RATE)]) == []


def test_missing_extra_and_changed_commands_are_named() -> None:
    old = {**RATE, "options": [{**RATE["options"][0], "min_value": 0}]}
    top = {"name": "top", "description": "Leaderboard", "type": 1, "options": []}
    legacy = {"name": "legacy", "description": "Gone", "type": 1, "options": []}
    assert command_differences([RATE, top], [as_discord_returns(old), legacy]) == [
        "Discord lacks /top",
        "Discord has old /legacy",
        "Discord has older versions of /rate",
    ]


def test_an_apps_menu_command_is_named_as_such_and_its_empty_description_is_no_difference() -> None:
    menu = {"name": "Post as official review", "type": 3, "options": [], "default_member_permissions": "8192"}
    assert command_differences([RATE, menu], [as_discord_returns(RATE), {**menu, "description": ""}]) == []
    assert command_differences([RATE, menu], [as_discord_returns(RATE)]) == [
        "Discord lacks “Post as official review” (Apps menu)"
    ]
