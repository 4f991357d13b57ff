"""Counts in words: `1 vote`, `0 votes`, `2 earlier versions`. Pure; every reply and log line uses it."""

from __future__ import annotations

_VOWELS = frozenset("aeiou")


def noun(count: int, singular: str, plural: str | None = None) -> str:
    """The form of `singular` that goes with `count` (English: singular only for exactly one)."""
    if count == 1:
        return singular
    return plural if plural is not None else _regular_plural(singular)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """`count` with thousands separators and the matching noun: `1 vote`, `1,204 votes`, `0 titles`."""
    return f"{count:,} {noun(count, singular, plural_form)}"


def _regular_plural(word: str) -> str:
    # Only the last word of a phrase takes the plural: "earlier version" -> "earlier versions".
    head, _, last = word.rpartition(" ")
    if last.endswith(("s", "x", "z", "ch", "sh")):
        last += "es"
    elif last.endswith("y") and len(last) > 1 and last[-2] not in _VOWELS:
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{head} {last}" if head else last
