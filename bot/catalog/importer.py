"""Reading the anime-offline-database (manami project) into plain catalog entries.

The dataset comes as pretty or minified JSON (`{"data": [...]}`) or as JSON Lines whose first
line may be a metadata header. Everything is checked before anything is written, so a corrupt,
truncated or foreign file is refused as a whole.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.catalog.models import SEASONS, TYPES, CatalogEntry, SkippedEntry
from bot.catalog.validate import tidy_name

# The dataset's stand-in picture for "no picture": not worth showing.
_NO_PICTURE = "no_pic"

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"


class CatalogFileError(ValueError):
    """The file is not a usable anime-offline-database file; str() says why, in one line."""


@dataclass(slots=True)
class CatalogFile:
    """What a dataset file holds: the usable entries, and those left out with the reason."""

    entries: list[CatalogEntry] = field(default_factory=list)
    skipped: list[SkippedEntry] = field(default_factory=list)


def read_catalog_file(path: str | Path) -> CatalogFile:
    """Every entry of the dataset file at `path`, or CatalogFileError before anything is used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_catalog(raw, name=path.name)


def parse_catalog(raw: bytes, *, name: str = "the file") -> CatalogFile:
    """Parse dataset bytes (JSON, minified JSON, JSON Lines; gzip or zip accepted) into entries."""
    raw = _decompress(raw, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogFileError(f"{name} is not UTF-8 text (byte {exc.start}); is it the right file?") from exc
    if not text.strip():
        raise CatalogFileError(f"{name} is empty")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            raise CatalogFileError(_json_problem(name, exc)) from exc
        records = _json_lines(text, name)
    else:
        records = _records_of(document, name)
    found = CatalogFile()
    for position, (number, record) in enumerate(records, start=1):
        entry = _entry(record, number, name)
        if isinstance(entry, SkippedEntry):
            found.skipped.append(SkippedEntry(position, entry.title, entry.reason))
        else:
            found.entries.append(replace(entry, number=position))
    if not found.entries and found.skipped:
        raise CatalogFileError(f"{name} holds no usable anime entries ({found.skipped[0]})")
    if not found.entries:
        raise CatalogFileError(f"{name} holds no anime entries")
    return found


def _decompress(raw: bytes, name: str) -> bytes:
    if raw.startswith(_ZSTD_MAGIC):
        raise CatalogFileError(f"{name} is zstd-compressed; decompress it first (zstd -d) or download the .json file")
    try:
        if raw.startswith(_GZIP_MAGIC):
            return gzip.decompress(raw)
        if raw.startswith(_ZIP_MAGIC):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                members = [m for m in archive.namelist() if m.endswith((".json", ".jsonl"))]
                if len(members) != 1:
                    raise CatalogFileError(f"{name} is a zip archive without exactly one .json file")
                return archive.read(members[0])
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise CatalogFileError(f"{name} is a damaged archive: {exc}") from exc
    return raw


def _json_problem(name: str, exc: json.JSONDecodeError) -> str:
    at_end = exc.pos >= len(exc.doc.rstrip())
    hint = "the file looks truncated (an incomplete download?)" if at_end else "the file is corrupt"
    return f"{name} is not valid JSON at line {exc.lineno}, column {exc.colno} ({exc.msg}); {hint}"


def _records_of(document: Any, name: str) -> list[tuple[int, Any]]:
    if isinstance(document, dict) and "data" in document:
        data = document["data"]
        if not isinstance(data, list):
            raise CatalogFileError(f"{name}: 'data' should be a list of anime, not {type(data).__name__}")
        return list(enumerate(data, start=1))
    if isinstance(document, dict) and "sources" in document:  # JSON Lines with a single entry
        return [(1, document)]
    raise CatalogFileError(f"{name} is not an anime-offline-database file: expected an object with a 'data' list")


def _json_lines(text: str, name: str) -> list[tuple[int, Any]]:
    records: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            last = number == len(text.splitlines())
            hint = "the file looks truncated" if last else "the file is corrupt"
            raise CatalogFileError(f"{name}: line {number} is not valid JSON ({exc.msg}); {hint}") from exc
        # The first line of the JSON Lines release is metadata (license, repository, lastUpdate).
        if not records and isinstance(record, dict) and "sources" not in record and "title" not in record:
            continue
        records.append((number, record))
    return records


def _entry(record: Any, number: int, name: str) -> CatalogEntry | SkippedEntry:
    """The cleaned entry, a SkippedEntry when it lacks what an import needs, or CatalogFileError."""
    where = f"{name}: entry {number}"
    if not isinstance(record, dict):
        raise CatalogFileError(f"{where} is a {type(record).__name__}, not an anime object")
    for key in ("sources", "title"):
        if key not in record:
            raise CatalogFileError(f"{where} has no '{key}'; this is not the anime-offline-database schema")
    urls = _strings(record["sources"], "sources", where)
    title = record["title"]
    if not isinstance(title, str):
        raise CatalogFileError(f"{where}: 'title' should be text")
    title = tidy_name(title)
    sources = tuple(dict.fromkeys(url.strip() for url in urls if url.strip()))
    if not title or not sources:
        missing = " and ".join(
            what for what, gone in (("no title", not title), ("no source links", not sources)) if gone
        )
        return SkippedEntry(number, title, missing)
    season_info = record.get("animeSeason") or {}
    if not isinstance(season_info, dict):
        raise CatalogFileError(f"{where}: 'animeSeason' should be an object")
    kind = _text(record.get("type"), "type", where)
    season = _text(season_info.get("season"), "animeSeason.season", where)
    picture = _text(record.get("picture"), "picture", where)
    episodes = _number(record.get("episodes"), "episodes", where)
    return CatalogEntry(
        sources=sources,
        title=title,
        type=kind if kind in TYPES else None,
        episodes=episodes or None,  # 0 means "not known yet" in the dataset
        status=_text(record.get("status"), "status", where),
        year=_number(season_info.get("year"), "animeSeason.year", where),
        season=season if season in SEASONS else None,
        picture=None if not picture or _NO_PICTURE in picture else picture,
        synonyms=_names(_strings(record.get("synonyms", []), "synonyms", where), exclude=title),
        tags=_names(_strings(record.get("tags", []), "tags", where)),
        studios=_names(_strings(record.get("studios", []), "studios", where)),
    )


def _strings(value: Any, key: str, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CatalogFileError(f"{where}: '{key}' should be a list of text")
    return value


def _text(value: Any, key: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise CatalogFileError(f"{where}: '{key}' should be text, not {type(value).__name__}")
    return value.strip() or None


def _number(value: Any, key: str, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value != int(value):
        raise CatalogFileError(f"{where}: '{key}' should be a whole number, not {value!r}")
    return int(value)


def _names(values: Iterable[str], exclude: str | None = None) -> tuple[str, ...]:
    tidy = (tidy_name(value) for value in values)
    return tuple(dict.fromkeys(value for value in tidy if value and value != exclude))
