"""Community score rules, enforced before anything is stored; /rate and the review panel both call this."""

from __future__ import annotations

import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence

from bot.errors import InvalidInput, NotFound, OnCooldown, PermissionDenied
from bot.plural import plural
from bot.scores.models import MemberProfile, RateResult, ScoreCard, TopPage, UserRating
from bot.scores.stats import MAX_SCORE, MIN_SCORE, Aggregate, format_mean
from bot.settings.models import GuildSettings
from bot.settings.service import SettingsService
from bot.storage.ratings import RatingRepo
from bot.storage.settings import SettingsRepo

# Cooldown stamps older than the longest allowed cooldown (guild_settings CHECK) can never block anyone.
MAX_COOLDOWN = 86_400
# Settings are read on every score; they change rarely and the settings commands announce each change
# (settings_changed), so a cached copy is used for a while. The expiry covers writers that do not announce.
SETTINGS_TTL = 30.0
PROFILE_TAGS = 5  # tags a member profile names


def _monotonic() -> float:
    # Looked up on each call, not bound once, so a test harness that patches time.monotonic is honoured.
    return time.monotonic()


def check_user_score(score: object) -> int:
    """The score if it is a whole number 1..10, else InvalidInput (the client-side range is only a hint)."""
    if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        raise InvalidInput(f"A score is a whole number from {MIN_SCORE} to {MAX_SCORE}.")
    return score


def community_text(aggregate: Aggregate) -> str:
    """One line for a review post's Community field, e.g. `7.67 / 10 from 12 votes`."""
    if not aggregate.count:
        return "No community scores yet"
    return f"{format_mean(aggregate.mean)} / 10 from {plural(aggregate.count, 'vote')}"


def community_brief(aggregate: Aggregate) -> str:
    """A short form for one line of a list, e.g. `community 7.67 (12 votes)`."""
    if not aggregate.count:
        return "no community scores yet"
    return f"community {format_mean(aggregate.mean)} ({plural(aggregate.count, 'vote')})"


# Called after every change of a member's score, with (guild_id, title_id): the bot announces it.
OnScoreChange = Callable[[int, int], None]


class RatingService:
    """Scores a member may give, checked (score, membership, rating role, cooldown) and then stored."""

    def __init__(
        self,
        repo: RatingRepo,
        settings: SettingsService | SettingsRepo,  # the bot's service; tests may hand the repository
        *,
        clock: Callable[[], float] | None = None,
        on_change: OnScoreChange | None = None,
    ) -> None:
        self.repo = repo
        self.settings = settings
        self._clock = clock or _monotonic
        self._on_change = on_change
        # Oldest stamp first: stamps are taken in clock order, so expired ones are always at the front.
        self._last_rated: OrderedDict[tuple[int, int], float] = OrderedDict()
        self._settings_cache: dict[int, tuple[float, GuildSettings]] = {}

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The server's settings, from a short-lived cache."""
        now = self._clock()
        cached = self._settings_cache.get(guild_id)
        if cached is not None and now - cached[0] < SETTINGS_TTL:
            return cached[1]
        settings = await self.settings.get(guild_id)
        self._settings_cache[guild_id] = (now, settings)
        return settings

    def settings_changed(self, guild_id: int) -> None:
        """Forget the cached settings of a server whose settings were just changed."""
        self._settings_cache.pop(guild_id, None)

    async def check_may_rate(self, guild_id: int, user_id: int, role_ids: Collection[int] | None) -> GuildSettings:
        """PermissionDenied unless the member may score here (role_ids None: no longer a member)."""
        if role_ids is None:
            raise PermissionDenied("You are no longer a member of this server, so you cannot score titles here.")
        settings = await self.guild_settings(guild_id)
        if settings.rating_role_id is not None and settings.rating_role_id not in role_ids:
            raise PermissionDenied(
                f"Only members with the <@&{settings.rating_role_id}> role can score titles in this server."
            )
        return settings

    async def rate(
        self, guild_id: int, title_id: int, user_id: int, score: object, role_ids: Collection[int] | None
    ) -> RateResult:
        """Record or replace the member's score; returns only once it is committed."""
        checked = check_user_score(score)
        settings = await self.check_may_rate(guild_id, user_id, role_ids)
        key = (guild_id, user_id)
        # Check and stamp with no await in between, so two quick clicks cannot both pass the cooldown.
        earlier = self._take_cooldown(key, settings.rating_cooldown)
        try:
            result = await self.repo.rate(guild_id, title_id, user_id, checked)
        except BaseException:
            # Nothing was stored, so the member may try again at once.
            self._restore_cooldown(key, earlier)
            raise
        self._changed(guild_id, [title_id])
        return result

    def _changed(self, guild_id: int, title_ids: Iterable[int]) -> None:
        if self._on_change is not None:
            for title_id in title_ids:
                self._on_change(guild_id, title_id)

    def _take_cooldown(self, key: tuple[int, int], cooldown: int) -> float | None:
        now = self._clock()
        earlier = self._last_rated.get(key)
        if cooldown and earlier is not None and now - earlier < cooldown:
            raise OnCooldown(cooldown - (now - earlier))
        self._prune_cooldowns(now)
        self._last_rated[key] = now
        self._last_rated.move_to_end(key)
        return earlier

    def _prune_cooldowns(self, now: float) -> None:
        """Drop expired stamps from the front: O(1) amortised, as each stamp is dropped at most once."""
        stamps = self._last_rated
        while stamps:
            oldest = next(iter(stamps.values()))
            if now - oldest < MAX_COOLDOWN:
                return
            stamps.popitem(last=False)

    @property
    def cooldown_entries(self) -> int:
        """How many members' last-score stamps are kept (for tests and benchmarks)."""
        return len(self._last_rated)

    def _restore_cooldown(self, key: tuple[int, int], earlier: float | None) -> None:
        if earlier is None:
            self._last_rated.pop(key, None)
        else:
            self._last_rated[key] = earlier

    async def unrate(self, guild_id: int, title_id: int, user_id: int) -> RateResult:
        """Remove the member's own score; NotFound if they had none."""
        result = await self.repo.unrate(guild_id, title_id, user_id)
        if result.previous is None:
            raise NotFound("You have not scored that title in this server.")
        self._changed(guild_id, [title_id])
        return result

    async def score_view(self, guild_id: int, title_id: int, user_id: int) -> ScoreCard:
        """The title's aggregate, the member's own score and the official review's, for /score (one query)."""
        return await self.repo.score_card(guild_id, title_id, user_id)

    async def community_line(self, guild_id: int, title_id: int) -> str:
        """The review post's Community field text for this title in this server."""
        return community_text(await self.repo.aggregate(guild_id, title_id))

    async def forget(self, guild_id: int, user_id: int) -> int:
        """Delete every score of the member in this server (after they confirmed); returns how many."""
        titles = [row.title_id for row in await self.repo.export_rows(guild_id, user_id)]
        removed = await self.repo.forget_user(guild_id, user_id)
        self._last_rated.pop((guild_id, user_id), None)
        self._changed(guild_id, titles)
        return removed

    async def remove_by_moderator(self, guild_id: int, title_id: int, user_id: int, moderator_id: int) -> None:
        """Remove one member's score on a moderator's behalf (audited); NotFound if there was none."""
        if not await self.repo.remove_by_moderator(guild_id, title_id, user_id, moderator_id):
            raise NotFound("That member has no score for that title in this server.")
        self._changed(guild_id, [title_id])

    # -- reads ---------------------------------------------------------------------------------------

    async def aggregate(self, guild_id: int, title_id: int) -> Aggregate:
        """The title's community figures in this server."""
        return await self.repo.aggregate(guild_id, title_id)

    async def top(self, guild_id: int, *, m: int, min_votes: int, limit: int) -> TopPage:
        """The server's leaderboard by weighted rating (m: the weight of the server mean)."""
        return await self.repo.top(guild_id, m=m, min_votes=min_votes, limit=limit)

    async def profile(
        self, guild_id: int, user_id: int, tags_of: Callable[[int], Sequence[str]], *, max_tags: int = PROFILE_TAGS
    ) -> MemberProfile:
        """A member's scores in sum: count, mean, the server's mean, and the tags their titles have most."""
        scores = await self.repo.member_scores(guild_id, user_id)
        mean = sum(scores.values()) / len(scores) if scores else None
        tags = Counter(tag for title_id in scores for tag in dict.fromkeys(tags_of(title_id)))
        top = tuple(sorted(tags.items(), key=lambda item: (-item[1], item[0]))[:max_tags])
        return MemberProfile(len(scores), mean, await self.repo.server_mean(guild_id), top)

    async def scores_for(self, guild_id: int, user_id: int, title_ids: Iterable[int]) -> dict[int, int]:
        """The member's own scores among these titles."""
        return await self.repo.scores_for(guild_id, user_id, title_ids)

    async def ratings_page(self, guild_id: int, user_id: int, *, limit: int, offset: int) -> list[UserRating]:
        """One page of a member's scores, highest first."""
        return await self.repo.user_ratings(guild_id, user_id, limit=limit, offset=offset)

    async def user_rating_count(self, guild_id: int, user_id: int) -> int:
        return await self.repo.user_rating_count(guild_id, user_id)

    async def export_rows(self, guild_id: int, user_id: int) -> list[UserRating]:
        """Every score of the member in this server, for their CSV export."""
        return await self.repo.export_rows(guild_id, user_id)
