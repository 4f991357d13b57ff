"""/compare and /similar embeds: what they show, spoilers kept whole, Discord's limits respected."""

from __future__ import annotations

import discord

from bot.catalog.models import Title
from bot.comparisons.compare import Side, compare_titles
from bot.comparisons.graph import ComparisonEdge
from bot.comparisons.ranking import Reason, Related
from bot.comparisons.service import SimilarResult
from bot.scores.stats import Aggregate
from bot.text import is_balanced
from cogs.compare.render import SCORED_MARK, compare_embed, similar_embed

BEBOP = Title(1, "Cowboy Bebop", tags=("Space", "Noir"), sources=("https://anilist.co/anime/1",))
CHAMPLOO = Title(2, "Samurai Champloo", tags=("Samurai", "Noir"))


def text(value: str | None) -> str:
    """An embed part the renderer must have filled."""
    assert value is not None
    return value


def embed_chars(embed: discord.Embed) -> int:
    fields = sum(len(text(f.name)) + len(text(f.value)) for f in embed.fields)
    return len(embed.title or "") + len(embed.description or "") + fields + len(embed.footer.text or "")


def test_compare_embed_shows_both_sides_co_raters_quotes_and_tags():
    edge = ComparisonEdge(9, 50, 2, 1, "Champloo is ||secretly|| Bebop with swords.")
    result = compare_titles(
        Side(BEBOP, official_score="9/10", aggregate=Aggregate.of([8, 9]), weighted=8.1),
        Side(CHAMPLOO),
        pairs=[(9, 7), (8, 8)],
        edges=[edge],
    )
    embed = compare_embed(result, {50: "https://discord.com/channels/9/8/7"})
    assert embed.title == "Cowboy Bebop vs Samurai Champloo"
    first, second, members, quotes, common = (text(f.value) for f in embed.fields)
    assert "[Cowboy Bebop](<https://anilist.co/anime/1>)" in first and "9/10" in first
    assert "8.50 / 10 (2 votes)" in first
    assert "no scores yet" in second
    assert "2 members scored both: Cowboy Bebop 1.00 higher on average." in members
    assert "> Champloo is ||secretly|| Bebop with swords." in quotes
    assert "[official review of Samurai Champloo](<https://discord.com/channels/9/8/7>)" in quotes
    assert common == "**Tags:** Noir"


def test_long_quotes_are_clipped_without_breaking_a_spoiler():
    sentence = "Bebop " + "word " * 50 + "||" + "hidden " * 60 + "|| end."
    result = compare_titles(Side(BEBOP), Side(CHAMPLOO), edges=[ComparisonEdge(9, 5, 1, 2, sentence)])
    quotes = text(compare_embed(result).fields[3].value)
    assert is_balanced(quotes) and len(quotes) <= 1024
    assert "hidden" not in quotes


def test_similar_embed_lists_titles_with_reasons_and_marks_the_askers_own():
    titles = {i: Title(i, f"Show *{i}*") for i in range(2, 12)}
    related = [Related(i, 1.0 - i / 100, (Reason("tags", "shares the tag Space"),)) for i in range(2, 12)]
    embed = similar_embed(SimilarResult(BEBOP, related, titles, scored={3}))
    description = text(embed.description)
    lines = description.split("\n")
    assert lines[0].startswith("**1.** [Show \\*2\\*]")
    assert lines[2].endswith(SCORED_MARK) and not lines[0].endswith(SCORED_MARK)
    assert lines[1] == "shares the tag Space"
    assert description.count("**") == 20
    assert text(embed.footer.text).startswith(f"{SCORED_MARK} you scored it")


def test_similar_embed_stays_inside_discords_limits_with_huge_names_and_reasons():
    long_name = "Ω" * 400
    titles = {i: Title(i, long_name + str(i)) for i in range(2, 12)}
    reason = Reason("members", f"members who scored {long_name} highly gave it 8.4 on average (12 members)")
    related = [Related(i, 1.0, (reason, reason)) for i in range(2, 12)]
    embed = similar_embed(SimilarResult(Title(1, long_name), related, titles, scored=set()))
    assert len(text(embed.title)) <= 256 and len(text(embed.description)) <= 4096 and embed_chars(embed) <= 6000
