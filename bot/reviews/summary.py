"""An extractive, deterministic summary of a review: TL;DR, aspect lines, pros and cons, verdict.

Every string is one of the review's own sentences or clauses, stripped of layout markdown and cut
with ``clip`` (word boundary, balanced spoiler bars). Sentences holding a spoiler are never used,
so spoiler text cannot leak out of its bars.

TL;DR sentences are ranked by position (opening and closing lines weigh more), keyword centrality
(how many of the review's frequent content words they hold), aspect coverage, sentiment strength
and verdict wording, then shown in review order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from bot.reviews.aspects import Aspect, AspectLine, ClauseReading, aspect_lines, heading_aspect, read_clauses
from bot.text import SPOILER_BAR, Sentence, clip, plain, split_sentences, strip_spoilers

TLDR_MAX_SENTENCES = 3
TLDR_MAX_CHARS = 350
ASPECT_SENTENCE_MAX = 220
PRO_CON_MAX = 140
MAX_PROS = 4
MAX_CONS = 4
VERDICT_MAX = 300
_MIN_PRO_CON = 12
# A very long review is summarised from its opening and its closing, where intro and verdict live.
WINDOW_HEAD_CHARS = 40_000
WINDOW_TAIL_CHARS = 10_000
_HAS_WORD_RE = re.compile(r"[^\W\d_]{3}|[^\W\d_].*[^\W\d_].*[^\W\d_]")

_VERDICT_RE = re.compile(
    r"\bworth\s+(?:watching|a\s+watch|your\s+time|it|the\s+time|checking\s+out|seeing)|\brecommend"
    r"|\bshould\s+(?:you\s+)?(?:watch|skip|give)|\bgive\s+it\s+a\s+(?:shot|try|chance|go)|\bskip\s+(?:it|this)"
    r"|\bmust[\s-]watch|\bdon'?t\s+bother|\bpass\s+on\s+(?:it|this)|\bdon'?t\s+miss|\bwatch\s+it\b"
    r"|\bcheck\s+(?:it|this)\s+out|\bis\s+it\s+worth",
    re.IGNORECASE,
)
# "Studio: Bones", "Episodes: 12": a label and a value, without the closing stop of a sentence.
_FACT_LINE_RE = re.compile(r"^\W*[A-Za-z][\w /&'-]{0,24}:\s*\S.{0,60}(?<![.!?])$")
_LEADING_JOINER_RE = re.compile(r"^(?:and|so|also|plus|then|still|and yet|even so)\b[\s,]*|^[\s,;:–—-]+", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z][a-z'-]{3,}")
_STOPWORDS = frozenset(
    {
        "this",
        "that",
        "with",
        "have",
        "from",
        "they",
        "their",
        "there",
        "what",
        "when",
        "which",
        "were",
        "been",
        "into",
        "more",
        "than",
        "just",
        "like",
        "also",
        "very",
        "some",
        "about",
        "would",
        "could",
        "should",
        "only",
        "even",
        "much",
        "most",
        "really",
        "because",
        "while",
        "where",
        "them",
        "then",
        "these",
        "those",
        "show",
        "anime",
        "series",
        "episode",
        "episodes",
        "review",
        "feels",
        "felt",
        "made",
        "make",
        "makes",
        "being",
        "does",
        "doesn't",
        "isn't",
        "it's",
        "your",
        "you're",
        "here",
        "other",
        "after",
        "before",
        "over",
        "still",
        "through",
        "every",
        "each",
        "itself",
    }
)
_SENTENCE_END = (".", "!", "?", "…", '"', "”", ")")


@dataclass(frozen=True, slots=True)
class Summary:
    """What a member reads instead of the whole review."""

    tldr: tuple[str, ...]
    aspects: tuple[AspectLine, ...]
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    verdict: str | None


@dataclass(frozen=True, slots=True)
class _Body:
    sentence: Sentence
    text: str  # plain prose, no layout markdown
    section: Aspect | None
    in_verdict_section: bool
    readings: tuple[ClauseReading, ...]


def _read_body(
    text: str, skip_spans: tuple[tuple[int, int], ...], ignore: frozenset[str]
) -> tuple[list[_Body], set[Aspect]]:
    """Content sentences with their section and clause readings; headings, fact and score lines set aside."""
    bodies: list[_Body] = []
    headed: set[Aspect] = set()
    section: Aspect | None = None
    verdict_section = False
    for sentence in split_sentences(text):
        is_heading, aspect = heading_aspect(sentence.text)
        if is_heading:
            section = aspect
            verdict_section = aspect is None and bool(
                re.search(r"overall|verdict|conclusion|final", sentence.text, re.I)
            )
            if aspect:
                headed.add(aspect)
            continue
        skipped = any(s < sentence.end and sentence.start < e for s, e in skip_spans)
        if SPOILER_BAR in sentence.text or skipped:
            continue
        prose = plain(sentence.text)
        if not _HAS_WORD_RE.search(prose) or (len(prose) < 90 and _FACT_LINE_RE.match(prose)):
            continue
        if _is_title_line(text, sentence, prose):
            continue
        readings = tuple(read_clauses(Sentence(prose, sentence.start, sentence.end), section, ignore))
        bodies.append(_Body(sentence, prose, section, verdict_section, readings))
    return bodies, headed


def _is_title_line(text: str, sentence: Sentence, prose: str) -> bool:
    """A short line of its own without closing punctuation ("Chainsaw Man (season 1)") is a title."""
    whole_line = (sentence.start == 0 or text[sentence.start - 1] == "\n") and (
        sentence.end == len(text) or text[sentence.end] == "\n"
    )
    return whole_line and len(prose) < 80 and not prose.endswith((".", "!", "?", "…", '"', "”"))


def _is_question(text: str) -> bool:
    return text.rstrip("\"”)' ").endswith("?")


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD_RE.findall(text.lower()) if w not in _STOPWORDS}


def _tldr(bodies: list[_Body]) -> tuple[str, ...]:
    if not bodies:
        return ()
    frequency = Counter(word for body in bodies for word in _content_words(body.text))
    count = len(bodies)

    def rank(index: int) -> float:
        body = bodies[index]
        words = _content_words(body.text)
        # Capped, so a sentence pasted a hundred times does not outweigh everything else.
        centrality = sum(min(frequency[w], 8) - 1 for w in words) / (len(words) + 4)
        position = 1.2 if index == 0 else 0.8 if index == 1 else 0.5 if index >= count - 3 else 0.0
        aspects = {a for r in body.readings for a in r.aspects}
        strength = min(3.0, sum(r.positive + r.negative for r in body.readings))
        verdict = 0.8 if _VERDICT_RE.search(body.text) else 0.0
        length = len(body.text)
        fit = -1.0 if length < 40 else -0.6 if length > 300 else 0.0
        # A TL;DR carries opinions: a question or a sentence of bare facts says little on its own.
        flat = -0.8 if strength == 0 else 0.0
        question = -2.0 if _is_question(body.text) else 0.0
        opinion = 0.35 * strength + verdict + flat + question
        return position + 0.5 * centrality + 0.3 * len(aspects) + opinion + fit

    ranked = sorted(range(count), key=lambda i: (-rank(i), i))
    chosen: list[tuple[int, str]] = []
    seen: set[str] = set()
    budget = TLDR_MAX_CHARS
    for index in ranked:
        if len(chosen) == TLDR_MAX_SENTENCES:
            break
        text = bodies[index].text
        if text.casefold() in seen:
            continue
        seen.add(text.casefold())
        separator = 1 if chosen else 0
        if len(text) + separator <= budget:
            chosen.append((index, clip(text, budget - separator)))
        elif not chosen:
            chosen.append((index, clip(text, budget)))
        else:
            continue
        budget -= len(chosen[-1][1]) + separator
    return tuple(text for _, text in sorted(chosen) if text)


def _tidy_clause(text: str) -> str:
    text = _LEADING_JOINER_RE.sub("", text.strip()).strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    text = text.rstrip(",;:–—- ")
    if not text.endswith(_SENTENCE_END):
        text += "."
    return clip(text, PRO_CON_MAX)


def _pick_clauses(readings: list[ClauseReading], *, positive: bool, limit: int) -> tuple[str, ...]:
    def strength(r: ClauseReading) -> float:
        return r.positive - r.negative if positive else r.negative - r.positive

    pool = [
        r
        for r in readings
        if strength(r) >= 1
        and (r.negative if positive else r.positive) == 0
        and not _VERDICT_RE.search(r.text)
        and (r.aspects or strength(r) >= 2)
    ]
    pool.sort(key=lambda r: (-strength(r), r.sentence.start))
    picked: list[str] = []
    seen_aspects: set[str] = set()
    # First pass: one clause per aspect so the list covers the review; second pass fills up.
    for first_pass in (True, False):
        for reading in pool:
            if len(picked) == limit:
                return tuple(picked)
            lead = reading.aspects[0] if reading.aspects else ""
            if first_pass and lead in seen_aspects:
                continue
            text = _tidy_clause(reading.text)
            if len(text) < _MIN_PRO_CON or text.lower() in {p.lower() for p in picked}:
                continue
            picked.append(text)
            seen_aspects.add(lead)
    return tuple(picked)


def _verdict(bodies: list[_Body]) -> str | None:
    best: tuple[float, int] | None = None
    for index, body in enumerate(bodies):
        if _is_question(body.text):
            continue
        hits = len(_VERDICT_RE.findall(body.text))
        # The sentence right after "Is it worth watching?" is its answer.
        asked = bodies[index - 1].text if index > 0 else ""
        answers = _is_question(asked) and _VERDICT_RE.search(asked) is not None
        if not hits and not answers:
            continue
        weight = hits + (1.5 if answers else 0.0) + (1.0 if body.in_verdict_section else 0.0)
        weight += index / max(1, len(bodies))
        if best is None or weight > best[0]:
            best = (weight, index)
    if best is None:
        return None
    text = bodies[best[1]].text
    # A bare "Yes." answers the question; the sentence after it says why.
    if len(text) < 25 and best[1] + 1 < len(bodies):
        text = f"{text} {bodies[best[1] + 1].text}"
    return clip(text, VERDICT_MAX)


def _window(text: str, skip_spans: tuple[tuple[int, int], ...]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The opening and closing of a very long review, cut at line breaks, with skip spans moved to match."""
    if len(text) <= WINDOW_HEAD_CHARS + WINDOW_TAIL_CHARS:
        return text, skip_spans
    head_end = text.rfind("\n", WINDOW_HEAD_CHARS // 2, WINDOW_HEAD_CHARS)
    head_end = WINDOW_HEAD_CHARS if head_end == -1 else head_end
    tail_start = text.find("\n", len(text) - WINDOW_TAIL_CHARS)
    tail_start = len(text) - WINDOW_TAIL_CHARS if tail_start == -1 else tail_start
    # The paragraph break keeps the seam from gluing two sentences together.
    seam = "\n\n"
    shift = head_end + len(seam) - tail_start
    moved = tuple(
        (start, end) if end <= head_end else (start + shift, end + shift)
        for start, end in skip_spans
        if end <= head_end or start >= tail_start
    )
    return text[:head_end] + seam + text[tail_start:], moved


def summarize(text: str, *, skip_spans: tuple[tuple[int, int], ...] = (), title_names: tuple[str, ...] = ()) -> Summary:
    """The extractive summary of a review; skip_spans (the score) are left out, title names carry no mood."""
    ignore = frozenset(word for name in title_names for word in re.findall(r"[a-z][a-z'’-]*", name.lower()))
    text, skip_spans = _window(text, skip_spans)
    bodies, headed = _read_body(text, skip_spans, ignore)
    readings = [reading for body in bodies for reading in body.readings]
    lines = tuple(
        AspectLine(line.aspect, line.polarity, clip(line.sentence, ASPECT_SENTENCE_MAX))
        for line in aspect_lines(readings, headed)
    )
    tldr = _tldr(bodies)
    if not tldr:
        fallback = clip(plain(strip_spoilers(text, " ")), TLDR_MAX_CHARS)
        tldr = (fallback,) if any(c.isalnum() for c in fallback) else ()
    return Summary(
        tldr=tldr,
        aspects=lines,
        pros=_pick_clauses(readings, positive=True, limit=MAX_PROS),
        cons=_pick_clauses(readings, positive=False, limit=MAX_CONS),
        verdict=_verdict(bodies),
    )
