"""Rendering for community scores: replies, the /score embed, leaderboard and member pages, the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

import discord

from bot.catalog.links import escape_markdown, shorten, title_link
from bot.catalog.models import Title
from bot.plural import plural
from bot.scores.models import MemberProfile, ScoreCard, TopRow, UserRating
from bot.scores.stats import format_mean, histogram_bars

PAGE_SIZE = 10
COLOUR = discord.Colour.from_rgb(236, 128, 94)


def _link(title_id: int, name: str, titles: Mapping[int, Title]) -> str:
    title = titles.get(title_id)
    return title_link(title, max_name=60) if title else f"**{escape_markdown(shorten(name, 60))}**"


def score_embed(title: Title, view: ScoreCard) -> discord.Embed:
    """/score: mean, median, votes, spread, histogram, the official score and the difference."""
    agg, official = view.aggregate, view.official
    embed = discord.Embed(title=shorten(title.name, 250), url=title.anilist_url or title.mal_url, colour=COLOUR)
    if not agg.count:
        embed.description = "Nobody in this server has scored this title yet. Be the first with `/rate`."
    else:
        embed.add_field(name="Community mean", value=f"**{format_mean(agg.mean)}** / 10")
        embed.add_field(name="Median", value=f"{agg.median:g}")
        embed.add_field(name="Votes", value=str(agg.count))
        embed.add_field(name="Std. deviation", value=f"{agg.stdev:.2f}")
        bars = "\n".join(histogram_bars(agg.histogram))
        embed.add_field(name="Distribution", value=f"```\n{bars}\n```", inline=False)
    if official is not None and official.score is not None:
        embed.add_field(name="Official score", value=f"{official.score:g} / 10")
        if agg.mean is not None:
            embed.add_field(name="Community − official", value=f"{agg.mean - official.score:+.2f}")
    if official is not None and official.jump_url:
        embed.add_field(name="Review", value=f"[Read the official review](<{official.jump_url}>)", inline=False)
    if view.own_score is not None:
        embed.set_footer(text=f"Your score: {view.own_score}/10")
    return embed


TOP_EXPLAINED = "Ranked by a weighted score so that a few votes don't top the list · /help top shows how"


def top_pages(
    rows: Sequence[TopRow],
    titles: Mapping[int, Title],
    *,
    min_votes: int,
    own: Mapping[int, int] | None = None,
) -> list[discord.Embed]:
    """/top as pages of PAGE_SIZE rows: shared ranks for ties, the title, weighted score, mean, votes, and
    the asking member's own score on the titles they rated."""
    own = own or {}
    footer = f"{TOP_EXPLAINED} · titles with at least {plural(min_votes, 'vote')}"
    if not rows:
        embed = discord.Embed(
            title="Top titles in this server",
            description=f"No title has {plural(min_votes, 'vote')} or more yet.",
            colour=COLOUR,
        )
        return [embed.set_footer(text=footer)]
    yours = sum(1 for row in rows if row.title_id in own)
    if yours:
        footer = f"You scored {yours} of these {plural(len(rows), 'title')} (marked “you”) · {footer}"
    pages = []
    for start in range(0, len(rows), PAGE_SIZE):
        lines = [_top_line(row, titles, own.get(row.title_id)) for row in rows[start : start + PAGE_SIZE]]
        embed = discord.Embed(title="Top titles in this server", description="\n".join(lines), colour=COLOUR)
        pages.append(embed.set_footer(text=footer))
    return pages


def _top_line(row: TopRow, titles: Mapping[int, Title], own: int | None) -> str:
    mine = f" · you **{own}**" if own is not None else ""
    return (
        f"**{row.rank}.** {_link(row.title_id, f'Title {row.title_id}', titles)} — **{row.weighted:.2f}** · "
        f"mean {row.mean:.2f} · {plural(row.votes, 'vote')}{mine}"
    )


def ratings_pages(
    who: str,
    rows: Sequence[UserRating],
    titles: Mapping[int, Title],
    *,
    total: int,
    profile: MemberProfile | None = None,
) -> list[discord.Embed]:
    """/ratings list: the member's profile first, then their scores, highest first, PAGE_SIZE per page."""
    heading = f"{shorten(who, 80)}'s scores"
    if not rows:
        return [discord.Embed(title=heading, description="No scores in this server yet.", colour=COLOUR)]
    pages = []
    for start in range(0, len(rows), PAGE_SIZE):
        lines = [
            f"**{row.score}/10** · {_link(row.title_id, row.title_name, titles)}"
            for row in rows[start : start + PAGE_SIZE]
        ]
        if profile is not None and start == 0:
            lines = [profile_header(profile), "", *lines]
        embed = discord.Embed(title=heading, description="\n".join(lines), colour=COLOUR)
        pages.append(embed.set_footer(text=f"{plural(total, 'score')} · /ratings export for a CSV of your own"))
    return pages


def profile_header(profile: MemberProfile) -> str:
    """The lines /ratings list opens with: scores given, mean, against the server, most-rated tags."""
    line = f"**{plural(profile.count, 'score')}** given · mean **{format_mean(profile.mean)}**"
    difference = profile.difference
    if difference is not None and profile.server_mean is not None:
        if abs(difference) < 0.005:
            line += f" · the same as the server's {format_mean(profile.server_mean)}"
        else:
            side = "above" if difference > 0 else "below"
            line += f" · {abs(difference):.2f} {side} the server's {format_mean(profile.server_mean)}"
    lines = [line]
    if profile.top_tags:
        tags = " · ".join(f"{escape_markdown(shorten(tag, 30))} ({count})" for tag, count in profile.top_tags)
        lines.append(f"Most-rated tags: {tags}")
    return "\n".join(lines)


def export_text(count: int) -> str:
    """The message the /ratings export file comes with."""
    return f"Your {plural(count, 'score')} in this server."


def forget_question(count: int) -> str:
    """/privacy forget's confirmation question."""
    every = "all your" if count > 1 else "your"
    return f"This deletes {every} {plural(count, 'score')} in this server, for good. Continue?"


def forgotten_text(count: int) -> str:
    """/privacy forget's answer once the scores are gone."""
    return f"Deleted your {plural(count, 'score')} in this server."


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheet apps; titles are text written by users.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def export_csv(rows: Sequence[UserRating]) -> discord.File:
    """The member's scores as a CSV attachment (title id, title, score, last changed)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title_id", "title", "score", "updated_at"])
    for row in rows:
        writer.writerow([row.title_id, _csv_safe(row.title_name), row.score, row.updated_at])
    return discord.File(io.BytesIO(buffer.getvalue().encode("utf-8")), filename="kansou-scores.csv")


def new_title_prompt(name: str, score: int) -> str:
    """The question before a member adds a show the catalog and AniList do not know."""
    return (
        f"Not found. Add *{escape_markdown(shorten(name, 100))}* as a new title for this server? "
        f"Only this server sees it, and your score of **{score}/10** is saved with it."
    )
