"""An extractive, deterministic summary of a review: TL;DR, aspect lines, pros and cons, verdict.

Every string is one of the review's own sentences or clauses, stripped of layout markdown and cut
with ``clip`` (word boundary, balanced spoiler bars). Sentences holding a spoiler are never used,
so spoiler text cannot leak out of its bars, and no sentence is shown in two fields.

Fields are filled in this order, each from the sentences the ones before left over:

- verdict: the review's concluding judgement of its own show, from the closing paragraph or a
  "Verdict/Overall/Conclusion" section, with verdict wording ("worth watching", "recommend") or as
  the answer to "Is it worth watching?". Never a sentence naming another title or recommending
  something else (a video, the manga, another show "instead"). A bare "Yes." or "Watch it." takes
  the judgement next to it in the same paragraph.
- TL;DR: judgement-bearing sentences about the show, ranked by position (opening and closing lines
  weigh more), keyword centrality, aspect coverage, sentiment strength and verdict wording, shown
  in review order. Never a question, a fragment, a list item, a sentence naming other titles, one
  opening with a reference to the sentence before ("Similarly, …", "But …") or one giving a score.
- aspect lines (bot.reviews.aspects), then pros and cons: whole clauses of praise or complaint.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from bot.reviews.aspects import (
    Aspect,
    AspectLine,
    ClauseReading,
    aspect_lines,
    heading_aspect,
    names_pattern,
    read_clauses,
)
from bot.text import SPOILER_BAR, Sentence, clip, plain, split_sentences, strip_spoilers

TLDR_MAX_SENTENCES = 3
TLDR_MAX_CHARS = 350
ASPECT_SENTENCE_MAX = 220
PRO_CON_MAX = 140
MAX_PROS = 4
MAX_CONS = 4
VERDICT_MAX = 300
_MIN_PRO_CON = 12
_MIN_TLDR_WORDS = 5
# A very long review is summarised from its opening and its closing, where intro and verdict live.
WINDOW_HEAD_CHARS = 40_000
WINDOW_TAIL_CHARS = 10_000
# "No." answering "Is it worth watching?" is too short to hold a word, yet it is the verdict's first word.
_SHORT_ANSWER_RE = re.compile(r"^(?:no|nope|yes|yep|yeah|nah)[.!]*$", re.IGNORECASE)
_HAS_WORD_RE = re.compile(r"[^\W\d_]{3}|[^\W\d_].*[^\W\d_].*[^\W\d_]")

_VERDICT_RE = re.compile(
    r"\bworth\s+(?:watching|a\s+watch|your\s+time|it|the\s+time|checking\s+out|seeing|every)|\brecommend"
    r"|\bshould\s+(?:you\s+)?(?:watch|skip|give|try)|\bgive\s+it\s+a\s+(?:shot|try|chance|go)|\bskip\s+(?:it|this)"
    r"|\bmust[\s-]watch|\bdon'?t\s+bother|\bpass\s+on\s+(?:it|this)|\bdon'?t\s+miss|\bwatch\s+it\b"
    r"|\bcheck\s+(?:it|this)\s+out|\bis\s+it\s+worth|\bshould\s+(?:try|see|watch)|\bshould\s+fix\s+that",
    re.IGNORECASE,
)
# A recommendation of something other than the show: "read the manga", "that video", "X instead".
_ELSEWHERE_RE = re.compile(
    r"\binstead\b|\byoutube\b|\bvideos?\b|\bread\s+the\s+(?:manga|novels?|light\s+novels?|source)"
    r"|\brather\s+you\b|\bthe\s+manga\s+over\b",
    re.IGNORECASE,
)
# A sentence that opens by leaning on the one before it.
_LEANING_RE = re.compile(
    r"^(?:similarly|likewise|also|however|but|and|so|still|instead|otherwise|even\s+so|that\s+said|meanwhile"
    r"|besides|moreover|furthermore|in\s+addition|as\s+a\s+result|which|then|on\s+the\s+other\s+hand"
    r"|by\s+contrast|in\s+contrast|again|plus|yet|or)\b",
    re.IGNORECASE,
)
# "I expected a cute comedy.", "Everyone told me to bring tissues.": a set-up, not the judgement.
_SET_UP_RE = re.compile(
    r"^(?:i\s+(?:expected|was\s+expecting|thought|went\s+in|assumed|put\s+off)|everyone\s+(?:told|said|says)"
    r"|you\s+(?:can|could|might)\s+(?:guess|think)|on\s+paper)\b",
    re.IGNORECASE,
)
# "Season 1 alone is a 9/10", "the movie gets an 8/10": a score, the verdict's or another one.
_SCORE_IN_TEXT_RE = re.compile(r"\d\s*/\s*\d|\b\d{1,3}\s*%|\bout\s+of\s+(?:5|10|100)\b", re.IGNORECASE)
# "It is a …", "Frieren is a …": a sentence that sums the show up.
_SUMS_UP_RE = re.compile(
    r"^(?:overall,?\s+|in\s+short,?\s+|all\s+in\s+all,?\s+)?(?:[\w'’!?.:;&× -]{1,40}?\s)?(?:is|was|'s|’s)\s+"
    r"(?:a|an|one|the|not|still|essential|definitely|absolutely|easily)\b",
    re.IGNORECASE,
)
_SYNOPSIS_HEADING_RE = re.compile(r"premise|synopsis|set-?up|plot\s+summary|what\s+is\s+it\s+about", re.I)
# "Final thoughts: …", "tl;dr: …", "longer version: …": a label leading into the sentence.
_LEAD_LABEL_RE = re.compile(r"^[\w;' ]{1,24}:\s+(?=\S)")
_VERDICT_HEADING_RE = re.compile(r"overall|verdict|conclusion|final|thoughts|summary|tl;?dr|bottom\s+line", re.I)
# "Studio: Bones", "Episodes: 12": a label and a value, without the closing stop of a sentence.
_FACT_LINE_RE = re.compile(r"^\W*[A-Za-z][\w /&'-]{0,24}:\s*\S.{0,60}(?<![.!?])$")
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*+•]|\d+[.)])\s")
_LEADING_JOINER_RE = re.compile(r"^(?:and|so|also|plus|then|still|and yet|even so)\b[\s,]*|^[\s,;:–—-]+", re.IGNORECASE)
_WORD_RE = re.compile(r"[a-z][a-z'-]{3,}")
_STOPWORDS = frozenset(
    [
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
    ]
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
    in_synopsis: bool  # under a "Premise"/"Synopsis" heading: what happens, not what the reviewer thinks
    paragraph: int
    names_other: bool  # names another title: about that title as much as about this one
    readings: tuple[ClauseReading, ...]

    @property
    def strength(self) -> float:
        return sum(r.positive + r.negative for r in self.readings)

    @property
    def polarity(self) -> float:
        return sum(r.positive - r.negative for r in self.readings)


class _Overlaps:
    """Whether a sentence span overlaps one of many sorted spans, in logarithmic time."""

    def __init__(self, spans: tuple[tuple[int, int], ...]) -> None:
        self._spans = sorted(spans)
        self._starts = [s for s, _ in self._spans]

    def any(self, start: int, end: int) -> bool:
        index = bisect_left(self._starts, end) - 1
        # Spans are short (a title's name), so a few steps back cover every one that can reach start.
        return any(s < end and start < e for s, e in self._spans[max(0, index - 8) : index + 1])


def _read_body(
    text: str,
    skip_spans: tuple[tuple[int, int], ...],
    names_re: re.Pattern[str] | None,
    names: tuple[str, ...],
    other_spans: tuple[tuple[int, int], ...],
) -> tuple[list[_Body], set[Aspect]]:
    """Content sentences with section, paragraph and clause readings; headings, fact and score lines set aside."""
    bodies: list[_Body] = []
    headed: set[Aspect] = set()
    section: Aspect | None = None
    verdict_section = False
    synopsis = False
    paragraph = 0
    previous_end = 0
    skips = _Overlaps(skip_spans)
    others = _Overlaps(other_spans)
    for sentence in split_sentences(text, names):
        if "\n\n" in text[previous_end : sentence.start] or (
            previous_end
            and "\n" in text[previous_end : sentence.start]
            and sentence.text.lstrip().startswith(("#", "**"))
        ):
            paragraph += 1
        previous_end = sentence.end
        is_heading, aspect = heading_aspect(sentence.text)
        if is_heading:
            section = aspect
            verdict_section = aspect is None and bool(_VERDICT_HEADING_RE.search(sentence.text))
            synopsis = bool(_SYNOPSIS_HEADING_RE.search(sentence.text))
            if aspect:
                headed.add(aspect)
            paragraph += 1
            continue
        if SPOILER_BAR in sentence.text or skips.any(sentence.start, sentence.end):
            continue
        prose = plain(sentence.text)
        if not (_HAS_WORD_RE.search(prose) or _SHORT_ANSWER_RE.match(prose)) or (
            len(prose) < 90 and _FACT_LINE_RE.match(prose)
        ):
            continue
        if _is_title_line(text, sentence, prose):
            continue
        readings = tuple(read_clauses(Sentence(prose, sentence.start, sentence.end), section, names_re))
        names_other = others.any(sentence.start, sentence.end)
        bodies.append(_Body(sentence, prose, section, verdict_section, synopsis, paragraph, names_other, readings))
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


def _word_count(text: str) -> int:
    return len(re.findall(r"[^\W_]+", text))


def _about_elsewhere(body: _Body) -> bool:
    return body.names_other or _ELSEWHERE_RE.search(body.text) is not None


def _recommends_elsewhere(body: _Body, other_names: tuple[str, ...]) -> bool:
    """Whether the sentence recommends something other than the show ("watch X instead", "that video").

    A comparison before the judgement ("if you expect action like X you'll be bored, but I'd
    recommend it to anyone") still judges this show.
    """
    if _ELSEWHERE_RE.search(body.text):
        return True
    if not body.names_other:
        return False
    wording = _VERDICT_RE.search(body.text)
    folded = body.text.casefold()
    first_other = min((at for name in other_names if (at := folded.find(name)) >= 0), default=-1)
    return wording is None or first_other < 0 or first_other > wording.start()


def _verdict(bodies: list[_Body], other_names: tuple[str, ...]) -> tuple[str | None, set[int]]:
    """The concluding judgement and the indexes of the sentences it was made of."""
    if not bodies:
        return None, set()
    last_paragraph = bodies[-1].paragraph
    count = len(bodies)
    best: tuple[float, int] | None = None
    for index, body in enumerate(bodies):
        if _is_question(body.text) or body.in_synopsis or _SCORE_IN_TEXT_RE.search(body.text):
            continue
        if _recommends_elsewhere(body, other_names):
            continue
        hits = len(_VERDICT_RE.findall(body.text))
        asked = bodies[index - 1].text if index > 0 else ""
        answers = _is_question(asked) and _VERDICT_RE.search(asked) is not None
        if not (hits or answers or body.strength > 0):
            continue
        weight = 1.5 * min(hits, 2) + (2.0 if answers else 0.0)
        weight += 2.0 if body.in_verdict_section else 0.0
        weight += 1.5 if body.paragraph == last_paragraph else 0.0
        weight += 1.0 if _SUMS_UP_RE.match(body.text) and body.strength > 0 else 0.0
        weight += 0.3 * min(3.0, body.strength) + index / count
        if _word_count(body.text) < 4 and not (hits or answers):
            weight -= 2.0
        if best is None or weight > best[0]:
            best = (weight, index)
    if best is None or best[0] < 2.0:
        return None, set()
    return _verdict_text(bodies, best[1], other_names)


def _joins(body: _Body, other: _Body, other_names: tuple[str, ...]) -> bool:
    """Whether a neighbouring sentence belongs to the verdict: same paragraph, a judgement of this show."""
    return (
        other.paragraph == body.paragraph
        and not _recommends_elsewhere(other, other_names)
        and not _is_question(other.text)
        and not _SCORE_IN_TEXT_RE.search(other.text)
        and (
            other.strength > 0
            or _VERDICT_RE.search(other.text) is not None
            or _SHORT_ANSWER_RE.match(other.text) is not None
        )
    )


def _verdict_text(bodies: list[_Body], index: int, other_names: tuple[str, ...]) -> tuple[str, set[int]]:
    """The verdict sentence, joined with the judgement or recommendation next to it in its paragraph.

    "Yes." or "Watch it." says little alone; "X is a great show." gains the "I recommend it." after
    it, and "I recommend it to anyone." the "X is a great show." before it.
    """
    body = bodies[index]
    used = {index}
    text = body.text
    short = len(text) < 60
    has_wording = _VERDICT_RE.search(text) is not None
    sums_up = _SUMS_UP_RE.match(text) is not None
    after = bodies[index + 1] if index + 1 < len(bodies) else None
    before = bodies[index - 1] if index > 0 else None
    if (
        before
        and (short or (has_wording and not sums_up))
        and _joins(body, before, other_names)
        and (_SUMS_UP_RE.match(before.text) or short)
        and len(text) + len(before.text) < VERDICT_MAX
    ):
        text = f"{before.text} {text}"
        used.add(index - 1)
    elif (
        after
        and (short or not has_wording)
        and _joins(body, after, other_names)
        and len(text) + len(after.text) < VERDICT_MAX
    ):
        text = f"{text} {after.text}"
        used.add(index + 1)
    return clip(text, VERDICT_MAX), used


def _tldr_candidate(body: _Body) -> bool:
    text = body.text
    return (
        body.strength > 0
        and not body.in_synopsis
        and _word_count(text) >= _MIN_TLDR_WORDS
        and not _is_question(text)
        and not _about_elsewhere(body)
        and not _LEANING_RE.match(text)
        and not _SET_UP_RE.match(text)
        and not _LIST_ITEM_RE.match(body.sentence.text)
        and not _SCORE_IN_TEXT_RE.search(text)
        and not text[:1].isspace()
    )


def _tldr(bodies: list[_Body], taken: set[int], *, strict: bool = True) -> tuple[tuple[str, ...], set[int]]:
    """The TL;DR; ``strict=False`` (for a review with no better sentence) takes any sentence but a question."""
    pool = [
        i
        for i, body in enumerate(bodies)
        if i not in taken and (_tldr_candidate(body) if strict else not _is_question(body.text))
    ]
    if not pool:
        return (), set()
    frequency = Counter(word for body in bodies for word in _content_words(body.text))
    count = len(bodies)

    def rank(index: int) -> float:
        body = bodies[index]
        words = _content_words(body.text)
        # Capped, so a sentence pasted a hundred times does not outweigh everything else.
        centrality = sum(min(frequency[w], 8) - 1 for w in words) / (len(words) + 4)
        position = 1.2 if index == 0 else 0.8 if index == 1 else 0.5 if index >= count - 3 else 0.0
        aspects = {r.aspect for r in body.readings if r.aspect}
        strength = min(3.0, body.strength)
        verdict = 0.8 if _VERDICT_RE.search(body.text) else 0.0
        sums_up = 0.6 if _SUMS_UP_RE.match(body.text) else 0.0
        length = len(body.text)
        fit = -1.0 if length < 40 else -0.6 if length > 300 else 0.0
        return position + 0.5 * centrality + 0.3 * len(aspects) + 0.35 * strength + verdict + sums_up + fit

    ranked = sorted(pool, key=lambda i: (-rank(i), i))
    chosen: list[tuple[int, str]] = []
    seen: set[str] = set()
    budget = TLDR_MAX_CHARS
    for index in ranked:
        if len(chosen) == TLDR_MAX_SENTENCES:
            break
        text = _LEAD_LABEL_RE.sub("", bodies[index].text)
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
    return tuple(text for _, text in sorted(chosen) if text), {index for index, _ in chosen}


def _tidy_clause(text: str) -> str:
    text = _LEADING_JOINER_RE.sub("", text.strip()).strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    text = text.rstrip(",;:–—- ")
    if not text.endswith(_SENTENCE_END):
        text += "."
    return clip(text, PRO_CON_MAX)


def _pick_clauses(bodies: list[_Body], taken: set[int], *, positive: bool, limit: int) -> tuple[str, ...]:
    """Whole clauses of praise (or of complaint) from sentences no other field shows."""

    def strength(r: ClauseReading) -> float:
        return r.positive - r.negative if positive else r.negative - r.positive

    pool: list[ClauseReading] = []
    for index, body in enumerate(bodies):
        # A complaint is never a pro: a sentence that leans the other way gives no clause to this list.
        if index in taken or _about_elsewhere(body) or (body.polarity < 0 if positive else body.polarity > 0):
            continue
        pool += [
            r
            for r in body.readings
            if strength(r) >= 1
            and (r.negative if positive else r.positive) == 0
            and not _VERDICT_RE.search(r.text)
            and (r.aspect or strength(r) >= 2)
        ]
    pool.sort(key=lambda r: (-strength(r), r.sentence.start))
    picked: list[str] = []
    seen_aspects: set[str] = set()
    # First pass: one clause per aspect so the list covers the review; second pass fills up.
    for first_pass in (True, False):
        for reading in pool:
            if len(picked) == limit:
                return tuple(picked)
            lead = reading.aspect or ""
            if first_pass and lead in seen_aspects:
                continue
            text = _tidy_clause(reading.text)
            if len(text) < _MIN_PRO_CON or text.lower() in {p.lower() for p in picked}:
                continue
            picked.append(text)
            seen_aspects.add(lead)
    return tuple(picked)


def _aspect_lines(
    bodies: list[_Body], readings: list[ClauseReading], headed: set[Aspect], taken: set[int]
) -> tuple[AspectLine, ...]:
    starts = frozenset(bodies[i].sentence.start for i in taken)
    return tuple(
        AspectLine(line.aspect, line.polarity, clip(line.sentence, ASPECT_SENTENCE_MAX))
        for line in aspect_lines(readings, headed, starts)
    )


def _indexes_shown(bodies: list[_Body], lines: tuple[AspectLine, ...]) -> set[int]:
    shown = {line.sentence for line in lines}
    return {i for i, body in enumerate(bodies) if clip(body.text, ASPECT_SENTENCE_MAX) in shown}


def _cut(at_line_break: int, at_space: int) -> int:
    """A line break to cut at, else a space (a review without line breaks is not cut mid-word)."""
    return at_line_break if at_line_break != -1 else at_space


def _window(
    text: str, skip_spans: tuple[tuple[int, int], ...], other_spans: tuple[tuple[int, int], ...]
) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """The opening and closing of a very long review, cut at line breaks, with spans moved to match."""
    if len(text) <= WINDOW_HEAD_CHARS + WINDOW_TAIL_CHARS:
        return text, skip_spans, other_spans
    head_end = _cut(text.rfind("\n", WINDOW_HEAD_CHARS // 2, WINDOW_HEAD_CHARS), text.rfind(" ", 0, WINDOW_HEAD_CHARS))
    head_end = WINDOW_HEAD_CHARS if head_end == -1 else head_end
    tail_from = len(text) - WINDOW_TAIL_CHARS
    tail_start = _cut(text.find("\n", tail_from), text.find(" ", tail_from))
    tail_start = tail_from if tail_start == -1 else tail_start
    # The paragraph break keeps the seam from gluing two sentences together.
    seam = "\n\n"
    shift = head_end + len(seam) - tail_start

    def moved(spans: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
        return tuple(
            (start, end) if end <= head_end else (start + shift, end + shift)
            for start, end in spans
            if end <= head_end or start >= tail_start
        )

    return text[:head_end] + seam + text[tail_start:], moved(skip_spans), moved(other_spans)


def summarize(
    text: str,
    *,
    skip_spans: tuple[tuple[int, int], ...] = (),
    title_names: tuple[str, ...] = (),
    other_title_spans: tuple[tuple[int, int], ...] = (),
    other_title_names: tuple[str, ...] = (),
    compared_title_names: tuple[str, ...] = (),
) -> Summary:
    """The extractive summary of a review.

    ``skip_spans`` (the score) are left out; ``title_names`` carry no mood and keep sentences whole
    ("K-On!"); a sentence overlapping ``other_title_spans`` (other titles named) is about them too,
    so it is never the TL;DR, a pro or a con, nor the verdict when it recommends one of
    ``other_title_names``; its clause naming one of ``compared_title_names`` ("If you liked the
    chemistry of Spy x Family") gives no aspect its polarity.
    """
    names_re = names_pattern(title_names)
    text, skip_spans, other_title_spans = _window(text, skip_spans, other_title_spans)
    bodies, headed = _read_body(text, skip_spans, names_re, title_names, other_title_spans)
    others = tuple(name.casefold() for name in other_title_names if name)
    compared = tuple(name.casefold() for name in compared_title_names if name)
    verdict, taken = _verdict(bodies, others)
    readings = [
        reading
        for body in bodies
        for reading in body.readings
        if not (body.names_other and any(name in reading.text.casefold() for name in compared))
    ]
    # Aspect lines choose before the TL;DR, so every aspect keeps a sentence of its own; the TL;DR
    # takes the best of the judgements left, and only when none is left, one an aspect line had.
    lines = _aspect_lines(bodies, readings, headed, taken)
    in_lines = _indexes_shown(bodies, lines)
    tldr, in_tldr = _tldr(bodies, taken | in_lines)
    if not tldr:
        tldr, in_tldr = _tldr(bodies, taken)
        if tldr:
            lines = _aspect_lines(bodies, readings, headed, taken | in_tldr)
            in_lines = _indexes_shown(bodies, lines)
    if not tldr:
        tldr, in_tldr = _tldr(bodies, taken | in_lines, strict=False)
    if not tldr:
        tldr, in_tldr = _tldr(bodies, taken, strict=False)
        lines = _aspect_lines(bodies, readings, headed, taken | in_tldr)
        in_lines = _indexes_shown(bodies, lines)
    # The same sentence pasted twice is still one sentence: none of its copies shows again.
    shown_texts = {bodies[i].text.casefold() for i in in_tldr}
    in_tldr |= {i for i, body in enumerate(bodies) if body.text.casefold() in shown_texts}
    taken |= in_tldr | in_lines
    if not tldr and verdict:
        tldr = (verdict,)  # a review that is one judgement: its TL;DR and its verdict are the same
    elif not tldr and not bodies:
        fallback = clip(plain(strip_spoilers(text, " ")), TLDR_MAX_CHARS)
        tldr = (fallback,) if any(c.isalnum() for c in fallback) else ()
    return Summary(
        tldr=tldr,
        aspects=lines,
        pros=_pick_clauses(bodies, taken, positive=True, limit=MAX_PROS),
        cons=_pick_clauses(bodies, taken, positive=False, limit=MAX_CONS),
        verdict=verdict,
    )
