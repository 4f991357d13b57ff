"""Counts in words: the helper, and every user-facing text that shows a count, with 0, 1 and 2."""

from __future__ import annotations

import re
from collections.abc import Callable

import discord
import pytest

from bot.catalog.models import DeletedTitle, ImportReport, MergeReport, Title
from bot.comparisons.compare import CoRaters, Side
from bot.comparisons.similarity import Neighbour
from bot.plural import noun, plural
from bot.reviews.models import Review, Revision
from bot.reviews.publish import PostContent
from bot.scores.models import MemberProfile, RateResult, TopRow, UserRating
from bot.scores.replies import rated_text
from bot.scores.service import community_text
from bot.scores.stats import Aggregate
from bot.storage.ratings import Drift
from cogs.anime.render import CardFacts, card_embed
from cogs.compare.render import co_raters_text, side_text
from cogs.meta.render import storage_text
from cogs.reviews.render import Linked, history_embed, list_page, post_embed
from cogs.scores.render import export_text, forget_question, forgotten_text, profile_header, ratings_pages, top_pages
from cogs.settings.render import min_votes_text
from cogs.titles.render import deleted_text, merged_text

TITLE = Title(1, "Cowboy Bebop")
OTHER = Title(2, "Trigun")

# Nouns kansou counts in its replies and log lines.
NOUNS = ("vote", "review", "score", "rating", "title", "member", "word", "entry", "version", "link", "server", "tag")
_PLURALS = "|".join(noun(2, n) for n in NOUNS)
_SINGULARS = "|".join(NOUNS)
ONE_WITH_PLURAL = re.compile(rf"(?<![\d.,/])\b1 (?:[a-z]+ ){{0,2}}({_PLURALS})\b")
MANY_WITH_SINGULAR = re.compile(rf"(?<![\d.,/])\b(?!1 )\d+(?:,\d{{3}})* (?:[a-z]+ ){{0,2}}({_SINGULARS})\b")


def grammar_problems(text: str) -> list[str]:
    """Counts whose noun does not agree with them, and "(s)" hedges."""
    found = [m.group(0) for m in ONE_WITH_PLURAL.finditer(text)]
    found += [m.group(0) for m in MANY_WITH_SINGULAR.finditer(text)]
    if "(s)" in text:
        found.append("(s)")
    return found


def embed_text(embeds: discord.Embed | list[discord.Embed]) -> str:
    parts: list[str] = []
    for embed in embeds if isinstance(embeds, list) else [embeds]:
        parts += [embed.title or "", embed.description or "", embed.footer.text or ""]
        parts += [f"{field.name} {field.value}" for field in embed.fields]
    return "\n".join(parts)


def review(n: int) -> Review:
    return Review(n, 9, 1, 5, "current", 8.0, "8/10", "text", "{}", 3, 4, None, "2026-01-01", "2026-01-01")


def revision(n: int) -> Revision:
    return Revision(n, 1, f"old text {n}", 7.0, 5, "2025-12-01")


def content(words: int) -> PostContent:
    return PostContent(8.0, "8/10", "Good.", (), (), (), None, word_count=words, reviewer="Mod")


def top_row(votes: int) -> TopRow:
    return TopRow(1, 1, 8.0, 8.0, votes)


# (what is counted, builder of the text for a count); each text must show `plural(count, noun)`.
BUILDERS: list[tuple[str, Callable[[int], str]]] = [
    ("vote", lambda n: community_text(Aggregate.of([7] * n)) if n else "0 votes"),
    ("vote", lambda n: rated_text(TITLE, 7, RateResult(None, Aggregate.of([7] * max(n, 1)))) if n else "0 votes"),
    ("vote", lambda n: embed_text(top_pages([top_row(n)] if n else [], {}, min_votes=n))),
    ("vote", lambda n: embed_text(top_pages([], {}, min_votes=n))),
    ("score", lambda n: embed_text(ratings_pages("Ann", [UserRating(1, "X", 7, "t")] * n, {}, total=n))),
    ("score", lambda n: profile_header(MemberProfile(n, 7.0 if n else None, 7.0, (("drama", n),) if n else ()))),
    ("score", export_text),
    ("score", forget_question),
    ("score", forgotten_text),
    ("vote", min_votes_text),
    ("review", lambda n: embed_text(list_page([review(i) for i in range(n)], {}, {}, total=n)) if n else "0 reviews"),
    ("earlier version", lambda n: embed_text(history_embed(TITLE, review(1), [revision(i) for i in range(n)]))),
    ("word", lambda n: embed_text(post_embed(TITLE, content(n), linked=Linked(), community="—")) if n else "0 words"),
    ("vote", lambda n: embed_text(card_embed(TITLE, CardFacts(community=Aggregate.of([8] * n)))) if n else "0 votes"),
    ("vote", lambda n: side_text(Side(TITLE, aggregate=Aggregate.of([6] * n))) if n else "0 votes"),
    ("member", lambda n: co_raters_text(CoRaters(n, 0.5, n, 0, 0), TITLE, OTHER)),
    ("member", lambda n: Neighbour(2, 0.5, 0.6, n, n, 8.0).fans_text or ""),
    ("score", lambda n: deleted_text(TITLE, DeletedTitle(1, n, 0, 0))),
    ("score", lambda n: merged_text(TITLE, OTHER, MergeReport(1, 2, ratings_moved=n, reviews_moved=1, edges_moved=2))),
    ("entry", lambda n: ImportReport(entries=n).summary()),
    ("vote", lambda n: Drift(9, 1, Aggregate.of([5] * n), Aggregate.of([5] * (n + 1))).describe()),
    ("rating", lambda n: storage_text({"ratings": n, "reviews": n, "titles": n})),
]


@pytest.mark.parametrize("count", [0, 1, 2])
@pytest.mark.parametrize(("counted", "build"), BUILDERS, ids=[f"{i}-{c}" for i, (c, _) in enumerate(BUILDERS)])
def test_every_count_shown_to_a_user_agrees_with_its_noun(
    counted: str, build: Callable[[int], str], count: int
) -> None:
    text = build(count)
    # Zero may also be said in words ("No scores in this server yet").
    said_as_none = count == 0 and re.search(rf"\bno {noun(0, counted)}\b", text, re.IGNORECASE)
    assert plural(count, counted) in text or said_as_none, text
    assert grammar_problems(text) == [], text


def test_the_checker_catches_the_old_mistakes() -> None:
    assert grammar_problems("at least 1 votes") == ["1 votes"]
    assert grammar_problems("1 reviews · newest first") == ["1 reviews"]
    assert grammar_problems("0 earlier version(s)") == ["0 earlier version", "(s)"]
    assert grammar_problems("2 older duplicate score dropped") == ["2 older duplicate score"]
    assert grammar_problems("7.1 votes, 10/1 votes") == []


@pytest.mark.parametrize(
    ("count", "singular", "expected"),
    [
        (0, "vote", "0 votes"),
        (1, "vote", "1 vote"),
        (2, "vote", "2 votes"),
        (1_234, "vote", "1,234 votes"),
        (2, "entry", "2 entries"),
        (2, "day", "2 days"),
        (2, "match", "2 matches"),
        (1, "earlier version", "1 earlier version"),
        (3, "earlier version", "3 earlier versions"),
    ],
)
def test_plural_agrees_with_the_count(count: int, singular: str, expected: str) -> None:
    assert plural(count, singular) == expected


def test_an_irregular_plural_is_given_explicitly() -> None:
    assert plural(2, "person", "people") == "2 people" and plural(1, "person", "people") == "1 person"
