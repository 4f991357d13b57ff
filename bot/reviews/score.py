"""Finding the reviewer's verdict score in a review and normalising it to 0–10 with one decimal.

Forms understood (``Score.form``):

- ``fraction``: ``7/10``, ``8.5/10``, ``4/5``, ``85/100``, ``16/20``
- ``out_of``: ``4 out of 5``, ``4 out of 5 stars``, ``7.5 out of 10``
- ``stars``: ``★★★★☆``, ``★★★½☆``, ``⭐⭐⭐⭐`` (filled over filled + empty, or over 5 if no empty stars)
- ``percent``: ``85%`` (only after a score label or on one of the last lines)
- ``letter``: a letter grade after a score label, mapped by ``LETTER_GRADES``:

  ====  =====  ====  =====  ====  =====  ====  =====
  S     10     A+    10     A     9.5    A-    9
  B+    8.5    B     8      B-    7.5    C+    7
  C     6.5    C-    6      D+    5.5    D     5
  D-    4.5    E     3      F     2
  ====  =====  ====  =====  ====  =====  ====  =====

A score given to something else is not the verdict score: one labelled with an aspect
("Animation: 9/10", "Story - 8/10") is never taken, and one in a sentence about another work or
part ("the movie gets an 8/10", "season 1 alone is a 9/10") is taken only when nothing else is.

Preference, best first: a labelled score line ("Score:", "Rating:", "Final score", "Overall:",
"Verdict:", "Grade:", "I give it …"), "final"/"overall" labels winning over plain ones; then a score
on one of the last three lines; then a line that is only a score; then a fraction in prose.
Incidental numbers are ignored: "episode 3/12", "9/11", "24/7", dates, "1/2 of the cast",
"90% of the runtime", anything inside spoiler bars.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import spoiler_spans

LETTER_GRADES: dict[str, float] = {
    "S": 10.0,
    "A+": 10.0,
    "A": 9.5,
    "A-": 9.0,
    "B+": 8.5,
    "B": 8.0,
    "B-": 7.5,
    "C+": 7.0,
    "C": 6.5,
    "C-": 6.0,
    "D+": 5.5,
    "D": 5.0,
    "D-": 4.5,
    "E": 3.0,
    "F": 2.0,
}
SCORE_DENOMINATORS = frozenset({5, 10, 20, 100})

_NUMBER = r"(\d{1,3}(?:[.,]\d{1,2})?)"
_FRACTION_RE = re.compile(rf"(?<![\w/.,]){_NUMBER}\s*/\s*(\d{{1,3}})(?![\w/%]|[.,]\d)")
_OUT_OF_RE = re.compile(rf"(?<![\w.,]){_NUMBER}\s+out\s+of\s+(\d{{1,3}})(?:\s+stars?)?(?!\w)", re.IGNORECASE)
_STARS_RE = re.compile(r"[★☆½✩⭐]{3,10}|(?:⭐\ufe0f?){2,10}")
_PERCENT_RE = re.compile(r"(?<![\w.,])(\d{1,3}(?:\.\d)?)\s*%")
# A grade stands alone: end of line, punctuation, or "grade"/"tier" after it
# ("Overall: A solid show" holds no grade).
_LETTER_RE = re.compile(
    r"(?<![\w+-])([SABCDEF][+-]?)(?![\w+-])(?=[ \t]*(?:$|[.,;:!)(\[*_]|[ \t]+(?:grade|tier)\b))", re.MULTILINE
)

_LABEL_RE = re.compile(
    r"(?:final\s+(?:score|rating|grade|verdict)|overall(?:\s+(?:score|rating|grade))?|my\s+(?:score|rating|grade)"
    r"|score|rating|grade|verdict|i\s+give\s+it|i'd\s+give\s+it|i\s+rate\s+it|i'd\s+rate\s+it|rated)"
    r"\s*(?:[:=\-–—]|\bis\b)?\s*[*_`]*\s*(?:a\s+|an\s+)?"
    r"(?:(?:solid|strong|generous|hard|soft|firm|good|very|low|high|respectable)\s+){0,2}[*_`]*\s*$",
    re.IGNORECASE,
)
_STRONG_LABEL_RE = re.compile(r"final|overall", re.IGNORECASE)
_INCIDENTAL_BEFORE_RE = re.compile(
    r"(?:episodes?|eps?\.?|chapters?|ch\.?|volumes?|vol\.?|parts?|seasons?|cours?|arcs?|pages?|disc|track)\s*#?\s*$",
    re.IGNORECASE,
)
_INCIDENTAL_AFTER_RE = re.compile(r"^\s*(?:of\b|episodes?\b|chapters?\b|days?\b|hours?\b|minutes?\b)", re.IGNORECASE)
_LAST_LINES = 3
WINDOW_HEAD_CHARS = 40_000
WINDOW_TAIL_CHARS = 10_000
# "Animation: 9/10", "**Story** - 8/10", "Art (9/10)": a score for one aspect, not the show.
_ASPECT_LABEL_RE = re.compile(
    r"(?:^|[\n(,;|])[ \t*_#>-]*(?:story|plot|writing|characters?|cast|art|animation|visuals?|sound|music|audio|ost"
    r"|soundtrack|enjoyment|pacing|setting|world(?:building)?|direction|voice\s+acting|characterization)"
    r"[ \t*_]*(?:[:=\-–—(]|\bgets?\b|\bis\b)?[ \t*_]*(?:a\s+)?$",
    re.IGNORECASE,
)
# "the movie gets an 8/10", "Season 1 alone is a 9/10": another work or part of it, named before the score.
_OTHER_WORK_RE = re.compile(
    r"\b(?:movie|film|ova|special|sequel|prequel|spin-?off|manga|novel|season\s+\d+|(?:first|second|third|final)"
    r"\s+(?:season|cour|half|arc)|part\s+\d+|the\s+(?:first|second|last)\s+half|first\s+arc|this\s+arc)\b"
    r"[^.!?\n]{0,40}$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Score:
    """A verdict score normalised to 0–10 (one decimal), with the text it came from and its span."""

    value: float
    raw: str
    start: int
    end: int
    form: str


@dataclass(frozen=True, slots=True)
class _Candidate:
    score: Score
    rank: int  # higher wins; ties go to the later candidate


def _normalise(numerator: float, denominator: float) -> float | None:
    if denominator <= 0 or numerator < 0 or numerator > denominator * 1.2:
        return None
    return min(10.0, round(numerator / denominator * 10 + 1e-9, 1))


def _number(raw: str) -> float:
    return float(raw.replace(",", "."))


def _line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    return line_start, len(text) if line_end == -1 else line_end


def _label_before(text: str, line_start: int, start: int) -> re.Match[str] | None:
    return _LABEL_RE.search(text, max(line_start, start - 40), start)


def _rank(text: str, start: int, end: int, last_lines_from: int, *, needs_context: bool) -> int | None:
    """How strongly the span reads as the verdict score, or None if it is incidental."""
    line_start, line_end = _line_bounds(text, start, end)
    label = _label_before(text, line_start, start)
    if label and _STRONG_LABEL_RE.search(label.group(0)):
        return 50
    if _ASPECT_LABEL_RE.search(text, max(line_start - 1, start - 30, 0), start):
        return None
    if _OTHER_WORK_RE.search(text, max(line_start, start - 80), start):
        return 1
    if label:
        return 40
    before = text[max(line_start, start - 20) : start]
    after = text[end : min(line_end, end + 20)]
    if _INCIDENTAL_BEFORE_RE.search(before) or _INCIDENTAL_AFTER_RE.match(after):
        return None
    line = text[line_start:line_end].strip(" \t*_#>-|:.!")
    if start >= last_lines_from:
        return 30
    if len(line) <= (end - start) + 2:
        return 20
    return None if needs_context else 10


def _candidates(text: str) -> list[_Candidate]:
    # A forgotten closing bar must not hide the score line at the end of the review.
    spans = spoiler_spans(text, unclosed=False)
    last_lines_from = _start_of_last_lines(text)
    found: list[_Candidate] = []

    def add(value: float | None, start: int, end: int, form: str, *, needs_context: bool = False) -> None:
        if value is None or any(s <= start < e for s, e in spans):
            return
        rank = _rank(text, start, end, last_lines_from, needs_context=needs_context)
        if rank is not None:
            found.append(_Candidate(Score(value, text[start:end], start, end, form), rank))

    for m in _FRACTION_RE.finditer(text):
        denominator = int(m.group(2))
        if denominator in SCORE_DENOMINATORS:
            add(_normalise(_number(m.group(1)), denominator), m.start(), m.end(), "fraction")
    for m in _OUT_OF_RE.finditer(text):
        denominator = int(m.group(2))
        if denominator in SCORE_DENOMINATORS:
            add(_normalise(_number(m.group(1)), denominator), m.start(), m.end(), "out_of")
    for m in _STARS_RE.finditer(text):
        add(_star_value(m.group(0)), m.start(), m.end(), "stars")
    for m in _PERCENT_RE.finditer(text):
        add(_normalise(float(m.group(1)), 100), m.start(), m.end(), "percent", needs_context=True)
    for m in _LETTER_RE.finditer(text):
        # A lone capital is an ordinary word unless a score label sits right before it.
        line_start, _ = _line_bounds(text, m.start(), m.end())
        if _label_before(text, line_start, m.start()):
            add(LETTER_GRADES.get(m.group(1).upper()), m.start(), m.end(), "letter", needs_context=True)
    return found


def _star_value(stars: str) -> float | None:
    filled = stars.count("★") + stars.count("⭐")
    half = stars.count("½")
    empty = stars.count("☆") + stars.count("✩")
    total = filled + half + empty if empty or half else max(5, filled)
    return _normalise(filled + 0.5 * half, total)


def _start_of_last_lines(text: str) -> int:
    position = len(text.rstrip())
    for _ in range(_LAST_LINES):
        previous = text.rfind("\n", 0, position)
        if previous == -1:
            return 0
        position = previous
        while position > 0 and text[position - 1] == "\n":
            position -= 1
    return position


def find_score(text: str) -> Score | None:
    """The reviewer's verdict score, or None when the review gives none.

    A very long review is searched in its opening and its closing (``WINDOW_HEAD_CHARS`` and
    ``WINDOW_TAIL_CHARS``), where a verdict score stands; spans still refer to the whole text.
    """
    if len(text) <= WINDOW_HEAD_CHARS + WINDOW_TAIL_CHARS:
        return _best(text)
    head_end = text.rfind("\n", 0, WINDOW_HEAD_CHARS)
    head_end = WINDOW_HEAD_CHARS if head_end <= 0 else head_end
    tail_start = text.find("\n", len(text) - WINDOW_TAIL_CHARS)
    tail_start = len(text) - WINDOW_TAIL_CHARS if tail_start == -1 else tail_start
    seam = "\n\n"
    score = _best(text[:head_end] + seam + text[tail_start:])
    if score is None or score.start < head_end:
        return score
    shift = tail_start - head_end - len(seam)
    return Score(score.value, score.raw, score.start + shift, score.end + shift, score.form)


def _best(text: str) -> Score | None:
    candidates = _candidates(text)
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c.rank, c.score.start))
    return best.score
