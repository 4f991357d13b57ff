"""The reviews service's plain parts: the draft store's expiry, a draft's links, the links after an edit."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.catalog.models import Title
from bot.comparisons.graph import ComparisonEdge, EdgeKind, EdgeSource
from bot.reviews.drafts import Draft, DraftStore
from bot.reviews.service import live_edges_after_reparse


def draft(token: str = "t", **changes: Any) -> Draft:
    base = Draft(
        token=token,
        guild_id=1,
        author_id=2,
        author_name="mod",
        title=Title(9, "Metallic Rouge"),
        text="A review.",
        comparisons_raw="",
        score=None,
        from_file=False,
        replace=False,
        edit_of=None,
    )
    return dataclasses.replace(base, **changes)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_draft_is_forgotten_once_its_lifetime_has_passed() -> None:
    clock = Clock()
    store = DraftStore(lifetime=60.0, clock=clock)
    store.keep(draft("a"))
    clock.now = 59.0
    assert store.get("a") is not None
    clock.now = 60.0
    assert store.get("a") is None and len(store) == 0


def test_previewing_again_extends_a_drafts_life() -> None:
    clock = Clock()
    store = DraftStore(lifetime=60.0, clock=clock)
    kept = draft("a")
    store.keep(kept)
    clock.now = 50.0
    store.keep(kept)
    clock.now = 100.0
    assert store.get("a") is kept


def test_a_taken_draft_is_gone_until_put_back() -> None:
    store = DraftStore(clock=Clock())
    kept = draft("a")
    store.keep(kept)
    assert store.take("a") is kept
    assert store.take("a") is None  # a double click on Publish publishes once
    store.put_back(kept)
    assert store.get("a") is kept


def test_kept_names_are_picked_by_index_and_bad_values_ignored() -> None:
    picked = draft(suggestions=["Aria", "Planetes", "Noein"])
    picked.keep(["2", "0", "7", "x"])
    assert picked.kept == ["Noein", "Aria"]


def test_kept_values_that_only_look_like_digits_are_ignored_not_a_crash() -> None:
    """A forged select value such as "²" passes str.isdigit but is no index."""
    picked = draft(suggestions=["Aria", "Planetes"])
    picked.keep(["²", "١", "-1", ""])
    assert picked.kept == ["Planetes"]


def test_a_drafts_edges_list_each_title_once_comparisons_first_never_its_own_title() -> None:
    bebop, trigun, own = Title(1, "Cowboy Bebop"), Title(3, "Trigun"), Title(9, "Metallic Rouge")
    linked = draft(compared=[bebop, own], credits=[bebop, trigun])
    kept = [Title(20, "Aria")]
    assert [(t.id, kind) for t, kind in linked.edges(kept)] == [
        (1, "comparison"),
        (20, "comparison"),
        (3, "studio_credit"),
    ]


def edge(
    other: int, *, source: EdgeSource = "review", removed: bool = False, kind: EdgeKind = "comparison"
) -> ComparisonEdge:
    return ComparisonEdge(1, 5, 9, other, "", kind=kind, source=source, removed=removed)


def test_after_an_edit_moderator_links_stay_and_removed_links_stay_removed() -> None:
    existing = [
        edge(1),  # parsed, no longer named: goes
        edge(2, source="moderator"),  # a moderator's link: stays
        edge(3, removed=True),  # a moderator took it out: stays out even though the text names it
        edge(4, source="moderator", removed=True),
    ]
    wanted: list[tuple[int, EdgeKind]] = [(3, "comparison"), (5, "comparison"), (6, "studio_credit"), (4, "comparison")]
    assert live_edges_after_reparse(existing, wanted) == [(2, "comparison"), (5, "comparison"), (6, "studio_credit")]
