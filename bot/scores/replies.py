"""The confirmations a member gets after scoring: the same words from /rate, /unrate and a review's panel."""

from __future__ import annotations

from bot.catalog.links import title_link
from bot.catalog.models import Title
from bot.scores.models import RateResult
from bot.scores.service import community_text


def rated_text(title: Title, score: int, result: RateResult) -> str:
    """The ephemeral confirmation of /rate (and the review panel)."""
    if result.previous is None:
        what = f"Saved your **{score}/10** for {title_link(title)}."
    elif result.previous == score:
        what = f"Your score for {title_link(title)} was already **{score}/10**."
    else:
        what = f"Changed your score for {title_link(title)} from {result.previous} to **{score}/10**."
    return f"{what}\nCommunity: {community_text(result.aggregate)}."


def unrated_text(title: Title, result: RateResult) -> str:
    return (
        f"Removed your score ({result.previous}/10) for {title_link(title)}.\n"
        f"Community: {community_text(result.aggregate)}."
    )
