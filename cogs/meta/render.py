"""Rendering for /about and /help."""

from __future__ import annotations

from collections.abc import Mapping

from bot.plural import plural


def storage_text(counts: Mapping[str, int]) -> str:
    """/about's Storage field: what kansou keeps, counted."""
    return (
        f"{plural(counts['ratings'], 'rating')} · {plural(counts['reviews'], 'review')} · "
        f"{plural(counts['titles'], 'title')} known"
    )
