"""Community score rules, enforced before anything is stored; /rate and the review panel both call this."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence

from bot.errors import InvalidInput, NotFound, OnCooldown, PermissionDenied
from bot.plural import plural
from bot.scores.models import MemberProfile, RateResult, ScoreCard, TopPage, UserRating
from bot.scores.stats import MAX_SCORE, MIN_SCORE, Aggregate, format_mean
from bot.settings.models import GuildSettings
from bot.settings.service import SettingsService
from bot.storage.cooldowns import CooldownRepo
from bot.storage.ratings import RatingRepo
from bot.storage.settings import SettingsRepo

# Settings are read on every score; they change rarely and the settings commands announce each change
# (settings_changed), so a cached copy is used for a while. The expiry covers writers that do not announce.
SETTINGS_TTL = 30.0
PROFILE_TAGS = 5  # tags a member profile names


def _wall_time() -> float:
    # Seconds since the epoch: cooldown stamps are stored and compared by every process of the bot.
    return time.time()


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
        cooldowns: CooldownRepo | None = None,
    ) -> None:
        self.repo = repo
        self.settings = settings
        # Wall-clock seconds (UTC), shared by every process: the bot hands in Discord's clock.
        self._clock = clock or _wall_time
        self._on_change = on_change
        # Stored, not in memory: a member's next score may reach another process of a sharded bot.
        self.cooldowns = cooldowns if cooldowns is not None else CooldownRepo(repo.db)
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

    def settings_changed(self, guild_id: int | None) -> None:
        """Forget the cached settings of a server whose settings were just changed (None: of every server)."""
        if guild_id is None:
            self._settings_cache.clear()
        else:
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
        cooldown, now = settings.rating_cooldown, self._clock()
        if cooldown:
            # Check and stamp in one statement, so two quick clicks (or two processes) cannot both pass.
            wait = await self.cooldowns.take(guild_id, user_id, now, cooldown)
            if wait is not None:
                raise OnCooldown(wait)
        try:
            result = await self.repo.rate(guild_id, title_id, user_id, checked)
        except Exception:
            if cooldown:  # nothing was stored, so the member may try again at once
                await self.cooldowns.give_back(guild_id, user_id, now)
            raise
        self._changed(guild_id, [title_id])
        return result

    def _changed(self, guild_id: int, title_ids: Iterable[int]) -> None:
        if self._on_change is not None:
            for title_id in title_ids:
                self._on_change(guild_id, title_id)

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
        await self.cooldowns.forget(guild_id, user_id)
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
