"""KANSOU_SHARD_COUNT and KANSOU_SHARDS: which shards of how many this process runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, parse_shard_ids, settings_from


def shard_settings(tmp_path: Path, **values: str):
    return settings_from({"KANSOU_DB": str(tmp_path / "k.db"), **values})


def test_unset_means_one_unsharded_client_that_syncs(tmp_path: Path) -> None:
    """Without either variable nothing changes: no sharding, and this process syncs the commands."""
    settings = shard_settings(tmp_path)
    assert settings.shard_count is None and settings.shard_ids is None
    assert not settings.sharded and settings.syncs_commands
    assert settings.describe_shards() == "not sharded"


def test_a_count_alone_runs_every_shard_here(tmp_path: Path) -> None:
    """KANSOU_SHARD_COUNT=4 without KANSOU_SHARDS: this process runs shards 0 to 3 (and syncs)."""
    settings = shard_settings(tmp_path, KANSOU_SHARD_COUNT="4")
    assert settings.shard_count == 4 and settings.shard_ids is None
    assert settings.sharded and settings.syncs_commands
    assert settings.describe_shards() == "shards 0, 1, 2, 3 of 4"


@pytest.mark.parametrize(
    ("raw", "ids"),
    [("0-3", (0, 1, 2, 3)), ("0,2", (0, 2)), ("5", (5,)), ("1-2, 5", (1, 2, 5)), ("3,1-2,2", (1, 2, 3))],
)
def test_shard_lists_and_ranges_are_read(raw: str, ids: tuple[int, ...]) -> None:
    """Numbers and ranges, comma-separated, in any order, overlaps merged."""
    assert parse_shard_ids(raw, 8) == ids


def test_only_the_process_with_shard_zero_syncs(tmp_path: Path) -> None:
    """Of two processes of a 4-shard bot, the one running shard 0 syncs the commands; the other does not."""
    first = shard_settings(tmp_path, KANSOU_SHARD_COUNT="4", KANSOU_SHARDS="0-1")
    second = shard_settings(tmp_path, KANSOU_SHARD_COUNT="4", KANSOU_SHARDS="2-3")
    assert first.syncs_commands and not second.syncs_commands
    assert second.describe_shards() == "shards 2, 3 of 4"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"KANSOU_SHARDS": "0-1"}, "KANSOU_SHARDS needs KANSOU_SHARD_COUNT"),
        ({"KANSOU_SHARD_COUNT": "0"}, "KANSOU_SHARD_COUNT must be a whole number from 1 to 4096, not '0'"),
        ({"KANSOU_SHARD_COUNT": "two"}, "KANSOU_SHARD_COUNT must be a whole number"),
        ({"KANSOU_SHARD_COUNT": "2", "KANSOU_SHARDS": "0-2"}, "shard 2 does not exist: KANSOU_SHARD_COUNT is 2"),
        ({"KANSOU_SHARD_COUNT": "4", "KANSOU_SHARDS": "3-1"}, "the range '3-1' runs backwards"),
        ({"KANSOU_SHARD_COUNT": "4", "KANSOU_SHARDS": "0;1"}, "'0;1' is not a shard number or a range"),
        ({"KANSOU_SHARD_COUNT": "4", "KANSOU_SHARDS": "0,,1"}, "'' is not a shard number"),
        ({"KANSOU_SHARD_COUNT": "4", "KANSOU_SHARDS": "-1"}, "'-1' is not a shard number"),
    ],
)
def test_bad_shard_settings_are_refused_with_the_reason(tmp_path: Path, values: dict[str, str], message: str) -> None:
    """Each mistake is named, with the variable and what would be valid."""
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        shard_settings(tmp_path, **values)
