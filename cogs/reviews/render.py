"""Rendering for official reviews: the published post's embed, the preview text, list and history pages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from bot.catalog.links import display_name, escape_markdown, shorten, title_link, title_url
from bot.catalog.models import Title
from bot.plural import plural
from bot.reviews.analysis import ReviewAnalysis
from bot.reviews.models import Linked, Review, Revision
from bot.reviews.publish import BUDGET, COMPARED_MAX, PostContent, format_score, metadata_text
from bot.text import clip, plain, sanitize, strip_spoilers

COLOUR = discord.Colour.from_rgb(94, 160, 236)
PAGE_SIZE = 10
EMBED_TOTAL = 6_000


def _links(titles: Sequence[Title], budget: int) -> str:
    """Title links joined with " · " within budget, then "and N more"."""
    shown: list[str] = []
    used = 0
    for index, title in enumerate(titles[:COMPARED_MAX]):
        link = title_link(title, max_name=60)
        rest = len(titles) - index - 1
        tail = len(f" · and {rest} more") if rest else 0
        if used + len(link) + 3 + tail > budget:
            shown.append(f"and {len(titles) - index} more")
            break
        shown.append(link)
        used += len(link) + 3
    else:
        if len(titles) > COMPARED_MAX:
            shown.append(f"and {len(titles) - COMPARED_MAX} more")
    return " · ".join(shown)


def post_embed(
    title: Title,
    content: PostContent,
    *,
    linked: Linked,
    community: str,
) -> discord.Embed:
    """The published review post: score first, TL;DR, aspects, pros/cons, verdict, links, facts, community."""
    embed = discord.Embed(
        title=shorten(title.name, BUDGET["title"]),
        url=title.anilist_url or title.mal_url or title_url(title),
        colour=COLOUR,
    )
    score = f"**Official score: {format_score(content.score)}**"
    embed.description = f"{score}\n\n{content.tldr}" if content.tldr else score
    if title.picture:
        embed.set_thumbnail(url=title.picture)
    if content.aspects:
        embed.add_field(name="Aspects", value="\n".join(content.aspects), inline=False)
    if content.pros:
        embed.add_field(name="Pros", value="\n".join(content.pros), inline=False)
    if content.cons:
        embed.add_field(name="Cons", value="\n".join(content.cons), inline=False)
    if content.verdict:
        embed.add_field(name="Verdict", value=content.verdict, inline=False)
    if linked.compared:
        embed.add_field(name="Compared to:", value=_links(linked.compared, BUDGET["compared"]), inline=False)
    if linked.credits:
        embed.add_field(name="From the makers of", value=_links(linked.credits, BUDGET["credits"]), inline=False)
    facts = metadata_text(content)
    if facts:
        embed.add_field(name="About", value=facts, inline=False)
    embed.add_field(name="Community", value=clip(community, BUDGET["community"]) or "—", inline=False)
    words = f" · {plural(content.word_count, 'word')}" if content.word_count else ""
    by = content.reviewer or "a moderator"
    embed.set_footer(text=clip(f"Official review by {by}{words} · full text in the thread", BUDGET["footer"]))
    return embed


def community_value(embed: discord.Embed) -> str | None:
    """The Community field of a post embed, if it has one."""
    return next((f.value for f in embed.fields if f.name == "Community"), None)


def with_community(embed: discord.Embed, community: str) -> discord.Embed:
    """The same post embed with a new Community field."""
    for index, existing in enumerate(embed.fields):
        if existing.name == "Community":
            embed.set_field_at(index, name="Community", value=clip(community, BUDGET["community"]) or "—", inline=False)
    return embed


def _list_lines(items: Sequence[str], limit: int) -> str:
    out: list[str] = []
    used = 0
    for item in items:
        if used + len(item) + 1 > limit:
            out.append(f"… and {len(items) - len(out)} more")
            break
        out.append(item)
        used += len(item) + 1
    return "\n".join(out)


def _marked(title: Title) -> str:
    """A linked title's name; a name publishing will create as a local title (a placeholder, id < 0) says so."""
    name = display_name(title, 50)
    return f"{name} *(🆕 new local title)*" if title.id < 0 else name


def preview_text(
    analysis: ReviewAnalysis,
    content: PostContent,
    *,
    linked: Linked,
    suggestions: Sequence[str],
    unresolved: Sequence[str],
    replacing: bool,
    editing: bool,
    intake: str = "",
    notes: Sequence[str] = (),
    new_title: bool = False,
) -> str:
    """The preview's message: what kansou understood, within the 2,000 characters of a message."""
    lines = ["**Preview** — only you can see this. The post below is exactly what will be published."]
    if intake:
        lines.append(clip(intake, 400))
    if replacing:
        lines.append("⚠️ This **replaces** the current official review (the old one is kept as a revision).")
    if editing:
        lines.append("✏️ This **edits** the published review in place (the old text is kept as a revision).")
    if content.score is not None:
        found = analysis.score
        if content.score_raw and found is not None:
            where = f"found `{escape_markdown(shorten(content.score_raw, 60))}` ({found.form})"
        else:
            where = "from the score option"
        lines.append(f"**Score:** {format_score(content.score)} — {where}")
    else:
        lines.append("**Score:** none found (use the `score` option to set one)")
    if new_title:
        lines.append("🆕 The reviewed title is **new**: publishing creates it as a local title of this server.")
    if linked.compared:
        names = ", ".join(_marked(t) for t in linked.compared)
        lines.append(f"**Comparison titles:** {clip(names, 400)}")
    if linked.credits:
        names = ", ".join(display_name(t, 50) for t in linked.credits)
        lines.append(f"**Studio credits:** {clip(names, 300)}")
    if content.metadata:
        facts = "; ".join(f"{k}: {escape_markdown(v)}" for k, v in content.metadata)
        lines.append(f"**Metadata:** {clip(facts, 300)}")
    if suggestions:
        names = ", ".join(f"“{escape_markdown(shorten(s, 40))}”" for s in suggestions)
        lines.append(f"**Not in the catalog:** {clip(names, 300)} — pick any to keep below; the rest are dropped.")
    if unresolved:
        names = ", ".join(f"“{escape_markdown(shorten(s, 40))}”" for s in unresolved)
        lines.append(f"**Could not link:** {clip(names, 200)}")
    for note in notes[:4]:
        lines.append(f"✏️ {clip(note, 200)}")
    for warning in analysis.warnings[:4]:
        lines.append(f"• {clip(warning, 200)}")
    return clip("\n".join(lines), 1_900)


def _when(stamp: str) -> str:
    return stamp[:10]


def list_page(
    reviews: Sequence[Review], titles: Mapping[int, Title], community: Mapping[int, str], *, total: int
) -> discord.Embed:
    """One page of /review list: these reviews (newest first), and how many the server has in all."""
    heading = "Official reviews in this server"
    if not reviews:
        return discord.Embed(title=heading, description="No official reviews yet.", colour=COLOUR)
    lines = []
    for review in reviews:
        title = titles.get(review.title_id)
        name = title_link(title, max_name=60) if title else f"title {review.title_id}"
        post = f" · [post](<{review.jump_url}>)" if review.jump_url else ""
        lines.append(
            f"**{format_score(review.score)}** · {name} · {community.get(review.title_id, 'no community scores yet')}"
            f" · {_when(review.created_at)}{post}"
        )
    embed = discord.Embed(title=heading, description=clip("\n".join(lines), 4_000), colour=COLOUR)
    return embed.set_footer(text=f"{plural(total, 'review')} · newest first")


def history_embed(title: Title, current: Review, revisions: Sequence[Revision]) -> discord.Embed:
    """/review history: the current text and every earlier one, newest first."""

    def excerpt(text: str) -> str:
        return escape_markdown(clip(plain(strip_spoilers(sanitize(text), "▒▒")), 90))

    lines = [
        f"**Current** · {_when(current.updated_at)} · {format_score(current.score)} · by <@{current.author_id}>"
        f"\n> {excerpt(current.text)}"
    ]
    for index, revision in enumerate(revisions, start=1):
        lines.append(
            f"**Revision {len(revisions) - index + 1}** · {_when(revision.created_at)} · "
            f"{format_score(revision.score)} · by <@{revision.editor_id}>\n> {excerpt(revision.text)}"
        )
    description = _list_lines(lines, 3_900)
    embed = discord.Embed(
        title=shorten(f"History of the review of {title.name}", 256), description=description, colour=COLOUR
    )
    embed.set_footer(text=plural(len(revisions), "earlier version") if revisions else "No earlier versions")
    return embed


def embed_length(embed: discord.Embed) -> int:
    """Characters Discord counts toward the 6,000 of a message's embeds."""
    return len(embed)
