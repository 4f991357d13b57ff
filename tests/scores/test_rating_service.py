"""RatingService: the rules checked before a score is stored."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import InvalidInput, NotFound, OnCooldown, PermissionDenied
from bot.scores.service import RatingService, check_user_score, community_text
from bot.scores.stats import Aggregate
from bot.settings.models import MAX_COOLDOWN
from bot.storage.db import Database, open_database
from bot.storage.ratings import RatingRepo
from bot.storage.settings import SettingsRepo

GUILD = 5
MEMBER = 42
ROLE = 777


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def title(db: Database) -> int:
    await db.execute("INSERT INTO titles (id, name) VALUES (1, 'Metallic Rouge')")
    return 1


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(db: Database, clock: FakeClock) -> RatingService:
    return RatingService(RatingRepo(db), SettingsRepo(db), clock=clock)


@pytest.mark.parametrize("bad", [0, 11, -3, 7.5, "8", True, None])
async def test_bad_scores_are_refused_and_nothing_is_stored(service: RatingService, title: int, bad: object) -> None:
    """Outside 1..10 or not a whole number: InvalidInput, no rating row."""
    with pytest.raises(InvalidInput, match="whole number from 1 to 10"):
        await service.rate(GUILD, title, MEMBER, bad, role_ids=[])
    assert await service.repo.count() == 0


def test_check_user_score_accepts_every_whole_score() -> None:
    """1 through 10 pass unchanged."""
    assert [check_user_score(s) for s in range(1, 11)] == list(range(1, 11))


async def test_rating_role_is_required_when_set(service: RatingService, title: int) -> None:
    """Without the configured role: PermissionDenied naming it; with it: stored."""
    await service.settings.update(GUILD, rating_role_id=ROLE)
    with pytest.raises(PermissionDenied, match=f"<@&{ROLE}>"):
        await service.rate(GUILD, title, MEMBER, 8, role_ids=[1, 2])
    assert await service.repo.count() == 0
    result = await service.rate(GUILD, title, MEMBER, 8, role_ids=[1, ROLE])
    assert result.aggregate == Aggregate.of([8])


async def test_anyone_may_rate_when_no_role_is_set(service: RatingService, title: int) -> None:
    """The default has no rating role."""
    assert (await service.rate(GUILD, title, MEMBER, 3, role_ids=[])).previous is None


async def test_a_member_who_left_cannot_rate(service: RatingService, title: int) -> None:
    """role_ids None means the user is no longer a member: refused, nothing stored."""
    with pytest.raises(PermissionDenied, match="no longer a member"):
        await service.rate(GUILD, title, MEMBER, 8, role_ids=None)
    assert await service.repo.count() == 0


async def test_cooldown_refuses_a_second_score_too_soon(service: RatingService, title: int, clock: FakeClock) -> None:
    """With a 30 s cooldown, a re-score 10 s later waits 20 s and changes nothing; at 30 s it passes."""
    await service.settings.update(GUILD, rating_cooldown=30)
    await service.rate(GUILD, title, MEMBER, 4, role_ids=[])
    clock.now += 10
    with pytest.raises(OnCooldown) as caught:
        await service.rate(GUILD, title, MEMBER, 9, role_ids=[])
    assert caught.value.retry_after == pytest.approx(20)
    assert await service.repo.get_user_score(GUILD, title, MEMBER) == 4
    clock.now += 20
    assert (await service.rate(GUILD, title, MEMBER, 9, role_ids=[])).previous == 4


async def test_cooldown_is_per_member_and_per_server(service: RatingService, title: int) -> None:
    """Another member, or the same member in another server, is not slowed down."""
    await service.settings.update(GUILD, rating_cooldown=60)
    await service.rate(GUILD, title, MEMBER, 4, role_ids=[])
    await service.rate(GUILD, title, MEMBER + 1, 5, role_ids=[])
    await service.rate(GUILD + 1, title, MEMBER, 6, role_ids=[])
    assert await service.repo.count() == 3


async def test_a_failed_write_does_not_start_the_cooldown(service: RatingService, title: int) -> None:
    """Scoring an unknown title fails; the member may score again at once."""
    await service.settings.update(GUILD, rating_cooldown=60)
    with pytest.raises(NotFound):
        await service.rate(GUILD, 999, MEMBER, 4, role_ids=[])
    assert (await service.rate(GUILD, title, MEMBER, 4, role_ids=[])).aggregate.count == 1


async def test_expired_cooldown_stamps_are_pruned_and_live_ones_kept(
    service: RatingService, title: int, clock: FakeClock
) -> None:
    """Stamps older than the longest cooldown are deleted by a prune; a member whose day is not over stays blocked."""
    await service.settings.update(GUILD, rating_cooldown=MAX_COOLDOWN)
    for member in (1, 2, 3):
        await service.rate(GUILD, title, member, 5, role_ids=[])
    clock.now += MAX_COOLDOWN - 1
    await service.rate(GUILD, title, 4, 5, role_ids=[])
    with pytest.raises(OnCooldown):  # member 3's day is not over yet
        await service.rate(GUILD, title, 3, 6, role_ids=[])
    clock.now += 2
    assert await service.cooldowns.prune(clock.now) == 3  # members 1..3; member 4 is kept
    assert await service.cooldowns.count() == 1
    await service.rate(GUILD, title, 3, 6, role_ids=[])


async def test_the_cooldown_is_shared_by_services_on_one_database(db: Database, title: int, clock: FakeClock) -> None:
    """A second process (here: a second service on a second connection to the same file) sees the stamp."""
    other_db = await open_database(db.target)
    try:
        first = RatingService(RatingRepo(db), SettingsRepo(db), clock=clock)
        second = RatingService(RatingRepo(other_db), SettingsRepo(other_db), clock=clock)
        await first.settings.update(GUILD, rating_cooldown=60)
        await first.rate(GUILD, title, MEMBER, 4, role_ids=[])
        clock.now += 15
        with pytest.raises(OnCooldown) as caught:
            await second.rate(GUILD, title, MEMBER, 9, role_ids=[])
        assert caught.value.retry_after == pytest.approx(45)
        clock.now += 45
        assert (await second.rate(GUILD, title, MEMBER, 9, role_ids=[])).previous == 4
    finally:
        await other_db.close()


async def test_concurrent_scores_pass_the_cooldown_once(db: Database, title: int, clock: FakeClock) -> None:
    """Ten quick scores of one member at once, over two connections: exactly one is stored, nine wait."""
    other_db = await open_database(db.target)
    try:
        services = [
            RatingService(RatingRepo(database), SettingsRepo(database), clock=clock) for database in (db, other_db)
        ]
        await services[0].settings.update(GUILD, rating_cooldown=60)
        outcomes = await asyncio.gather(
            *(services[n % 2].rate(GUILD, title, MEMBER, 1 + n, role_ids=[]) for n in range(10)),
            return_exceptions=True,
        )
        assert sum(isinstance(outcome, OnCooldown) for outcome in outcomes) == 9
        assert await services[0].repo.count() == 1
    finally:
        await other_db.close()


async def test_a_clock_set_back_does_not_block_forever(service: RatingService, title: int, clock: FakeClock) -> None:
    """A stamp far ahead of the clock (a clock set back, or a database from elsewhere) does not block."""
    await service.settings.update(GUILD, rating_cooldown=60)
    await service.rate(GUILD, title, MEMBER, 4, role_ids=[])
    clock.now -= 3600
    assert (await service.rate(GUILD, title, MEMBER, 9, role_ids=[])).previous == 4


async def test_unrate_without_a_score_is_not_found(service: RatingService, title: int) -> None:
    """Nothing to remove is said plainly."""
    with pytest.raises(NotFound):
        await service.unrate(GUILD, title, MEMBER)


async def test_score_view_has_the_aggregate_and_own_score(service: RatingService, title: int) -> None:
    """/score's data: the title's figures, and the asker's score only when they gave one."""
    await service.rate(GUILD, title, MEMBER, 7, role_ids=[])
    await service.rate(GUILD, title, MEMBER + 1, 9, role_ids=[])
    view = await service.score_view(GUILD, title, MEMBER)
    assert (view.aggregate, view.own_score) == (Aggregate.of([7, 9]), 7)
    assert (await service.score_view(GUILD, title, 1234)).own_score is None


async def test_community_line_shows_mean_and_votes(service: RatingService, title: int) -> None:
    """The review post's Community field after scores change."""
    assert await service.community_line(GUILD, title) == "No community scores yet"
    await service.rate(GUILD, title, MEMBER, 7, role_ids=[])
    assert await service.community_line(GUILD, title) == "7.00 / 10 from 1 vote"
    await service.rate(GUILD, title, MEMBER + 1, 8, role_ids=[])
    await service.rate(GUILD, title, MEMBER + 2, 8, role_ids=[])
    assert await service.community_line(GUILD, title) == "7.67 / 10 from 3 votes"
    assert community_text(Aggregate()) == "No community scores yet"


async def test_moderator_removal_of_a_missing_score_is_not_found(service: RatingService, title: int) -> None:
    """Removing works once; a second time says there is nothing to remove."""
    await service.rate(GUILD, title, MEMBER, 2, role_ids=[])
    await service.remove_by_moderator(GUILD, title, MEMBER, moderator_id=1)
    with pytest.raises(NotFound):
        await service.remove_by_moderator(GUILD, title, MEMBER, moderator_id=1)


async def test_forget_removes_every_score_in_this_server_only(service: RatingService, db: Database) -> None:
    """/privacy forget: the count removed, other servers untouched."""
    await db.execute("INSERT INTO titles (id, name) VALUES (1, 'A'), (2, 'B')")
    await service.rate(GUILD, 1, MEMBER, 2, role_ids=[])
    await service.rate(GUILD, 2, MEMBER, 3, role_ids=[])
    await service.rate(GUILD + 1, 1, MEMBER, 4, role_ids=[])
    assert await service.forget(GUILD, MEMBER) == 2
    assert await service.repo.get_user_score(GUILD + 1, 1, MEMBER) == 4


async def test_settings_changes_apply_once_announced(service: RatingService, title: int) -> None:
    """Cached settings are dropped by settings_changed, so a new rating role applies at once."""
    await service.rate(GUILD, title, MEMBER, 5, role_ids=[])
    await service.settings.update(GUILD, rating_role_id=ROLE)
    service.settings_changed(GUILD)
    with pytest.raises(PermissionDenied):
        await service.rate(GUILD, title, MEMBER, 6, role_ids=[])


async def test_unannounced_settings_changes_apply_after_the_cache_expires(
    service: RatingService, title: int, clock: FakeClock
) -> None:
    """A change made elsewhere (another process) is seen within SETTINGS_TTL seconds."""
    from bot.scores.service import SETTINGS_TTL

    await service.rate(GUILD, title, MEMBER, 5, role_ids=[])
    await service.settings.update(GUILD, rating_role_id=ROLE)
    await service.rate(GUILD, title, MEMBER, 6, role_ids=[])  # still the cached settings
    clock.now += SETTINGS_TTL
    with pytest.raises(PermissionDenied):
        await service.rate(GUILD, title, MEMBER, 7, role_ids=[])
