"""Servers' own titles in memory: one index per server, combined rankings, closeness of did-you-mean."""

from __future__ import annotations

from bot.catalog.index import CONFIDENT, CatalogIndex
from bot.catalog.local import GuildFinder, LocalTitles, combine, visible_in
from bot.catalog.models import Candidate, Title
from bot.catalog.service import is_close
from tests.catalog.sample import sample_titles

A, B = 1, 2
OURS = Title(id=100, name="Qwxzzv Plorp", local=True, guild_id=A)
THEIRS = Title(id=101, name="Qwxzzv Plorp", local=True, guild_id=B)


def test_a_local_title_is_visible_only_to_its_server() -> None:
    assert visible_in(OURS, A) and not visible_in(OURS, B) and not visible_in(OURS, None)
    assert visible_in(sample_titles()[0], B) and visible_in(sample_titles()[0], None)


def test_each_server_has_its_own_index() -> None:
    local = LocalTitles([OURS, THEIRS, Title(id=102, name="Orphan", local=True)])
    assert len(local) == 2 and 102 not in local
    ours = local.of(A)
    assert ours is not None and [c.title.id for c in ours.resolve("qwxzzv plorp")] == [100]
    assert local.of(3) is None and local.of(None) is None
    assert {t.id for t in local.named("qwxzzv plorp")} == {100, 101}
    local.remove(100)
    assert local.get(100) is None and local.titles(A) == []


def test_a_sure_hit_in_both_the_catalog_and_the_server_is_ambiguous() -> None:
    real = Candidate(Title(id=1, name="Same Name"), 1.0, "Same Name")
    own = Candidate(Title(id=100, name="Same Name", local=True, guild_id=A), 1.0, "Same Name")
    ranked = combine([real], [own], 5)
    assert [c.title.id for c in ranked] == [1, 100]
    assert all(c.confidence < CONFIDENT for c in ranked)


def test_local_titles_left_in_the_shared_index_never_leak_into_a_ranking() -> None:
    leaked = Candidate(THEIRS, 1.0, THEIRS.name)
    assert combine([leaked], [], 5) == []


def test_a_review_finds_the_servers_own_titles_beside_the_catalog() -> None:
    shared = CatalogIndex(sample_titles())
    own = CatalogIndex([OURS])
    found = GuildFinder(shared, own).find_mentions("Better than Qwxzzv Plorp, worse than Cowboy Bebop.")
    assert [m.title.name for m in found] == ["Qwxzzv Plorp", "Cowboy Bebop"]
    assert [m.title.name for m in GuildFinder(shared, None).find_mentions("Qwxzzv Plorp")] == []


def test_only_close_candidates_are_offered() -> None:
    index = CatalogIndex(t for t in sample_titles() if t.name != "Your Name.")
    assert [c for c in index.resolve("Kimi no Na wa") if is_close("Kimi no Na wa", c)] == []
    assert [c.title.name for c in index.resolve("Cowboy Bebopp") if is_close("Cowboy Bebopp", c)] == ["Cowboy Bebop"]
    assert any(is_close("fullmetal", c) for c in index.resolve("fullmetal"))
