"""Understanding a review end to end: score, metadata, summary, comparison titles and suggestions."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from bot.catalog.models import Mention
from bot.errors import InvalidInput
from bot.plural import plural
from bot.reviews.comparisons import (
    ComparisonRef,
    MentionFinder,
    classify_mention,
    find_comparisons,
    suggest_unknown_titles,
)
from bot.reviews.metadata import Metadata, extract_metadata
from bot.reviews.score import Score, find_score
from bot.reviews.summary import Summary, summarize
from bot.text import sanitize, spoiler_spans

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_WORD_RE = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_MENTION_RE = re.compile(r"<(?:@[!&]?|#)\d+>|@everyone|@here")
LONG_REVIEW_CHARS = 12_000


@dataclass(frozen=True, slots=True)
class ReviewAnalysis:
    """Everything kansou understood of a review; spans in ``score`` refer to ``text``."""

    score: Score | None
    metadata: Metadata
    summary: Summary
    comparisons: tuple[ComparisonRef, ...]
    suggestions: tuple[str, ...]
    word_count: int
    warnings: tuple[str, ...] = ()
    text: str = field(default="", repr=False)  # the sanitized review the analysis was made from


def _best_effort(step: str, warnings: list[str], default: _T, run: Callable[[], _T]) -> _T:
    """Run one step; a bug in it costs that part of the analysis, never the whole of it."""
    try:
        return run()
    except Exception:  # any failure here is a bug; the rest of the analysis is still worth showing
        log.exception("review analysis step %r failed", step)
        warnings.append(f"Part of the review could not be understood ({step}); please check the preview.")
        return default


def validate_review_text(text: str) -> str:
    """The review text, sanitized; InvalidInput when there is nothing to understand in it."""
    if not text or not text.strip():
        raise InvalidInput("The review is empty: paste or upload the review text.")
    clean = sanitize(text)
    if not any(char.isalpha() for char in _MENTION_RE.sub("", text)):
        raise InvalidInput("That text has no words in it: paste the review itself, not only numbers or emoji.")
    return clean


_SCORE_LABEL_RE = re.compile(
    r"\b(?:final|overall|my|score|rating|grade|verdict|i'?d?|give|rate|it|a|out|of|stars?)\b", re.IGNORECASE
)


def _has_words_besides(text: str, score: Score) -> bool:
    """Whether the text says anything besides its score and the label in front of it."""
    rest = _SCORE_LABEL_RE.sub("", text[: score.start] + " " + text[score.end :])
    return any(char.isalpha() for char in _MENTION_RE.sub("", rest))


def understand_review(text: str, *, finder: MentionFinder, reviewed_title_id: int | None) -> ReviewAnalysis:
    """Everything kansou can understand of a review; raises InvalidInput only for empty or wordless text."""
    clean = validate_review_text(text)
    warnings: list[str] = []
    score = _best_effort("score", warnings, None, lambda: find_score(clean))
    skip = ((score.start, score.end),) if score else ()
    if score and not _has_words_besides(clean, score):
        raise InvalidInput("That is only a score: paste the review itself too (the score line can stay).")
    mentions: list[Mention] = _best_effort("title mentions", warnings, [], lambda: finder.find_mentions(clean))
    titles = _Titles(clean, mentions, reviewed_title_id)
    metadata = _best_effort(
        "metadata",
        warnings,
        Metadata(),
        lambda: extract_metadata(
            clean,
            title_names=titles.names,
            other_title_spans=titles.other_spans,
            known_studios=titles.reviewed_studios,
        ),
    )
    empty = Summary((), (), (), (), None)
    summary = _best_effort(
        "summary",
        warnings,
        empty,
        lambda: summarize(
            clean,
            skip_spans=skip,
            title_names=titles.names,
            other_title_spans=titles.other_spans,
            other_title_names=titles.other_names,
            compared_title_names=titles.compared_names,
        ),
    )
    comparisons: list[ComparisonRef] = _best_effort(
        "comparison titles",
        warnings,
        [],
        lambda: find_comparisons(clean, reviewed_title_id, _Known(mentions), titles.names),
    )
    suggestions: list[str] = _best_effort(
        "title suggestions", warnings, [], lambda: suggest_unknown_titles(clean, mentions)
    )
    if score is None:
        warnings.append("No score found: add a line such as `Score: 7/10` if the review has one.")
    if not summary.verdict:
        warnings.append("No sentence says whether the show is worth watching.")
    spoilers = spoiler_spans(clean)
    hidden = sum(1 for m in mentions if any(s <= m.start < e for s, e in spoilers))
    if hidden:
        warnings.append(
            f"{plural(hidden, 'title name')} inside spoiler bars {'was' if hidden == 1 else 'were'} left out "
            "of the comparison titles."
        )
    if len(clean) > LONG_REVIEW_CHARS:
        warnings.append(f"The review is long ({len(clean):,} characters); the summary may miss parts of it.")
    if clean.count("||") % 2:
        warnings.append("A spoiler bar `||` is never closed; check the spoilers before publishing.")
    return ReviewAnalysis(
        score=score,
        metadata=metadata,
        summary=summary,
        comparisons=tuple(comparisons),
        suggestions=tuple(suggestions),
        word_count=len(_WORD_RE.findall(clean)),
        warnings=tuple(warnings),
        text=clean,
    )


class _Titles:
    """The titles a review names, told apart: the reviewed one and the others."""

    def __init__(self, text: str, mentions: list[Mention], reviewed_title_id: int | None) -> None:
        names: dict[str, None] = {}
        for mention in mentions:
            for name in (mention.matched, mention.title.name, *mention.title.aliases):
                names.setdefault(name, None)
        self.names = tuple(names)
        others = [m for m in mentions if m.title.id != reviewed_title_id]
        self.other_spans = tuple((m.start, m.end) for m in others)
        self.other_names = tuple(dict.fromkeys(m.matched for m in others))
        # A sentence crediting the makers ("the studio behind X") is still about this show's aspects.
        compared: dict[str, None] = {}
        for mention in others:
            if mention.matched not in compared and classify_mention(text, mention.start, mention.end) == "comparison":
                compared[mention.matched] = None
        self.compared_names = tuple(compared)
        reviewed = next((m.title for m in mentions if m.title.id == reviewed_title_id), None)
        self.reviewed_studios = reviewed.studios if reviewed else ()


class _Known:
    """A finder that hands back mentions already found, so the catalog is searched once per review."""

    def __init__(self, mentions: list[Mention]) -> None:
        self._mentions = mentions

    def find_mentions(self, text: str) -> list[Mention]:
        return self._mentions
