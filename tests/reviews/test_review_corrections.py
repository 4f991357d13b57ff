"""A moderator's corrections: stored as JSON, and the rule for what holds once the text is edited."""

from __future__ import annotations

from dataclasses import replace

from bot.reviews.corrections import Corrections, typed_lines, typed_metadata
from bot.reviews.publish import PostContent

READ = PostContent(
    score=7.0,
    score_raw="7/10",
    tldr="A moving show with a slow middle.",
    aspects=("🟢 **Story** (positive): The premise is strong.",),
    pros=("+ Strong premise",),
    cons=("− Slow middle",),
    verdict="Worth watching.",
    metadata=(("Studio", "Madhouse"),),
)


def test_a_corrected_field_replaces_what_was_read() -> None:
    fixes = Corrections()
    fixes.correct("tldr", "Dark games in a strange bar, and a moving end.", READ)
    content, dropped = fixes.apply(READ)
    assert content.tldr == "Dark games in a strange bar, and a moving end." and dropped == []
    assert content.verdict == READ.verdict


def test_a_corrected_score_stays_while_the_texts_score_is_the_same() -> None:
    fixes = Corrections()
    fixes.correct("score", 8.5, READ)
    reread = replace(READ, tldr="Another summary after an edit elsewhere.")
    content, dropped = fixes.apply(reread)
    assert content.score == 8.5 and content.score_raw is None and dropped == []


def test_a_corrected_score_gives_way_when_the_texts_score_changes() -> None:
    fixes = Corrections()
    fixes.correct("score", 8.5, READ)
    content, dropped = fixes.apply(replace(READ, score=9.0, score_raw="9/10"))
    assert content.score == 9.0 and dropped == ["score"]
    assert "score" not in fixes.fields


def test_correcting_back_to_what_was_read_forgets_the_correction() -> None:
    fixes = Corrections()
    fixes.correct("verdict", "Skip it.", READ)
    fixes.correct("verdict", READ.verdict, READ)
    assert not fixes


def test_corrections_survive_storage_as_json() -> None:
    fixes = Corrections()
    fixes.correct("pros", ("+ Great music",), READ)
    fixes.correct("metadata", (("Studio", "Madhouse"), ("Premiere", "2015")), READ)
    fixes.relink([3], [5], {3: "comparison", 4: "comparison", 5: "comparison"})
    again = Corrections.from_json(fixes.to_json())
    assert again.apply(READ)[0] == fixes.apply(READ)[0]
    assert (again.removed, again.moved, again.added) == ([4], {5: "studio_credit"}, [])
    assert Corrections.from_json("not json") == Corrections()


def test_a_removed_title_stays_removed_while_the_text_names_it() -> None:
    fixes = Corrections()
    fixes.relink([3], [], {3: "comparison", 4: "comparison"})
    assert fixes.links([(3, "comparison"), (4, "comparison")]) == [(3, "comparison")]
    # The edited text no longer names 4: the removal is forgotten, so naming it again links it again.
    assert fixes.links([(3, "comparison")]) == [(3, "comparison")]
    assert fixes.links([(3, "comparison"), (4, "comparison")]) == [(3, "comparison"), (4, "comparison")]


def test_a_moved_title_keeps_its_new_kind_and_an_added_title_stays_linked() -> None:
    fixes = Corrections()
    fixes.relink([3, 9], [4], {3: "comparison", 4: "comparison"})
    assert fixes.links([(3, "comparison"), (4, "comparison")]) == [
        (3, "comparison"),
        (4, "studio_credit"),
        (9, "comparison"),
    ]


def test_typed_lines_and_metadata_are_cleaned_and_bounded() -> None:
    assert typed_lines("+ Good music\n\n- second\n", "+ ") == ("+ Good music", "+ second")
    assert typed_metadata("Studio: Madhouse\nPremiere: 2015\njust words") == (
        ("Studio", "Madhouse"),
        ("Premiere", "2015"),
        ("Note", "just words"),
    )
    assert sum(len(line) + 1 for line in typed_lines("x" * 140 + "\n" * 1 + ("y" * 140 + "\n") * 10, "+ ")) <= 601
