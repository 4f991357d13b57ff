"""Meta-tests on the source tree: the layout the README's "Layout" section describes.

Data flows one way: cog -> service -> repository. Domain code (bot/<feature>/) is plain Python; SQL lives
in bot/storage/; each feature's Discord side is one package under cogs/, which reaches storage and other
features only through the services the bot built (bot/client.py) and the events of bot/events.py.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = [
    "bot/catalog",
    "bot/reviews",
    "bot/scores",
    "bot/comparisons",
    "bot/settings",
    "bot/events.py",
    "bot/text.py",
    "bot/errors.py",
    "bot/config.py",
]
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b", re.I)


def python_files(*parts: str) -> list[Path]:
    files: list[Path] = []
    for part in parts:
        path = ROOT / part
        files.extend([path] if path.is_file() else sorted(path.rglob("*.py")))
    return files


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_domain_code_never_imports_discord() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in python_files(*DOMAIN)
        if any(name == "discord" or name.startswith("discord.") for name in imported_modules(path))
    ]
    assert offenders == []


def test_sql_lives_only_in_the_storage_layer() -> None:
    offenders = []
    for path in python_files("bot", "cogs"):
        if "storage" in path.relative_to(ROOT).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_every_extension_exists_and_has_a_setup() -> None:
    from bot.client import EXTENSIONS

    for name in EXTENSIONS:
        path = ROOT / Path(*name.split(".")) / "__init__.py"
        assert path.exists(), name
        assert "async def setup(bot" in path.read_text(encoding="utf-8"), name


COG_FILE_MAX_LINES = 300


def cog_packages() -> list[Path]:
    return sorted(path for path in (ROOT / "cogs").iterdir() if path.is_dir() and (path / "__init__.py").exists())


def test_every_module_under_cogs_belongs_to_a_feature_package() -> None:
    """cogs/ holds one package per feature and nothing else (shared plumbing lives in bot/interactions/)."""
    loose = [p.name for p in (ROOT / "cogs").glob("*.py") if p.name != "__init__.py"]
    assert loose == []
    assert {p.name for p in cog_packages()} >= {"reviews", "scores", "compare", "anime", "meta", "settings"}


def test_no_cog_imports_storage() -> None:
    """Cogs reach the database only through the services the bot built."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("cogs")
        for name in imported_modules(path)
        if name == "bot.storage" or name.startswith("bot.storage.")
    ]
    assert offenders == []


def test_no_cog_imports_another_cog() -> None:
    """A module under cogs/<feature>/ imports from cogs only its own package (cogs.<feature> and below);
    features talk through services and bot/events.py, and share Discord helpers from bot/interactions/."""
    offenders = []
    for package in cog_packages():
        own = f"cogs.{package.name}"
        for path in python_files(f"cogs/{package.name}"):
            for name in imported_modules(path):
                if (name == "cogs" or name.startswith("cogs.")) and name != own and not name.startswith(own + "."):
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []


def test_the_core_never_imports_a_cog() -> None:
    """bot/ loads cogs by name (EXTENSIONS) and never imports them, so no feature depends on load order."""
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("bot")
        for name in imported_modules(path)
        if name == "cogs" or name.startswith("cogs.")
    ]
    assert offenders == []


def test_cog_files_stay_readable_in_one_sitting() -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in python_files("cogs")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > COG_FILE_MAX_LINES
    }
    assert long == {}


def test_no_machine_paths_in_the_repository() -> None:
    pattern = re.compile(r"(?<![\w.])/(?:tmp|work|root|home)/\w")
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    offenders = []
    for name in listed:
        path = ROOT / name
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        if pattern.search(path.read_text(encoding="utf-8", errors="ignore")):
            offenders.append(name)
    assert offenders == []


def test_storage_imports_domain_models_never_clients_or_importers() -> None:
    allowed = {"bot.catalog.models", "bot.catalog.normalize", "bot.catalog.validate"}
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in python_files("bot/storage")
        for name in imported_modules(path)
        if name.startswith("bot.catalog") and name not in allowed
    ]
    assert offenders == []


def test_domain_packages_have_no_import_cycles() -> None:
    modules = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path
        for path in python_files("bot/catalog", "bot/reviews", "bot/scores", "bot/comparisons")
    }
    graph = {name: {dep for dep in imported_modules(path) if dep in modules} for name, path in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for dep in graph[start] - seen:
            seen.add(dep)
            if dep == goal or reaches(dep, goal, seen):
                return True
        return False

    assert [name for name in graph if reaches(name, name, set())] == []


def test_command_line_code_lives_in_the_command_line_package() -> None:
    offenders = [
        str(path.relative_to(ROOT)) for path in python_files(*DOMAIN) if {"argparse", "tqdm"} & imported_modules(path)
    ]
    assert offenders == []


def interactive_offenders(path: Path) -> list[str]:
    """Views, modals and dynamic items that bypass the shared binding check (bot/interactions/binding.py)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ClassDef):
            bases = [ast.unparse(base) for base in node.bases]
            if any(base.startswith("discord.ui.DynamicItem") for base in bases) and "RoutedItem" not in bases:
                found.append(f"{node.name}: a dynamic item without RoutedItem")
            if any(base in ("discord.ui.View", "discord.ui.Modal", "discord.ui.LayoutView") for base in bases):
                found.append(f"{node.name}: subclass BaseView or BaseModal instead")
        elif isinstance(node, ast.Attribute) and node.attr == "send_modal":
            found.append(f"line {node.lineno}: open modals with bot.interactions.base.open_modal")
    return found


def test_every_button_select_and_modal_goes_through_the_binding_check() -> None:
    """Who may use an interactive part (its server, its owner, moderators) is checked in one place: a view,
    modal or dynamic item that bypasses the base classes would not be bound at all."""
    offenders = [
        f"{path.relative_to(ROOT)}: {what}"
        for path in python_files("bot", "cogs")
        if path not in (ROOT / "bot" / "interactions" / "base.py", ROOT / "bot" / "interactions" / "views.py")
        for what in interactive_offenders(path)
    ]
    assert offenders == []
