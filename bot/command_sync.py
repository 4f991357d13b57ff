"""Is Discord's copy of our global commands the one this kansou defines? Compared field by field.

Discord fills in defaults (ids, versions, localizations, contexts ...) that our tree leaves out, so
both sides are reduced to the fields a user can notice before comparing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# The fields that change what users see or may do; everything else is Discord's bookkeeping.
COMPARED = frozenset(
    {
        "name",
        "description",
        "type",
        "options",
        "choices",
        "required",
        "value",
        "min_value",
        "max_value",
        "min_length",
        "max_length",
        "autocomplete",
        "channel_types",
        "default_member_permissions",
        "nsfw",
    }
)
_ABSENT: tuple[Any, ...] = (None, False, "", [], {})  # "": message commands have no description


def normalized(value: Any) -> Any:
    """The compared fields of a command (recursively), with absent, empty and false values dropped."""
    if isinstance(value, Mapping):
        kept = {key: normalized(item) for key, item in value.items() if key in COMPARED}
        return {key: item for key, item in kept.items() if not any(item == absent for absent in _ABSENT)}
    if isinstance(value, list):
        return [normalized(item) for item in value]
    return value


def _label(key: tuple[int, str]) -> str:
    kind, name = key
    return f"/{name}" if kind == 1 else f"“{name}” (Apps menu)"


def command_differences(ours: Iterable[Mapping[str, Any]], discords: Iterable[Mapping[str, Any]]) -> list[str]:
    """What differs, in words (empty when Discord has exactly our commands). A slash command and an Apps
    menu command may share a name, so each is known by its type and name."""
    local = {(command.get("type", 1), command["name"]): normalized(command) for command in ours}
    remote = {(command.get("type", 1), command["name"]): normalized(command) for command in discords}
    differences = []
    missing = sorted(_label(key) for key in local.keys() - remote.keys())
    extra = sorted(_label(key) for key in remote.keys() - local.keys())
    changed = sorted(_label(key) for key in local.keys() & remote.keys() if local[key] != remote[key])
    if missing:
        differences.append("Discord lacks " + ", ".join(missing))
    if extra:
        differences.append("Discord has old " + ", ".join(extra))
    if changed:
        differences.append("Discord has older versions of " + ", ".join(changed))
    return differences
