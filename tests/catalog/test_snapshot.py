"""The saved title index: it answers exactly like a fresh one, and a damaged file is refused, never trusted."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog.index import CatalogIndex
from bot.catalog.models import Title
from bot.catalog.snapshot import Snapshot, SnapshotError
from tests.catalog.sample import sample_titles

QUERIES = ["Frieren", "fma", "metalic rouge", "death", "葬送のフリーレン", "evangelion", "m", "Attack on Titan"]


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    return Snapshot.build(sample_titles(), version="7").save(tmp_path / "index")


def answers(index: CatalogIndex) -> list[object]:
    found: list[object] = []
    for query in QUERIES:
        found.append([(c.title.id, c.confidence, c.matched) for c in index.resolve(query)])
        found.append([(c.title.id, c.confidence) for c in index.complete(query, prefer={8, 14})])
    found.append([(m.title.id, m.start) for m in index.find_mentions("I loved Death Parade, FMA and Monster.")])
    return found


def test_a_loaded_snapshot_answers_like_a_freshly_built_index(saved: Path) -> None:
    loaded = CatalogIndex(snapshot=Snapshot.load(saved, version="7"))
    assert answers(loaded) == answers(CatalogIndex(sample_titles()))
    assert loaded.titles() == sorted(sample_titles(), key=lambda title: title.id)


def test_titles_survive_the_file_field_by_field(saved: Path) -> None:
    loaded = CatalogIndex(snapshot=Snapshot.load(saved))
    for title in sample_titles():
        assert loaded.get(title.id) == title


def test_a_snapshot_for_another_catalog_version_is_refused(saved: Path) -> None:
    with pytest.raises(SnapshotError, match="catalog version 7"):
        Snapshot.load(saved, version="8")


@pytest.mark.parametrize("cut", [0, 10, 100, -1000, -1])
def test_a_truncated_snapshot_is_refused(saved: Path, cut: int) -> None:
    saved.write_bytes(saved.read_bytes()[:cut])
    with pytest.raises(SnapshotError):
        Snapshot.load(saved, version="7")


def test_a_flipped_byte_anywhere_in_the_payload_is_caught(saved: Path) -> None:
    data = bytearray(saved.read_bytes())
    for at in range(len(data) - 1, len(data) // 2, -len(data) // 7):
        damaged = bytearray(data)
        damaged[at] ^= 0x20
        saved.write_bytes(bytes(damaged))
        with pytest.raises(SnapshotError):
            Snapshot.load(saved, version="7")


@pytest.mark.parametrize(
    "content",
    [b"", b"not an index", b"KANSOU-CATALOG-INDEX\n\xff\xff\xff\xff{", b"KANSOU-CATALOG-INDEX\n\x05\x00\x00\x00[1,2]"],
)
def test_garbage_is_refused_with_a_snapshot_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "index"
    path.write_bytes(content)
    with pytest.raises(SnapshotError):
        Snapshot.load(path)


def test_a_missing_file_is_a_snapshot_error(tmp_path: Path) -> None:
    with pytest.raises(SnapshotError, match="cannot read"):
        Snapshot.load(tmp_path / "nope")


def test_saving_replaces_the_file_whole(saved: Path) -> None:
    Snapshot.build([Title(id=1, name="Only One")], version="8").save(saved)
    assert len(Snapshot.load(saved, version="8")) == 1
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temporary file left behind


def test_an_empty_catalog_makes_a_usable_snapshot(tmp_path: Path) -> None:
    index = CatalogIndex(snapshot=Snapshot.load(Snapshot.build([], version="0").save(tmp_path / "i")))
    assert len(index) == 0
    assert index.resolve("anything") == [] and index.complete("") == [] and index.find_mentions("Monster!") == []


def test_titles_added_and_removed_after_the_snapshot_are_seen_by_every_lookup(saved: Path) -> None:
    index = CatalogIndex(snapshot=Snapshot.load(saved))
    index.add(Title(id=999, name="Midnight Lanterns", local=True))
    index.remove(8)  # Death Parade
    assert index.resolve("Midnight Lanterns")[0].title.id == 999
    assert [c.title.id for c in index.complete("midnight lan")][:1] == [999]
    assert 8 not in index and all(c.title.id != 8 for c in index.complete("death parade"))
    assert [m.title.id for m in index.find_mentions("Midnight Lanterns beats Death Parade.")] == [999]
    assert len(index) == len(sample_titles())


def test_local_titles_are_listed_without_decoding_the_catalog(saved: Path) -> None:
    index = CatalogIndex(snapshot=Snapshot.load(saved))
    assert [title.name for title in index.local_titles()] == ["Midnight Lanterns & Co."]
    index.add(Title(id=998, name="Another Local One", local=True))
    index.remove(40)
    assert [title.id for title in index.local_titles()] == [998]


def test_a_file_replaced_while_it_is_read_is_refused(saved: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A torn read (the start of one snapshot, the end of another) fails the digest: it is never used."""
    old = saved.read_bytes()
    new = Snapshot.build([Title(id=1, name="Only One")], version="7").save(saved.with_name("other")).read_bytes()
    torn = old[: len(old) // 2] + new[len(new) // 2 :]
    monkeypatch.setattr(Path, "read_bytes", lambda self: torn)
    with pytest.raises(SnapshotError):
        Snapshot.load(saved, version="7")
