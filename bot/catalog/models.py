"""Plain data shared by the catalog, reviews, scores, comparisons and storage: no discord, no I/O."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from bot.plural import plural

ANILIST = "anilist.co"
MYANIMELIST = "myanimelist.net"
# The formats and seasons of the anime-offline-database that kansou keeps.
TYPES = frozenset({"TV", "MOVIE", "OVA", "ONA", "SPECIAL"})
SEASONS = frozenset({"WINTER", "SPRING", "SUMMER", "FALL"})


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
    guild_id: int | None = None  # the server that created a local title: only it sees the title

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


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One anime of the dataset, already cleaned."""

    sources: tuple[str, ...]
    title: str
    type: str | None = None
    episodes: int | None = None
    status: str | None = None
    year: int | None = None
    season: str | None = None
    picture: str | None = None
    synonyms: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    studios: tuple[str, ...] = ()
    number: int = field(default=0, compare=False)  # position in the file (1 = first), for messages


# How many skipped entries an import report names; the rest are only counted.
NAMED_SKIPS = 5


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """An entry of a catalog file that was not imported, and why."""

    number: int  # position in the file, 1 = first
    title: str  # as written in the file (may be empty)
    reason: str

    def __str__(self) -> str:
        title = self.title if len(self.title) <= 60 else self.title[:59] + "…"
        return f"entry {self.number} {title!r}: {self.reason}" if title else f"entry {self.number}: {self.reason}"


@dataclass(slots=True)
class ImportReport:
    """What an import did to the catalog."""

    source: str = ""
    entries: int = 0  # entries read from the file, skipped ones included
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # entries not imported (see skips for why)
    skips: list[SkippedEntry] = field(default_factory=list)  # the first NAMED_SKIPS of them
    # (old id, id that now holds its sources): upstream merged two titles into one.
    superseded: list[tuple[int, int]] = field(default_factory=list)
    absent: int = 0  # catalog titles the file no longer lists (kept: reviews may point at them)
    seconds: float = 0.0

    def skip(self, entry: SkippedEntry) -> None:
        """Count an entry that was not imported; the first few are kept by name for the operator."""
        self.skipped += 1
        if len(self.skips) < NAMED_SKIPS:
            self.skips.append(entry)

    def skip_lines(self) -> list[str]:
        """One line per named skipped entry, then how many more there were."""
        lines = [str(entry) for entry in self.skips]
        if self.skipped > len(self.skips):
            lines.append(f"… and {self.skipped - len(self.skips)} more")
        return lines

    def summary(self) -> str:
        """One line for an operator."""
        parts = [
            f"{plural(self.entries, 'entry')} read",
            f"{self.created} new",
            f"{self.updated} updated",
            f"{self.unchanged} unchanged",
        ]
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.absent:
            parts.append(f"{self.absent} no longer listed (kept)")
        if self.superseded:
            parts.append(f"{len(self.superseded)} merged upstream")
        return ", ".join(parts) + (f" in {self.seconds:.1f} s" if self.seconds else "")


@dataclass(frozen=True, slots=True)
class AniListMedia:
    """What kansou uses of an AniList anime."""

    id: int
    site_url: str
    id_mal: int | None = None
    romaji: str | None = None
    english: str | None = None
    native: str | None = None
    synonyms: tuple[str, ...] = ()
    format: str | None = None  # TV, TV_SHORT, MOVIE, SPECIAL, OVA, ONA, MUSIC
    season: str | None = None
    season_year: int | None = None
    episodes: int | None = None
    cover: str | None = None
    genres: tuple[str, ...] = ()
    studios: tuple[str, ...] = ()
    average_score: int | None = None  # 0..100, weighted
    mean_score: int | None = None  # 0..100, the plain mean of AniList members' scores
    description: str | None = None  # AniList's HTML, spoilers as ~!text!~ (see bot.catalog.synopsis)
    status: str | None = None  # FINISHED, RELEASING, NOT_YET_RELEASED, CANCELLED, HIATUS
    next_episode: int | None = None  # the next episode to air, while RELEASING
    next_airing_at: int | None = None  # when it airs (Unix time)

    @property
    def names(self) -> tuple[str, ...]:
        """Every distinct name, the most recognisable first."""
        found = (self.romaji, self.english, self.native, *self.synonyms)
        return tuple(dict.fromkeys(name for name in found if name))

    @property
    def mal_url(self) -> str | None:
        return f"https://myanimelist.net/anime/{self.id_mal}" if self.id_mal else None

    def to_json(self) -> str:
        """The form kept in the cache."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> AniListMedia:
        """Read back what to_json wrote."""
        data = json.loads(text)
        for key in ("synonyms", "genres", "studios"):
            data[key] = tuple(data.get(key) or ())
        return cls(**data)


@dataclass(slots=True)
class MergeReport:
    """What merging one local title into a real one moved, kept or dropped."""

    local_id: int
    real_id: int
    ratings_moved: int = 0
    ratings_dropped: int = 0  # the member had a more recent score on the real title
    reviews_moved: int = 0
    reviews_replaced: int = 0  # the local review lost 'current' to the real title's review
    edges_moved: int = 0
    edges_dropped: int = 0  # would have become self-links or duplicates

    def summary(self) -> str:
        """One line for an operator."""
        return (
            f"title {self.local_id} -> {self.real_id}: {plural(self.ratings_moved, 'rating')} moved "
            f"({self.ratings_dropped} older dropped), {plural(self.reviews_moved, 'review')} moved "
            f"({self.reviews_replaced} replaced), {plural(self.edges_moved, 'link')} moved "
            f"({self.edges_dropped} dropped)"
        )


# Why a server's own title cannot be deleted while it has a review (a Conflict's text).
HAS_REVIEW = (
    "This title has an official review in this server: delete the review first (`/mod review delete`), "
    "or merge the title into the right one with `/title merge`."
)


@dataclass(frozen=True, slots=True)
class DeletedTitle:
    """What deleting a server's own title took with it."""

    title_id: int
    ratings: int
    links: int
    old_reviews: int  # deleted or replaced reviews of the title (a current one refuses the deletion)


# Where the processes sharing a database tell each other that titles changed (Database.notify), so that
# each keeps its in-memory catalog in step: a TitleChange's payload, or NEW_CATALOG once an import and
# its saved index are ready.
CATALOG_CHANNEL = "kansou_catalog"
NEW_CATALOG = "catalog"


@dataclass(frozen=True, slots=True)
class TitleChange:
    """A title was created, renamed or deleted (read it again), or, with `into`, merged into another title."""

    title_id: int
    into: int | None = None

    @property
    def payload(self) -> str:
        """`12`, or `12>7` for a merge."""
        return str(self.title_id) if self.into is None else f"{self.title_id}>{self.into}"

    @classmethod
    def parse(cls, payload: str) -> TitleChange | None:
        """The change a payload names, or None for any other text."""
        title, merged, into = payload.partition(">")
        if not title.isdigit() or (merged and not into.isdigit()):
            return None
        return cls(int(title), int(into) if merged else None)
