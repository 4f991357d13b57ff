"""How a title is shown: a Markdown link to AniList, else MyAnimeList, else an AniList search."""

from __future__ import annotations

from dataclasses import replace

from bot.catalog.links import escape_markdown, shorten, title_link, title_url
from bot.catalog.models import Title
from tests.catalog.sample import LOCAL_TITLE, sample_title


def test_url_prefers_the_anilist_page() -> None:
    assert title_url(sample_title("Made in Abyss")) == "https://anilist.co/anime/97986"


def test_url_falls_back_to_myanimelist_without_anilist() -> None:
    assert title_url(sample_title("Kaiba")) == "https://myanimelist.net/anime/3701"


def test_url_of_a_title_without_pages_is_an_anilist_search_for_its_name() -> None:
    assert title_url(LOCAL_TITLE) == "https://anilist.co/search/anime?search=Midnight+Lanterns+%26+Co."


def test_url_ignores_other_sites_when_choosing() -> None:
    title = Title(id=1, name="X", sources=("https://kitsu.app/anime/1", "https://myanimelist.net/anime/9"))
    assert title_url(title) == "https://myanimelist.net/anime/9"


def test_link_is_markdown_with_an_embed_free_url() -> None:
    assert title_link(sample_title("Cowboy Bebop")) == "[Cowboy Bebop](<https://anilist.co/anime/1>)"


def test_link_escapes_markdown_in_the_name() -> None:
    title = Title(id=1, name="[Oshi] no *Ko* _x_ ~~y~~ ||z|| `c`")
    label = title_link(title).split("](<")[0][1:]
    assert label == r"\[Oshi\] no \*Ko\* \_x\_ \~\~y\~\~ \|\|z\|\| \`c\`"


def test_link_shortens_long_names_on_a_word_boundary() -> None:
    title = Title(id=1, name="A Very Long Light Novel Title About Being Reincarnated As Something Else " * 2)
    link = title_link(title, max_name=40)
    label = link.split("](<")[0][1:]
    assert len(label) <= 40
    assert label.endswith("…")
    assert label == "A Very Long Light Novel Title About…"


def test_link_keeps_names_at_the_limit_whole() -> None:
    title = replace(sample_title("Neon Genesis Evangelion"))
    assert title_link(title, max_name=len(title.name)).startswith("[Neon Genesis Evangelion](")


def test_shorten_cuts_one_long_word_when_there_is_no_boundary() -> None:
    assert shorten("x" * 50, 10) == "x" * 9 + "…"


def test_escape_markdown_escapes_backslashes_first() -> None:
    assert escape_markdown("a\\*b") == "a\\\\\\*b"
    assert escape_markdown("plain text") == "plain text"
