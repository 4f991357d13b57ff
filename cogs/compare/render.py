"""Embeds for /compare and /similar: domain results in, discord.Embed out."""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot.catalog.links import display_name, escape_markdown, shorten, title_link
from bot.catalog.models import Title
from bot.comparisons.compare import CoRaters, Side, TitleComparison
from bot.comparisons.graph import ComparisonEdge
from bot.comparisons.service import SimilarResult
from bot.plural import plural
from bot.scores.stats import format_mean
from bot.text import clip, sanitize

COLOUR = discord.Colour.teal()
SCORED_MARK = "✓"
MAX_QUOTES = 3
QUOTE_CHARS = 300
REASONS_CHARS = 330  # ten entries of link + reasons stay well inside the 4,096-character description
MAX_EMBED_TITLE = 256
MAX_DESCRIPTION = 4096 - 600  # room left for title and footer inside the 6,000 total
MAX_ENTRY_CHARS = 800


def side_text(entry: Side) -> str:
    """One column of /compare: link, official score, community mean and votes, weighted rating."""
    lines = [title_link(entry.title, max_name=60)]
    official = escape_markdown(entry.official_score) if entry.official_score else "—"
    lines.append(f"**Official review:** {official}")
    aggregate = entry.aggregate
    if aggregate and aggregate.count:
        lines.append(f"**Community:** {format_mean(aggregate.mean)} / 10 ({plural(aggregate.count, 'vote')})")
    else:
        lines.append("**Community:** no scores yet")
    if entry.weighted is not None:
        lines.append(f"**Weighted rating:** {entry.weighted:.2f}")
    return "\n".join(lines)


def co_raters_text(figures: CoRaters, first: Title, second: Title) -> str:
    """How the members who scored both see the two titles."""
    difference = figures.mean_difference
    if abs(difference) < 0.005:
        gap = "the same score on average"
    else:
        higher = first if difference > 0 else second
        gap = f"{display_name(higher, 60)} {abs(difference):.2f} higher on average"
    return (
        f"{plural(figures.count, 'member')} scored both: {gap}.\n"
        f"Preferred {display_name(first, 60)}: {figures.first_preferred} · preferred {display_name(second, 60)}: "
        f"{figures.second_preferred} · same score: {figures.ties}"
    )


def quote_text(edge: ComparisonEdge, reviewed: Title, review_url: str | None) -> str:
    """A review's sentence as a quote, attributed to (and linked to) the official review it comes from."""
    source = f"official review of {display_name(reviewed, 60)}"
    attribution = f"[{source}](<{review_url}>)" if review_url else source
    if not edge.sentence:
        return f"Linked by a moderator in the {attribution}"
    sentence = clip(sanitize(" ".join(edge.sentence.split())), QUOTE_CHARS)
    return f"> {sentence}\n— {attribution}"


def compare_embed(result: TitleComparison, review_urls: Mapping[int, str] | None = None) -> discord.Embed:
    """/compare's side-by-side embed."""
    first, second = result.first.title, result.second.title
    heading = f"{shorten(first.name, 120)} vs {shorten(second.name, 120)}"
    embed = discord.Embed(title=heading[:MAX_EMBED_TITLE], colour=COLOUR)
    embed.add_field(name="\u200b", value=side_text(result.first), inline=True)
    embed.add_field(name="\u200b", value=side_text(result.second), inline=True)
    if result.co_raters:
        members = co_raters_text(result.co_raters, first, second)
    else:
        members = "Nobody here has scored both yet."
    embed.add_field(name="Members who scored both", value=members, inline=False)
    if result.comparisons:
        titles = {first.id: first, second.id: second}
        urls = review_urls or {}
        quotes = [
            quote_text(edge, titles[edge.title_id], urls.get(edge.review_id))
            for edge in result.comparisons[:MAX_QUOTES]
        ]
        embed.add_field(name="What the reviews say", value="\n\n".join(quotes)[:1024], inline=False)
    common = []
    if result.shared_tags:
        common.append("**Tags:** " + escape_markdown(", ".join(result.shared_tags)))
    if result.shared_studios:
        common.append("**Studios:** " + escape_markdown(", ".join(result.shared_studios)))
    if common:
        embed.add_field(name="In common", value=clip("\n".join(common), 1024), inline=False)
    return embed


def similar_embed(result: SimilarResult) -> discord.Embed:
    """/similar's list: up to ten titles, best first, each with its reasons; the asker's own marked."""
    description = ""
    for rank, related in enumerate(result.related, start=1):
        title = result.titles[related.title_id]
        mark = f" {SCORED_MARK}" if related.title_id in result.scored else ""
        reasons = clip(escape_markdown(" · ".join(reason.text for reason in related.reasons)), REASONS_CHARS)
        line = f"**{rank}.** {title_link(title, max_name=70)}{mark}\n{reasons}"
        if len(line) > MAX_ENTRY_CHARS:  # a search link for a very long name: the name alone will do
            line = f"**{rank}.** {display_name(title, 70)}{mark}\n{reasons}"
        if len(description) + len(line) + 1 > MAX_DESCRIPTION:
            break
        description = f"{description}\n{line}" if description else line
    embed = discord.Embed(
        title=f"Like {shorten(result.target.name, 200)}"[:MAX_EMBED_TITLE],
        description=description,
        colour=COLOUR,
    )
    footer = "Ranked by official review comparisons, then members' scores in this server, then shared tags."
    if result.scored:
        footer = f"{SCORED_MARK} you scored it · {footer}"
    embed.set_footer(text=footer)
    return embed
