"""Which aspects of a show a review discusses (story, characters, setting, animation, music, pacing) and how.

Polarity comes from a small lexicon (``POSITIVE_WORDS`` / ``NEGATIVE_WORDS``, weight 1, 2 for the
strong ones). A negator (not, never, no, hardly, n't, …) flips the next three words. A sentence is
read clause by clause, cut at "but", "however", "although", "though", "yet", "while", "whereas"
and semicolons, so "gorgeous animation, but a weak story" credits each aspect with its own clause;
a clause naming no aspect inherits the aspects of the clause before it, or the section heading.

An aspect's polarity: positive when at least two thirds of its sentiment weight is positive,
negative when at most one third is, mixed otherwise (and mixed for a headed section without any
sentiment words at all).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.text import Sentence

Aspect = Literal["story", "characters", "setting", "animation", "music", "pacing"]
Polarity = Literal["positive", "mixed", "negative"]
ASPECTS: tuple[Aspect, ...] = ("story", "characters", "setting", "animation", "music", "pacing")

_HEADINGS: dict[str, Aspect | None] = {
    "story": "story", "plot": "story", "narrative": "story", "writing": "story", "premise": "story",
    "characters": "characters", "character": "characters", "cast": "characters",
    "setting": "setting", "world": "setting", "worldbuilding": "setting", "world-building": "setting",
    "art": "animation", "animation": "animation", "visuals": "animation", "art & animation": "animation",
    "art and animation": "animation", "production": "animation",
    "sound": "music", "music": "music", "audio": "music", "soundtrack": "music", "ost": "music",
    "sound & music": "music", "music and sound": "music",
    "pacing": "pacing", "structure": "pacing",
    "enjoyment": None, "overall": None, "verdict": None, "conclusion": None, "final thoughts": None,
    "intro": None, "introduction": None, "summary": None, "tl;dr": None, "spoilers": None,
}  # fmt: skip
_HEADING_RE = re.compile(r"^[#>*_\s-]*([A-Za-z;&\- ]{2,24}?)[*_\s]*(?:[:\-–—]\s*[^.!?]{0,24})?[*_\s]*$")

_KEYWORDS: dict[Aspect, tuple[str, ...]] = {
    "story": ("story", "plot", "storyline", "narrative", "twist", "twists", "premise", "writing", "script",
              "mystery", "themes", "finale", "conclusion", "storytelling"),
    "characters": ("character", "characters", "protagonist", "protagonists", "cast", "heroine", "hero",
                   "villain", "villains", "antagonist", "lead", "leads", "duo", "chemistry", "mc",
                   "relationship", "relationships", "characterisation", "characterization", "backstory"),
    "setting": ("world", "setting", "worldbuilding", "world-building", "lore", "city", "universe",
                "atmosphere", "society", "dystopia", "future", "mars", "backdrop"),
    "animation": ("animation", "animated", "art", "visuals", "visual", "designs", "design", "sakuga",
                  "cgi", "cg", "cinematography", "colours", "colors", "backgrounds", "choreography",
                  "framing", "art style", "fight scenes", "action scenes"),
    "music": ("music", "soundtrack", "ost", "opening", "op", "ed", "songs", "song", "voice", "voices",
              "vocals", "sound", "composer", "seiyuu", "dub", "score"),
    "pacing": ("pacing", "paced", "pace", "rushed", "drags", "dragged", "drag", "filler", "slow",
               "sluggish", "cour", "momentum", "breakneck"),
}  # fmt: skip
_KEYWORD_INDEX: dict[str, tuple[Aspect, ...]] = {}
for _aspect, _words in _KEYWORDS.items():
    for _word in _words:
        _KEYWORD_INDEX[_word] = (*_KEYWORD_INDEX.get(_word, ()), _aspect)

POSITIVE_WORDS: dict[str, float] = {
    **dict.fromkeys(("good", "great", "nice", "fun", "solid", "strong", "beautiful", "lovely", "charming",
                     "clever", "engaging", "compelling", "memorable", "enjoyable", "likeable", "likable",
                     "fresh", "tight", "smooth", "fluid", "catchy", "moving", "touching", "funny",
                     "interesting", "rich", "detailed", "vivid", "heartfelt", "satisfying",
                     "effective", "gripping", "polished", "worth", "recommend", "love", "loved", "enjoyed",
                     "liked", "impressive", "impressed", "sharp", "earned", "balanced", "warm",
                     "delightful", "genuine", "best", "better", "grounded", "nuanced", "haunting", "loving",
                     "thrilling", "creative", "sincere", "confident", "stylish", "funniest", "charm",
                     "nuance"), 1.0),
    **dict.fromkeys(("excellent", "amazing", "stunning", "gorgeous", "brilliant", "masterpiece",
                     "fantastic", "superb", "incredible", "phenomenal", "outstanding", "wonderful",
                     "breathtaking", "perfect", "flawless", "exceptional", "unforgettable", "masterful",
                     "spectacular", "beautifully", "sublime"), 2.0),
}  # fmt: skip
NEGATIVE_WORDS: dict[str, float] = {
    **dict.fromkeys(("bad", "weak", "boring", "dull", "flat", "bland", "messy", "rushed", "slow", "drags",
                     "dragged", "forgettable", "confusing", "generic", "stiff", "cheap", "lacking",
                     "shallow", "predictable", "annoying", "clunky", "awkward", "tedious", "uneven",
                     "underwhelming", "disappointing", "disappointed", "wasted", "poor", "thin", "cliche",
                     "clichéd", "jarring", "filler", "meandering", "sluggish", "overstuffed", "muddled",
                     "hollow", "repetitive", "worse", "problem", "problems", "issue", "issues", "lacks",
                     "fails", "missing", "mediocre", "unfortunately", "sadly", "overlong", "drag",
                     "off-putting", "rough", "janky", "inconsistent", "convoluted", "incoherent", "arbitrary",
                     "underwritten", "underused", "underdeveloped", "weaker", "rushes", "complaint"), 1.0),
    **dict.fromkeys(("terrible", "awful", "horrible", "worst", "trash", "garbage", "unwatchable", "mess",
                     "atrocious", "painful", "dreadful", "abysmal", "insufferable"), 2.0),
}  # fmt: skip
_NEGATORS = frozenset({"not", "never", "no", "hardly", "barely", "without", "nothing", "neither", "nor",
                       "isn't", "wasn't", "aren't", "weren't", "don't", "doesn't", "didn't", "can't",
                       "couldn't", "won't", "wouldn't", "lacks"})  # fmt: skip
_NEGATION_REACH = 3
_CLAUSE_RE = re.compile(
    r"\s*(?:;|\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\byet\b|\bwhereas\b|\bwhile\b)\s*", re.IGNORECASE
)
_TOKEN_RE = re.compile(r"[a-z][a-z'’-]*")


@dataclass(frozen=True, slots=True)
class ClauseReading:
    """One clause of one sentence: the aspects it speaks of and its sentiment weights."""

    sentence: Sentence
    text: str
    aspects: tuple[Aspect, ...]
    positive: float
    negative: float

    @property
    def polarity(self) -> float:
        return self.positive - self.negative


@dataclass(frozen=True, slots=True)
class AspectLine:
    """An aspect the review discusses, its overall polarity and the sentence that best shows it."""

    aspect: Aspect
    polarity: Polarity
    sentence: str


def heading_aspect(line: str) -> tuple[bool, Aspect | None]:
    """Whether the line is a section heading, and the aspect it opens (None for Overall, Enjoyment, …)."""
    if len(line) > 60:
        return False, None
    match = _HEADING_RE.match(line)
    if not match:
        return False, None
    key = match.group(1).strip().lower()
    if key in _HEADINGS:
        return True, _HEADINGS[key]
    return False, None


def sentiment(words: list[str]) -> tuple[float, float]:
    """Positive and negative weight of a clause's words, with negation flipping the next few words."""
    positive = negative = 0.0
    flip_until = -1
    for index, word in enumerate(words):
        # "rather than earned" denies what follows, like "not".
        rather_than = word == "than" and index > 0 and words[index - 1] == "rather"
        if word in _NEGATORS or rather_than or word.endswith(("n't", "n’t")):
            flip_until = index + _NEGATION_REACH
            continue
        weight_pos = POSITIVE_WORDS.get(word, 0.0)
        weight_neg = NEGATIVE_WORDS.get(word, 0.0)
        if index <= flip_until:
            weight_pos, weight_neg = weight_neg * 0.5, weight_pos
        positive += weight_pos
        negative += weight_neg
    return positive, negative


def _aspects_in(words: list[str], lowered: str) -> tuple[Aspect, ...]:
    found: dict[Aspect, None] = {}
    for word in words:
        for aspect in _KEYWORD_INDEX.get(word, ()):
            found.setdefault(aspect, None)
    for phrase in ("art style", "fight scenes", "action scenes"):
        if phrase in lowered:
            found.setdefault("animation", None)
    return tuple(found)


def read_clauses(
    sentence: Sentence, section: Aspect | None, ignore: frozenset[str] = frozenset()
) -> list[ClauseReading]:
    """The clauses of a sentence with aspects and sentiment; ``ignore`` words (title names) count for none."""
    readings: list[ClauseReading] = []
    previous: tuple[Aspect, ...] = (section,) if section else ()
    for clause in _CLAUSE_RE.split(sentence.text):
        if not clause.strip():
            continue
        lowered = clause.lower()
        words = [w for w in _TOKEN_RE.findall(lowered) if w not in ignore]
        # Under an aspect heading every clause is about that aspect ("fight scenes in the exam arc" is Art).
        aspects = (section,) if section else _aspects_in(words, lowered) or previous
        positive, negative = sentiment(words)
        readings.append(ClauseReading(sentence, clause.strip(), aspects, positive, negative))
        previous = aspects
    return readings


def _polarity(positive: float, negative: float) -> Polarity:
    total = positive + negative
    if total == 0:
        return "mixed"
    share = positive / total
    if share >= 2 / 3:
        return "positive"
    if share <= 1 / 3:
        return "negative"
    return "mixed"


def _representative(readings: list[ClauseReading], polarity: Polarity) -> Sentence:
    """The sentence whose clauses about the aspect best match its overall polarity."""

    def fit(reading: ClauseReading) -> tuple[float, int]:
        if polarity == "positive":
            value = reading.positive - reading.negative
        elif polarity == "negative":
            value = reading.negative - reading.positive
        else:
            value = min(reading.positive, reading.negative) * 2 + abs(reading.polarity) * 0.5
        length = len(reading.sentence.text)
        fits_a_line = 1 if 30 <= length <= 260 else 0
        return value + fits_a_line, -reading.sentence.start

    return max(readings, key=fit).sentence


def aspect_lines(readings: Iterable[ClauseReading], headed: Iterable[Aspect] = ()) -> list[AspectLine]:
    """One line per aspect discussed, in the fixed aspect order."""
    by_aspect: dict[Aspect, list[ClauseReading]] = {}
    for reading in readings:
        for aspect in reading.aspects:
            by_aspect.setdefault(aspect, []).append(reading)
    headed_set = set(headed)
    lines: list[AspectLine] = []
    for aspect in ASPECTS:
        found = by_aspect.get(aspect, [])
        positive = sum(r.positive for r in found)
        negative = sum(r.negative for r in found)
        if not found or (positive + negative == 0 and aspect not in headed_set):
            continue
        polarity = _polarity(positive, negative)
        lines.append(AspectLine(aspect, polarity, _representative(found, polarity).text))
    return lines
