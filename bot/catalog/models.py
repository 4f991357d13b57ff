"""Plain data shared by the catalog, reviews, scores and comparisons: no discord imports."""

from __future__ import annotations

from dataclasses import dataclass, field

ANILIST = "anilist.co"
MYANIMELIST = "myanimelist.net"


@dataclass(frozen=True, slots=True)
class Title:
    """One anime title known to kansou, shared by every server."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()
    type: str | None = None  # TV, MOVIE, OVA, ONA, SPECIAL
    year: int | None = None
    season: str | None = None  # WINTER, SPRING, SUMMER, FALL
    episodes: int | None = None
    studios: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    picture: str | None = None
    sources: tuple[str, ...] = ()  # page URLs on AniList, MyAnimeList, ...
    local: bool = False  # created by a server for a title the catalog lacked

    def source_on(self, host: str) -> str | None:
        """The first source URL on that host, if any."""
        return next((url for url in self.sources if host in url), None)

    @property
    def anilist_url(self) -> str | None:
        return self.source_on(ANILIST)

    @property
    def mal_url(self) -> str | None:
        return self.source_on(MYANIMELIST)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A title that a typed query may mean, with how sure the resolver is (0..1)."""

    title: Title
    confidence: float
    matched: str  # the name or alias that matched


@dataclass(frozen=True, slots=True)
class Mention:
    """A catalog title named inside free text."""

    title: Title
    matched: str  # the text as written in the review
    start: int  # character span in the text
    end: int
    sentence: str  # the sentence that holds the mention
    confidence: float = 1.0
    extra: dict[str, str] = field(default_factory=dict, compare=False)
