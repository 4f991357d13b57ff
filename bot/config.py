"""Settings from the environment and `.env` (python-dotenv). Pure: no Discord, no I/O beyond reading .env."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values

DEFAULT_DB = "kansou.db"
DATABASE_URL_SCHEMES = ("postgresql://", "postgres://")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

MISSING_TOKEN_HELP = """\
kansou needs a Discord bot token, and DISCORD_TOKEN is not set.

  1. Create an application at https://discord.com/developers/applications
     and add a bot to it (Bot tab).
  2. Copy the bot token into a file named .env beside where you run kansou:
         DISCORD_TOKEN=your-token-here
     (.env.example lists every setting.)
  3. Invite the bot with the `bot` and `applications.commands` scopes
     (OAuth2 > URL Generator; the README lists the permissions to tick).

Then start kansou again."""


class ConfigError(Exception):
    """The configuration cannot be used; str() lists every problem, one per line."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything kansou reads from its environment."""

    token: str | None
    # The SQLite database file; with a PostgreSQL db_url, where files derived from the database (the
    # saved catalog index) are kept: <KANSOU_DATA_DIR>/<database name>.postgresql.
    db_path: Path
    dev_guild: int | None = None
    log_level: str = "INFO"
    anilist: bool = True
    db_url: str | None = None  # KANSOU_DB as a postgresql:// URL
    # Sharding (KANSOU_SHARD_COUNT, KANSOU_SHARDS): None = one unsharded client, as Discord allows up
    # to 2,500 servers. shard_ids None with a count: this process runs every shard.
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @property
    def syncs_commands(self) -> bool:
        """Whether this process syncs the command tree: the one that runs shard 0 (or the only one)."""
        return self.shard_ids is None or 0 in self.shard_ids

    def describe_shards(self) -> str:
        """For the start-up log, e.g. `shards 0, 1 of 4`."""
        if self.shard_count is None:
            return "not sharded"
        ids = range(self.shard_count) if self.shard_ids is None else self.shard_ids
        return f"{'shard' if len(ids) == 1 else 'shards'} {', '.join(map(str, ids))} of {self.shard_count}"

    @property
    def log_level_number(self) -> int:
        return logging.getLevelName(self.log_level)

    @property
    def database(self) -> str | Path:
        """What to open: the PostgreSQL URL, else the SQLite file."""
        return self.db_url or self.db_path

    def describe_database(self) -> str:
        """The database for a log line or a message: the file, or the URL without its password."""
        return str(self.db_path) if self.db_url is None else without_password(self.db_url)


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def _database(values: Mapping[str, str | None], problems: list[str]) -> tuple[Path, str | None]:
    """KANSOU_DB as (SQLite file or derived-files stem, PostgreSQL URL or None)."""
    raw = (values.get("KANSOU_DB") or "").strip()
    if raw.startswith(DATABASE_URL_SCHEMES):
        try:
            name = urlsplit(raw).path.lstrip("/") or "postgres"
        except ValueError as exc:
            problems.append(f"KANSOU_DB is not a usable PostgreSQL URL: {exc}")
            name = "postgres"
        data_dir = Path((values.get("KANSOU_DATA_DIR") or "").strip() or ".").expanduser()
        if not data_dir.is_dir():
            problems.append(f"KANSOU_DATA_DIR: the directory {data_dir} does not exist (create it first)")
        return data_dir / f"{name}.postgresql", raw
    db_path = Path(raw or DEFAULT_DB).expanduser()
    if db_path.exists() and db_path.is_dir():
        problems.append(f"KANSOU_DB points at a directory, not a file: {db_path}")
    elif not db_path.parent.exists():
        problems.append(f"KANSOU_DB: the directory {db_path.parent} does not exist (create it first)")
    return db_path, None


def _flag(value: str) -> bool | None:
    folded = value.strip().lower()
    if folded in ("1", "true", "yes", "on"):
        return True
    if folded in ("0", "false", "no", "off"):
        return False
    return None


MAX_SHARDS = 4096  # far beyond any bot's need; a typo such as 40000 is caught


def parse_shard_ids(raw: str, count: int) -> tuple[int, ...]:
    """`0-3`, `0,2` or `0-1,5` into sorted shard ids below `count`; ValueError naming the problem."""
    ids: set[int] = set()
    for part in raw.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError(f"{part!r} is not a shard number or a range such as 0-3")
        low, high = int(first), int(last) if dash else int(first)
        if low > high:
            raise ValueError(f"the range {part!r} runs backwards")
        if high >= count:
            raise ValueError(
                f"shard {high} does not exist: KANSOU_SHARD_COUNT is {count}, so shards are 0 to {count - 1}"
            )
        ids.update(range(low, high + 1))
    return tuple(sorted(ids))


def _shards(values: Mapping[str, str | None], problems: list[str]) -> tuple[int | None, tuple[int, ...] | None]:
    raw_count = (values.get("KANSOU_SHARD_COUNT") or "").strip()
    raw_ids = (values.get("KANSOU_SHARDS") or "").strip()
    if not raw_count:
        if raw_ids:
            problems.append("KANSOU_SHARDS needs KANSOU_SHARD_COUNT (the total number of shards of the bot)")
        return None, None
    if not raw_count.isdigit() or not 1 <= int(raw_count) <= MAX_SHARDS:
        problems.append(f"KANSOU_SHARD_COUNT must be a whole number from 1 to {MAX_SHARDS}, not {raw_count!r}")
        return None, None
    count = int(raw_count)
    if not raw_ids:
        return count, None
    try:
        return count, parse_shard_ids(raw_ids, count)
    except ValueError as exc:
        problems.append(f"KANSOU_SHARDS (e.g. 0-3 or 0,2): {exc}")
        return None, None


def settings_from(values: Mapping[str, str | None]) -> Settings:
    """Validate raw values (already merged from .env and the environment) into Settings."""
    problems: list[str] = []

    token = (values.get("DISCORD_TOKEN") or "").strip() or None

    db_path, db_url = _database(values, problems)

    dev_guild = None
    raw_guild = (values.get("KANSOU_DEV_GUILD") or "").strip()
    if raw_guild:
        if raw_guild.isdigit() and 0 < int(raw_guild) < 2**64:
            dev_guild = int(raw_guild)
        else:
            problems.append(
                f"KANSOU_DEV_GUILD must be a server id (a number such as 123456789012345678), not {raw_guild!r}"
            )

    log_level = (values.get("KANSOU_LOG_LEVEL") or "INFO").strip().upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"KANSOU_LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, not {log_level!r}")

    anilist = True
    raw_anilist = values.get("KANSOU_ANILIST")
    if raw_anilist is not None and raw_anilist.strip():
        parsed = _flag(raw_anilist)
        if parsed is None:
            problems.append(f"KANSOU_ANILIST must be 1 or 0, not {raw_anilist!r}")
        else:
            anilist = parsed

    shard_count, shard_ids = _shards(values, problems)

    if problems:
        raise ConfigError("\n".join(problems))
    return Settings(
        token=token,
        db_path=db_path,
        dev_guild=dev_guild,
        log_level=log_level,
        anilist=anilist,
        shard_count=shard_count,
        shard_ids=shard_ids,
        db_url=db_url,
    )


def load_settings(env_file: str | Path | None = ".env", environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `.env` overlaid by the process environment (the environment wins)."""
    values: dict[str, str | None] = {}
    if env_file is not None and Path(env_file).is_file():
        values.update(dotenv_values(env_file))
    values.update(os.environ if environ is None else environ)
    return settings_from(values)
