"""What /similar and /compare do, apart from Discord: read the graph and the scores, then rank or compare."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.catalog.links import display_name, shorten
from bot.catalog.models import Title
from bot.comparisons.cache import NeighbourCache
from bot.comparisons.compare import TitleComparison, compare_titles, side
from bot.comparisons.graph import ComparisonEdge
from bot.comparisons.ranking import Related, rank_related
from bot.comparisons.similarity import MIN_OVERLAP, Neighbour, neighbours_from_sums
from bot.errors import InvalidInput, NotFound
from bot.reviews.models import OfficialScore, Review
from bot.storage.comparisons import ComparisonRepo
from bot.storage.ratings import RatingRepo

# Below this many ratings read, computing is cheaper than being stale: only bigger results are cached.
CACHE_MIN_RATINGS = 10_000
# Names inside reason lines ("compared in the official review of …") stay short enough to read.
REASON_NAME_CHARS = 60


class TitleLookup(Protocol):
    """Where titles come from: the in-memory catalog index, or a dict in tests."""

    def get(self, title_id: int, /) -> Title | None: ...


class ReviewReads(Protocol):
    """The official reviews comparisons need, read through the reviews repository."""

    async def current(self, guild_id: int, title_id: int, /) -> Review | None: ...

    async def posts(self, guild_id: int, review_ids: Iterable[int], /) -> dict[int, Review]: ...

    async def current_ids(self, guild_id: int, review_ids: Iterable[int], /) -> set[int]: ...


@dataclass(frozen=True, slots=True)
class SimilarResult:
    """/similar's answer: the target, its related titles best first, and which of them the asker scored."""

    target: Title
    related: list[Related]
    titles: dict[int, Title]
    scored: set[int]


class ComparisonService:
    """Reads comparisons and scores for one server and turns them into /similar and /compare answers."""

    def __init__(
        self,
        repo: ComparisonRepo,
        ratings: RatingRepo,
        titles: TitleLookup,
        *,
        reviews: ReviewReads,
        cache: NeighbourCache | None = None,
    ) -> None:
        self.repo = repo
        self.ratings = ratings
        self.titles = titles
        self.reviews = reviews
        self.cache = cache if cache is not None else NeighbourCache()

    def title(self, title_id: int) -> Title:
        """The title, or NotFound with a sentence a user understands."""
        found = self.titles.get(title_id)
        if found is None:
            raise NotFound("I do not know that title; pick one from the suggestions.")
        return found

    async def similar(self, guild_id: int, title_id: int, user_id: int) -> SimilarResult:
        """Up to ten titles related to this one in this server, with reasons; NotFound when none is."""
        target = self.title(title_id)
        edges = await self.live_edges(guild_id, title_id)
        found = await self.neighbours(guild_id, title_id)
        linked = {edge.other_end(title_id) for edge in edges}
        # Tag matches come from the titles this server knows (scored, or linked by a review), not from
        # the whole catalog: a stranger sharing two tags says little about taste here.
        pool = linked | {n.title_id for n in found}
        if target.tags:
            pool |= await self.ratings.rated_title_ids(guild_id)
        known = self._known(pool | {title_id})
        tags = _sharing_tags(target, known.values()) if target.tags else {}
        related = rank_related(
            title_id,
            names={tid: shorten(t.name, REASON_NAME_CHARS) for tid, t in known.items()},
            edges=edges,
            neighbours=(n for n in found if n.title_id in known),
            tags=tags,
        )
        if not related:
            raise NotFound(
                f"Nothing related to {target.name} yet: no review compares it, not enough members "
                "scored it together with other titles, and no title here shares its tags."
            )
        scored = await self.ratings.scored_by(guild_id, user_id, [r.title_id for r in related])
        return SimilarResult(target, related, known, scored)

    async def live_edges(self, guild_id: int, title_id: int) -> list[ComparisonEdge]:
        """The title's links from this server's current reviews (a replaced review's links no longer count)."""
        edges = await self.repo.edges_of(guild_id, title_id)
        current = await self.reviews.current_ids(guild_id, {edge.review_id for edge in edges})
        return [edge for edge in edges if edge.review_id in current]

    async def neighbours(self, guild_id: int, title_id: int) -> list[Neighbour]:
        """The title's member-score neighbours, from the cache while the target's votes are unchanged."""
        stamp = await self.ratings.aggregate(guild_id, title_id)
        found = self.cache.get(guild_id, title_id, stamp)
        if found is None:
            from bot.comparisons.corating import co_rating_sums  # numpy: loaded by the first /similar, not at start

            ratings = await self.ratings.member_ratings(guild_id, title_id)
            found = neighbours_from_sums(co_rating_sums(title_id, ratings, min_overlap=MIN_OVERLAP))
            if len(ratings) >= CACHE_MIN_RATINGS:
                self.cache.put(guild_id, title_id, stamp, found)
        return found

    async def compare(self, guild_id: int, first_id: int, second_id: int, *, m: int) -> TitleComparison:
        """/compare's data for two titles in this server (`m`: the weighted rating's minimum votes)."""
        if first_id == second_id:
            raise InvalidInput(f"Pick two different titles: both are {self.title(first_id).name}.")
        first, second = self.title(first_id), self.title(second_id)
        server_mean = await self.ratings.server_mean(guild_id)
        sides = []
        for title in (first, second):
            review = await self.reviews.current(guild_id, title.id)
            official = official_score_text(review) if review else None
            aggregate = await self.ratings.aggregate(guild_id, title.id)
            sides.append(side(title, official_score=official, aggregate=aggregate, server_mean=server_mean, m=m))
        return compare_titles(
            sides[0],
            sides[1],
            pairs=await self.ratings.paired_scores(guild_id, first_id, second_id),
            edges=await self.live_edges(guild_id, first_id),
        )

    async def review_links(self, guild_id: int, review_ids: Iterable[int]) -> dict[int, str]:
        """Links to the posts of those reviews that have one (for quoted sentences)."""
        posts = await self.reviews.posts(guild_id, review_ids)
        return {
            review_id: message_url(guild_id, post.channel_id, post.message_id)
            for review_id, post in posts.items()
            if post.channel_id and post.message_id
        }

    async def compared_to(self, guild_id: int, review_id: int) -> list[ComparisonEdge]:
        """A review's live links ("Compared to:" and studio credits), for its post and /review show."""
        return await self.repo.edges_of_review(guild_id, review_id)

    async def link(self, guild_id: int, title: Title, other: Title, moderator_id: int) -> bool:
        """A moderator's `/mod review compare`: the current review of `title` compares it with `other` from now
        on; False if it already did. NotFound without a current review, InvalidInput for the title itself."""
        review = await self._review_to_edit(guild_id, title, other)
        return await self.repo.add_comparison(guild_id, review.id, title.id, other.id, moderator_id)

    async def unlink(self, guild_id: int, title: Title, other: Title, moderator_id: int) -> None:
        """A moderator's `/mod review uncompare`; NotFound if the review did not compare the two."""
        review = await self._review_to_edit(guild_id, title, other)
        if not await self.repo.remove_comparison(guild_id, review.id, other.id, moderator_id):
            raise NotFound(f"The official review of {bold(title)} does not compare it with {bold(other)}.")

    async def _review_to_edit(self, guild_id: int, title: Title, other: Title) -> Review:
        if title.id == other.id:
            raise InvalidInput("A review cannot be compared with its own title; pick another title.")
        review = await self.reviews.current(guild_id, title.id)
        if review is None:
            raise NotFound(f"{bold(title)} has no official review in this server, so there is nothing to link.")
        return review

    def _known(self, title_ids: Iterable[int]) -> dict[int, Title]:
        found = {}
        for title_id in title_ids:
            title = self.titles.get(title_id)
            if title is not None:
                found[title_id] = title
        return found


def official_score_text(review: Review) -> str | None:
    """The official score as the review wrote it ("4/5", "B+"), else out of 10, else None."""
    return OfficialScore(review.score, review.score_raw, review.jump_url).text


def bold(title: Title) -> str:
    """A title's name in bold, escaped and shortened, for a sentence."""
    return f"**{display_name(title)}**"


def message_url(guild_id: int, channel_id: int, message_id: int) -> str:
    """The jump link of a message in a server."""
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _sharing_tags(target: Title, titles: Iterable[Title]) -> dict[int, tuple[str, ...]]:
    """Tags of the target and of the titles sharing at least one of them (the rest score 0 anyway)."""
    wanted = {tag.casefold() for tag in target.tags}
    tags = {target.id: target.tags}
    for title in titles:
        if title.tags and any(tag.casefold() in wanted for tag in title.tags):
            tags[title.id] = title.tags
    return tags
