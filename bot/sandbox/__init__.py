"""`kansou sandbox`: the real bot in an emulated Discord server, shown as a local web page (simcord's preview).

Nothing here is imported by the bot itself; simcord and the preview's libraries come from the optional
`[sandbox]` extra, so this module only checks for them and says how to install them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

# The modules simcord's preview needs at run time (the `simcord[preview]` extra).
REQUIRED_MODULES = ("simcord", "aiohttp", "markdown_it", "linkify_it", "regex", "PIL", "av")


def missing_modules() -> list[str]:
    """The sandbox's optional modules that are not installed."""
    return [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]


def install_command() -> str:
    """The exact command that installs the `[sandbox]` extra into this Python."""
    checkout = Path(__file__).resolve().parents[2]
    python = sys.executable or "python3"
    if (checkout / "pyproject.toml").is_file():
        return f"{python} -m pip install -e '{checkout}[sandbox]'"
    return f"{python} -m pip install 'kansou[sandbox]'"


def missing_extra_message(missing: list[str]) -> str:
    return (
        "The kansou sandbox needs the optional [sandbox] extra "
        f"(simcord's browser preview; missing here: {', '.join(missing)}).\n"
        f"Install it with:\n    {install_command()}\n"
        "then run the sandbox again."
    )
