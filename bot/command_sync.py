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
_ABSENT: tuple[Any, ...] = (None, False, [], {})


def normalized(value: Any) -> Any:
    """The compared fields of a command (recursively), with absent, empty and false values dropped."""
    if isinstance(value, Mapping):
        kept = {key: normalized(item) for key, item in value.items() if key in COMPARED}
        return {key: item for key, item in kept.items() if not any(item == absent for absent in _ABSENT)}
    if isinstance(value, list):
        return [normalized(item) for item in value]
    return value


def command_differences(ours: Iterable[Mapping[str, Any]], discords: Iterable[Mapping[str, Any]]) -> list[str]:
    """What differs, in words (empty when Discord has exactly our commands)."""
    local = {command["name"]: normalized(command) for command in ours}
    remote = {command["name"]: normalized(command) for command in discords}
    differences = []
    missing = sorted(local.keys() - remote.keys())
    extra = sorted(remote.keys() - local.keys())
    changed = sorted(name for name in local.keys() & remote.keys() if local[name] != remote[name])
    if missing:
        differences.append("Discord lacks " + ", ".join(f"/{name}" for name in missing))
    if extra:
        differences.append("Discord has old " + ", ".join(f"/{name}" for name in extra))
    if changed:
        differences.append("Discord has older versions of " + ", ".join(f"/{name}" for name in changed))
    return differences
