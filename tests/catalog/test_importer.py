"""Reading anime-offline-database files: the three layouts, the mapping, and refusing bad files."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from bot.catalog.importer import CatalogFileError, parse_catalog, read_catalog_file

HEADER = {
    "license": {"name": "ODbL-1.0", "url": "https://example.invalid/license"},
    "repository": "https://github.com/manami-project/anime-offline-database",
    "lastUpdate": "2026-11-20",
}


def anime(title: str, *ids: int, **overrides: Any) -> dict[str, Any]:
    """One entry in the dataset's schema."""
    entry: dict[str, Any] = {
        "sources": [f"https://anilist.co/anime/{i}" for i in ids] + [f"https://myanimelist.net/anime/{i}" for i in ids],
        "title": title,
        "type": "TV",
        "episodes": 12,
        "status": "FINISHED",
        "animeSeason": {"season": "FALL", "year": 2023},
        "picture": f"https://cdn.example.invalid/{ids[0] if ids else 0}.jpg",
        "thumbnail": f"https://cdn.example.invalid/{ids[0] if ids else 0}t.jpg",
        "synonyms": [],
        "relatedAnime": [],
        "tags": ["fantasy"],
    }
    entry.update(overrides)
    return entry


def pretty(entries: list[dict[str, Any]]) -> bytes:
    return json.dumps({**HEADER, "data": entries}, indent=4, ensure_ascii=False).encode()


def minified(entries: list[dict[str, Any]]) -> bytes:
    return json.dumps({**HEADER, "data": entries}, separators=(",", ":"), ensure_ascii=False).encode()


def json_lines(entries: list[dict[str, Any]], *, header: bool = True) -> bytes:
    lines = ([json.dumps(HEADER)] if header else []) + [json.dumps(e, ensure_ascii=False) for e in entries]
    return ("\n".join(lines) + "\n").encode()


FRIEREN = anime(
    "Sousou no Frieren",
    154587,
    synonyms=["Frieren: Beyond Journey's End", "葬送のフリーレン", "Sousou no Frieren", "  Frieren\u200b  "],
    studios=["madhouse"],
    tags=["adventure", "fantasy"],
)


@pytest.mark.parametrize("layout", [pretty, minified, json_lines])
def test_every_release_layout_reads_the_same_entries(layout: Any) -> None:
    entries = parse_catalog(layout([FRIEREN, anime("Bocchi the Rock!", 130003)])).entries
    assert [e.title for e in entries] == ["Sousou no Frieren", "Bocchi the Rock!"]
    assert entries[0].sources == ("https://anilist.co/anime/154587", "https://myanimelist.net/anime/154587")


def test_json_lines_without_a_header_line_is_read() -> None:
    entries = parse_catalog(json_lines([FRIEREN], header=False)).entries
    assert [e.title for e in entries] == ["Sousou no Frieren"]


def test_fields_are_mapped_onto_the_entry() -> None:
    (entry,) = parse_catalog(pretty([FRIEREN])).entries
    assert entry.type == "TV"
    assert (entry.season, entry.year, entry.episodes) == ("FALL", 2023, 12)
    assert entry.picture == "https://cdn.example.invalid/154587.jpg"
    assert entry.studios == ("madhouse",)
    assert entry.tags == ("adventure", "fantasy")
    assert entry.status == "FINISHED"


def test_synonyms_are_tidied_deduplicated_and_exclude_the_main_title() -> None:
    (entry,) = parse_catalog(pretty([FRIEREN])).entries
    assert entry.synonyms == ("Frieren: Beyond Journey's End", "葬送のフリーレン", "Frieren")


def test_unknown_type_season_zero_episodes_and_placeholder_picture_become_none() -> None:
    record = anime(
        "Mystery",
        1,
        type="UNKNOWN",
        episodes=0,
        animeSeason={"season": "UNDEFINED"},
        picture="https://raw.githubusercontent.com/manami-project/anime-offline-database/master/pics/no_pic.png",
    )
    (entry,) = parse_catalog(minified([record])).entries
    assert (entry.type, entry.episodes, entry.season, entry.year) == (None, None, None, None)
    assert entry.picture is None


def test_entries_without_title_or_sources_are_skipped_not_fatal() -> None:
    entries = parse_catalog(pretty([anime("  \u200b ", 1), anime("No sources", sources=[]), FRIEREN])).entries
    assert [e.title for e in entries] == ["Sousou no Frieren"]


def test_skipped_entries_are_named_with_their_position_and_reason() -> None:
    found = parse_catalog(pretty([FRIEREN, anime("Metallic Rouge", 2, sources=[]), anime(" \u200b ", 3)]))
    assert [str(skip) for skip in found.skipped] == [
        "entry 2 'Metallic Rouge': no source links",
        "entry 3: no title",
    ]
    assert [entry.number for entry in found.entries] == [1]


def test_an_entry_without_title_and_sources_names_both_reasons() -> None:
    found = parse_catalog(minified([anime("", 1, sources=[" "]), FRIEREN]))
    assert [skip.reason for skip in found.skipped] == ["no title and no source links"]


def test_a_file_where_no_entry_is_usable_says_why() -> None:
    with pytest.raises(CatalogFileError, match=r"no usable anime entries \(entry 1 'Lonely': no source links\)"):
        parse_catalog(pretty([anime("Lonely", 1, sources=[])]))


def test_gzip_file_is_read_transparently(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json.gz"
    path.write_bytes(gzip.compress(minified([FRIEREN])))
    assert [e.title for e in read_catalog_file(path).entries] == ["Sousou no Frieren"]


def test_truncated_json_is_refused_as_truncated() -> None:
    data = pretty([FRIEREN, anime("Bocchi the Rock!", 130003)])
    with pytest.raises(CatalogFileError, match="truncated"):
        parse_catalog(data[: len(data) // 2])


def test_truncated_json_lines_is_refused_naming_the_line() -> None:
    data = json_lines([FRIEREN, anime("Bocchi the Rock!", 130003)])
    with pytest.raises(CatalogFileError, match=r"line 3 .*truncated"):
        parse_catalog(data[:-20])


def test_binary_garbage_is_refused() -> None:
    with pytest.raises(CatalogFileError, match="not UTF-8"):
        parse_catalog(bytes(range(256)) * 4)


def test_zstd_file_is_refused_with_a_hint_to_decompress() -> None:
    with pytest.raises(CatalogFileError, match="zstd"):
        parse_catalog(b"\x28\xb5\x2f\xfd" + b"\x00" * 64)


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ({"items": []}, "expected an object with a 'data' list"),
        ([1, 2, 3], "expected an object with a 'data' list"),
        ({"data": {"a": 1}}, "'data' should be a list"),
        ({"data": [{"title": "No sources key"}]}, "entry 1 has no 'sources'"),
        ({"data": [{"sources": ["https://anilist.co/anime/1"]}]}, "entry 1 has no 'title'"),
        ({"data": ["just text"]}, "entry 1 is a str"),
        ({"data": [anime("Bad episodes", 1, episodes="twelve")]}, "'episodes' should be a whole number"),
        ({"data": [anime("Bad synonyms", 1, synonyms="one")]}, "'synonyms' should be a list of text"),
        ({"data": []}, "holds no anime entries"),
    ],
)
def test_wrong_schema_is_refused_with_a_clear_message(document: Any, problem: str) -> None:
    with pytest.raises(CatalogFileError, match=problem):
        parse_catalog(json.dumps(document).encode(), name="catalog.json")


def test_empty_file_is_refused() -> None:
    with pytest.raises(CatalogFileError, match="empty"):
        parse_catalog(b"  \n")


def test_missing_file_is_a_catalog_file_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogFileError, match="cannot read"):
        read_catalog_file(tmp_path / "nope.json")
