"""Records of the reviews feature: a stored review, its revisions, what Publish stores, the official score."""

from __future__ import annotations

from dataclasses import dataclass

from bot.catalog.models import Title


@dataclass(frozen=True, slots=True)
class Review:
    """One stored review; `status` is 'current', 'replaced' or 'deleted'."""

    id: int
    guild_id: int
    title_id: int
    author_id: int
    status: str
    score: float | None
    score_raw: str | None
    text: str
    analysis: str  # JSON of what kansou understood (the post's content)
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    created_at: str
    updated_at: str
    corrections: str = "{}"  # JSON of the moderator's corrections (bot/reviews/corrections.py)

    @property
    def jump_url(self) -> str | None:
        """The post's link, when it was posted."""
        if self.channel_id is None or self.message_id is None:
            return None
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"


@dataclass(frozen=True, slots=True)
class NewReview:
    """What Publish stores: the review and where its post and thread are."""

    guild_id: int
    title_id: int
    author_id: int
    text: str
    score: float | None
    score_raw: str | None
    analysis: str
    channel_id: int
    message_id: int
    thread_id: int | None
    corrections: str = "{}"


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier text of a review (before an edit or a replacement)."""

    id: int
    review_id: int
    text: str
    score: float | None
    editor_id: int
    created_at: str
    corrections: str = "{}"  # the corrections that text had


@dataclass(frozen=True, slots=True)
class Published:
    """A stored review and the one it replaced, if any."""

    review: Review
    replaced: Review | None


@dataclass(frozen=True, slots=True)
class OfficialScore:
    """This server's current review of a title, as /score, /anime and /compare show it."""

    score: float | None
    score_raw: str | None
    jump_url: str | None

    @property
    def text(self) -> str | None:
        """The score as the review wrote it ("4/5", "B+"), else out of 10, else None."""
        if self.score_raw:
            return self.score_raw
        return None if self.score is None else f"{self.score:g}/10"


@dataclass(frozen=True, slots=True)
class Linked:
    """Titles a review post links to: comparisons and, kept apart, studio credits."""

    compared: tuple[Title, ...] = ()
    credits: tuple[Title, ...] = ()


@dataclass(frozen=True, slots=True)
class ReviewListEntry:
    """A line of /review list: the review and its title's community votes in the server."""

    review: Review
    votes: int
    votes_total: int


@dataclass(frozen=True, slots=True)
class ReviewListPage:
    """One page of /review list and how many current reviews the server has in all."""

    entries: list[ReviewListEntry]
    total: int
