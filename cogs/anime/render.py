"""The /anime card: one embed for a title, within Discord's limits whatever the title data holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote_plus

import discord

from bot.catalog.anilist import AniListMedia
from bot.catalog.links import ANILIST_SEARCH, escape_markdown, shorten, title_url
from bot.catalog.models import ANILIST, MYANIMELIST, Title
from bot.catalog.synopsis import SYNOPSIS_CHARS, synopsis
from bot.plural import plural
from bot.reviews.models import OfficialScore
from bot.scores.stats import Aggregate, format_mean

MAX_ALIASES = 5
MAX_TAGS = 10
EMBED_TITLE = 256
FIELD_VALUE = 1024
# Budgets well under Discord's limits, so all fields together stay below 6,000 characters.
ALIAS_CHARS = 90
DESCRIPTION_CHARS = 700
STUDIOS_CHARS = 300
TAGS_CHARS = 450
GENRES_CHARS = 300
LINKS_CHARS = 800
EMBED_COLOUR = discord.Colour(0x3DB4F2)  # AniList's blue

_STATUSES = {
    "FINISHED": "Finished",
    "RELEASING": "Airing",
    "NOT_YET_RELEASED": "Not yet aired",
    "CANCELLED": "Cancelled",
    "HIATUS": "On hiatus",
}
_SEASONS = {"WINTER": "Winter", "SPRING": "Spring", "SUMMER": "Summer", "FALL": "Fall"}
_SITES = {
    ANILIST: "AniList",
    MYANIMELIST: "MyAnimeList",
    "anidb.net": "AniDB",
    "kitsu": "Kitsu",
    "anime-planet.com": "Anime-Planet",
    "animenewsnetwork.com": "ANN",
    "livechart.me": "LiveChart",
    "simkl.com": "Simkl",
    "notify.moe": "Notify.moe",
    "anisearch": "aniSearch",
}


@dataclass(frozen=True, slots=True)
class CardFacts:
    """Everything the card may show beside the catalog title."""

    official: OfficialScore | None = None
    community: Aggregate | None = None
    anilist: AniListMedia | None = None


def joined(items: Sequence[str], max_chars: int, *, sep: str = ", ", limit: int | None = None) -> str:
    """At most `limit` items joined within max_chars; the rest are counted as "+N more"."""
    out: list[str] = []
    used = 0
    for position, item in enumerate(items):
        left = len(items) - position
        more = f"{sep}+{left - 1} more" if left > 1 else ""
        cost = len(item) + (len(sep) if out else 0)
        if (limit is not None and position >= limit) or used + cost + len(more) > max_chars:
            return sep.join([*out, f"+{left} more"])
        out.append(item)
        used += cost
    return sep.join(out)


def _web_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) and len(url) <= 2000 else None


def site_name(url: str) -> str:
    """A short label for a source page ("AniList", "MyAnimeList", else the host)."""
    for host, label in _SITES.items():
        if host in url:
            return label
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return shorten(host.removeprefix("www."), 30)


def links_line(title: Title) -> str:
    """AniList and MyAnimeList first, then the other source pages, as Markdown links."""
    urls = [u for u in (title.anilist_url, title.mal_url) if u]
    urls += [u for u in title.sources if u not in urls]
    shown = [f"[{escape_markdown(site_name(u))}](<{u}>)" for u in urls if _web_url(u) and ")" not in u]
    if not shown:
        return f"[Search on AniList](<{search_url(title.name, LINKS_CHARS - 30)}>)"
    return joined(shown, LINKS_CHARS, sep=" · ")


def search_url(name: str, max_chars: int) -> str:
    """An AniList search for the name, its query cut so the URL fits (non-Latin names encode long)."""
    cut = len(name)
    while cut > 1 and len(ANILIST_SEARCH + quote_plus(name[:cut])) > max_chars:
        cut = cut * 3 // 4
    return ANILIST_SEARCH + quote_plus(name[:cut])


def _season_text(title: Title) -> str | None:
    if title.year is None:
        return None
    season = _SEASONS.get(title.season or "")
    return f"{season} {title.year}" if season else str(title.year)


def card_embed(title: Title, facts: CardFacts = CardFacts()) -> discord.Embed:
    """The card for one title: names, facts, links, and this server's and AniList's scores when known."""
    media = facts.anilist
    embed = discord.Embed(title=shorten(title.name, EMBED_TITLE), url=_web_url(title_url(title)), colour=EMBED_COLOUR)
    aliases = [escape_markdown(shorten(alias, ALIAS_CHARS)) for alias in title.aliases[:MAX_ALIASES]]
    more = len(title.aliases) - len(aliases)
    names = " · ".join(aliases) + (f" · +{more} more" if more > 0 else "")
    if title.local:
        names += "\n*Not in the catalog yet: added by this server.*"
    parts = [shorten(names, DESCRIPTION_CHARS) if names.strip() else ""]
    parts.append(synopsis(media.description if media else None, SYNOPSIS_CHARS) or "")
    description = "\n\n".join(part for part in parts if part)
    embed.description = description or None
    # AniList's cover is the larger image; the catalog's picture when AniList is out of reach.
    picture = _web_url(media.cover if media else None) or _web_url(title.picture)
    if picture:
        embed.set_thumbnail(url=picture)
    _facts_fields(embed, title, media)
    _score_fields(embed, facts)
    embed.add_field(name="Links", value=links_line(title), inline=False)
    if title.local:
        embed.set_footer(text="Local title: a later catalog update merges it into the real entry.")
    return embed


def _facts_fields(embed: discord.Embed, title: Title, media: AniListMedia | None) -> None:
    if title.type:
        embed.add_field(name="Type", value=title.type)
    season = _season_text(title)
    if season:
        embed.add_field(name="Season", value=season)
    if title.episodes:
        embed.add_field(name="Episodes", value=str(title.episodes))
    studios = title.studios or (media.studios if media else ())
    if studios:
        value = joined([escape_markdown(shorten(s, 60)) for s in studios], STUDIOS_CHARS)
        embed.add_field(name="Studios", value=value, inline=False)
    status = status_text(media)
    if status:
        embed.add_field(name="Status", value=status)
    genres = [escape_markdown(shorten(genre, 36)) for genre in (media.genres if media else ())]
    if genres:
        embed.add_field(name="Genres", value=joined(genres, GENRES_CHARS, limit=MAX_TAGS), inline=False)
    shown = {genre.lower() for genre in (media.genres if media else ())}
    tags = [tag for tag in title.tags if tag.lower() not in shown]
    if tags:
        value = joined([escape_markdown(shorten(t, 36)) for t in tags], TAGS_CHARS, limit=MAX_TAGS)
        embed.add_field(name="Tags", value=value, inline=False)


def _score_fields(embed: discord.Embed, facts: CardFacts) -> None:
    official = facts.official
    if official is not None:
        score = "no score" if official.score is None else f"**{official.score:g}** / 10"
        value = f"{score} · [read the review](<{official.jump_url}>)" if official.jump_url else score
        embed.add_field(name="This server's review", value=value)
    community = facts.community
    if community is not None and community.count:
        votes = plural(community.count, "vote")
        embed.add_field(name="Community", value=f"**{format_mean(community.mean)}** / 10 · {votes}")
    media = facts.anilist
    if media is not None and media.mean_score is not None:
        embed.add_field(name="AniList", value=f"**{media.mean_score}**% · mean of members' scores")
    elif media is not None and media.average_score is not None:
        embed.add_field(name="AniList", value=f"**{media.average_score}**% · weighted average")


def status_text(media: AniListMedia | None) -> str | None:
    """'Airing · episode 12 <t:…:R>' while a show airs; else its status in words."""
    if media is None or media.status is None:
        return None
    status = _STATUSES.get(media.status, media.status.replace("_", " ").capitalize())
    if media.status == "RELEASING" and media.next_episode is not None and media.next_airing_at is not None:
        # Discord shows a timestamp in each reader's own time zone, relative ("in 3 days").
        return f"{status} · episode {media.next_episode} <t:{media.next_airing_at}:R>"
    return status
