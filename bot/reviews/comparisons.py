"""Other titles a review names: comparisons ("a bit of Gundam") and credits ("from the studio behind FMA").

A name the catalog finder resolves becomes a ``ComparisonRef``; a capitalised phrase in a
comparison context that it does not resolve is only offered to the moderator as a suggestion.
Names inside spoiler bars are left out: showing them would spoil.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.catalog.models import Mention, Title
from bot.text import balance_spoilers, clip, plain, split_sentences, spoiler_spans

ComparisonKind = Literal["comparison", "studio_credit"]
COMPARISON_SENTENCE_MAX = 300
_SENTENCE_REACH = 2000
MAX_SUGGESTIONS = 10
SUGGEST_HEAD_CHARS = 40_000
SUGGEST_TAIL_CHARS = 10_000

# Wording right before a title that credits the makers rather than compares the show.
_MAKERS = (
    r"(?:studio|studios|team|people|folks|staff|director|creator|creators|makers|mangaka|author|writer|animators?)"
)
_MADE = (
    r"(?:behind|brought\s+us|gave\s+us|made|make|did|produced|animated|created|directed|wrote|responsible\s+for"
    r"|went\s+on\s+to\s+(?:make|do|animate|produce))"
)
_ADVERB = r"(?:(?:also|later|previously|once|then|recently|of\s+course)\s+)?"
# "hits such as X", "shows like X", "classics including X": the works named after a credit.
_WORKS = (
    r"(?:(?:(?:big\s+|huge\s+)?(?:hits|shows|series|classics|titles|works|gems|favou?rites|bangers|anime)\s+)?"
    r"(?:such\s+as|like|including)\s+)?"
)
_OPEN = r"\s+(?:the\s+)?[\"'“*_]*$"
_CREDIT_BEFORE_RE = re.compile(
    rf"{_MAKERS}\b(?:[^.!?\n]|(?<![A-Za-z]{{2}})\.){{0,40}}?\b(?:{_ADVERB}{_MADE}|of|that\s+{_ADVERB}{_MADE}|who\s+{_ADVERB}{_MADE}"
    rf"|which\s+{_ADVERB}{_MADE})\s+{_WORKS}(?:the\s+)?[\"'“*_]*$"
    rf"|\b(?:from|by)\s+the\s+(?:same\s+)?(?:studio|team|people|director|creator|makers|writer)\s+(?:of|behind|that\s+made)"
    rf"{_OPEN}"
    rf"|\bsame\s+(?:studio|team|director|staff|writer|people)\s+as{_OPEN}"
    # "Madhouse, who also made Perfect Blue" / "From Bones, who gave us FMA".
    rf"|\b(?:who|which)\s+{_ADVERB}{_MADE}\s+{_WORKS}(?:the\s+)?[\"'“*_]*$",
    re.IGNORECASE,
)
# "Attack on Titan's studio made this": the title's makers, named right after it.
_CREDIT_AFTER_RE = re.compile(
    r"(?:['’]s|['’])\s+(?:own\s+)?(?:studio|director|team|creator|writer|author|makers|staff|animators)\b",
    re.IGNORECASE,
)
# "animated by MAPPA (Jujutsu Kaisen, Chainsaw Man)": titles listed in brackets after a studio.
_CREDIT_BRACKET_RE = re.compile(r"(?:studio|animated\s+by|produced\s+by)\s+[\w.&' -]{1,30}\([^()]*$", re.IGNORECASE)
# A capitalised word glued before a one-word title makes it part of a longer name ("Girls Dead Monster").
_GLUED_BEFORE_RE = re.compile(r"(?<![.!?:\n])[ \t]([A-Z][a-z]+)[ \t]$")

_CONNECTORS = r"(?:of|the|no|in|to|a|an|wa|ga|wo|and|&|x|de|on|for)"
_WORD = r"[A-Z0-9][\w'’!?.:;★☆×-]*"
_PHRASE = rf"{_WORD}(?:[ \t]+(?:{_CONNECTORS}[ \t]+)*{_WORD}){{0,6}}"
_LIST_SEPARATOR = r"(?:[ \t]*,[ \t]*(?:and[ \t]+|or[ \t]+)?|[ \t]+and[ \t]+|[ \t]+or[ \t]+|[ \t]*/[ \t]*)"
_LIST = rf"({_PHRASE}(?:{_LIST_SEPARATOR}{_PHRASE})*)"
_CONTEXT_RE = re.compile(
    r"(?:\ba\s+(?:bit|little|touch|dash|hint|lot)\s+of|\bfans?\s+of|\breminds?\s+me\s+of|\breminded\s+me\s+of"
    r"|\breminiscent\s+of|\bshades\s+of|\bechoes\s+of|\bin\s+the\s+vein\s+of|\bsimilar\s+to|\bcompar(?:ed|isons?)\s+to"
    r"|\bif\s+you\s+(?:liked|loved|enjoyed)|\b(?:feels|felt|looks|looked|plays|played|sounds|something|much|just)"
    r"\s+like|\bbrought\s+us|\bgave\s+us|\bbehind|\bthe\s+next|\bspiritual\s+successor\s+to|\bmeets)"
    r"\s+(?:the\s+)?[\"'“*_]*" + _LIST,
)
# The name before a title in a list ("Death Note, " / "Death Note and "), removed to read what leads the list.
_LIST_ITEM_BEFORE_RE = re.compile(rf"(?:{_PHRASE})(?:[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+)$")
# A cheap test first: only text ending in ", " or " and " can hold a list item before the title.
_ENDS_A_LIST_ITEM_RE = re.compile(r"(?:,|[ \t]and)[ \t]*$")
_MEETS_RE = re.compile(rf"({_PHRASE})[ \t]+meets[ \t]+")
_QUOTED_RE = re.compile(
    r"(?<![\w*])(?:\*([A-Z0-9][^*\n]{1,60}?)\*|_([A-Z0-9][^_\n]{1,60}?)_"
    r"|[\"“]([A-Z0-9][^\"”\n]{1,60}?)[\"”])(?![\w*])"
)
_CONNECTOR_WORDS = frozenset(
    {"of", "the", "no", "in", "to", "a", "an", "wa", "ga", "wo", "and", "&", "x", "de", "on", "for"}
)
_NOT_TITLES = frozenset(
    {
        "i",
        "i'm",
        "i've",
        "it",
        "it's",
        "this",
        "that",
        "the",
        "they",
        "he",
        "she",
        "we",
        "you",
        "his",
        "her",
        "its",
        "their",
        "my",
        "our",
        "japan",
        "japanese",
        "netflix",
        "crunchyroll",
        "hidive",
        "funimation",
        "amazon",
        "disney",
        "youtube",
        "twitter",
        "anime",
        "manga",
        "english",
        "sub",
        "dub",
        "season",
        "part",
        "episode",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "ost",
        "op",
        "ed",
    }
)


_FAR = 1 << 62


class MentionFinder(Protocol):
    """Anything that finds catalog titles named in free text (the catalog index does)."""

    def find_mentions(self, text: str) -> list[Mention]: ...


@dataclass(frozen=True, slots=True)
class ComparisonRef:
    """Another title the review names, how it names it, and the sentence that does."""

    title: Title
    kind: ComparisonKind
    sentence: str
    matched: str


def _fold(name: str) -> str:
    return re.sub(r"[^\w]+", " ", name.casefold()).strip()


def _inside(start: int, spans: list[tuple[int, int]]) -> bool:
    """Whether start lies in one of the spans (sorted, not overlapping), in logarithmic time."""
    index = bisect_right(spans, (start, _FAR)) - 1
    return index >= 0 and spans[index][0] <= start < spans[index][1]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    """Whether [start, end) overlaps one of the spans (sorted by start, not overlapping)."""
    index = bisect_right(spans, (end, _FAR)) - 1
    return index >= 0 and spans[index][1] > start and spans[index][0] < end


def classify_mention(text: str, start: int, end: int | None = None) -> ComparisonKind:
    """Whether the words around a title credit its makers or compare the show to it."""
    line_start = max(text.rfind("\n", 0, start) + 1, start - 120)
    before = text[line_start:start]
    if _CREDIT_BEFORE_RE.search(before) or _CREDIT_BRACKET_RE.search(before):
        return "studio_credit"
    if end is not None and _CREDIT_AFTER_RE.match(text, end):
        return "studio_credit"
    # Lists: "the studio behind Death Note and Hunter x Hunter" credits both.
    while _ENDS_A_LIST_ITEM_RE.search(before):
        list_lead = _LIST_ITEM_BEFORE_RE.sub("", before)
        if list_lead == before:
            break
        if _CREDIT_BEFORE_RE.search(list_lead):
            return "studio_credit"
        before = list_lead
    return "comparison"


def _sentence_around(text: str, position: int, names: tuple[str, ...]) -> str:
    """The sentence holding position, read from its paragraph only (a long review is not split whole)."""
    paragraph = text.rfind("\n\n", 0, position)
    start = max(0 if paragraph == -1 else paragraph + 2, position - _SENTENCE_REACH)
    end = text.find("\n\n", position)
    end = min(len(text) if end == -1 else end, position + _SENTENCE_REACH)
    for sentence in split_sentences(text[start:end], names):
        if sentence.start <= position - start < sentence.end:
            return sentence.text
    return ""


def _part_of_longer_name(text: str, mention: Mention) -> bool:
    """A one-word title inside a longer capitalised name ("Girls Dead Monster", a band) is not that title."""
    if " " in mention.matched.strip():
        return False
    glued = _GLUED_BEFORE_RE.search(text, max(0, mention.start - 30), mention.start)
    return glued is not None and glued.group(1).lower() not in _NOT_TITLES


def find_comparisons(
    text: str, reviewed_title_id: int | None, finder: MentionFinder, names: tuple[str, ...] = ()
) -> list[ComparisonRef]:
    """Every other catalog title the review names, once per title, in order of first mention.

    A title the review both credits and compares the show to is a comparison (shown with the
    sentence that compares); one it only credits ("the studio behind X") is a studio credit.
    """
    mentions = finder.find_mentions(text)
    spoilers = spoiler_spans(text)
    reviewed_names: set[str] = set()
    for mention in mentions:
        if mention.title.id == reviewed_title_id:
            reviewed_names.update(_fold(n) for n in (mention.title.name, *mention.title.aliases, mention.matched))
    refs: dict[int, ComparisonRef] = {}
    for mention in sorted(mentions, key=lambda m: m.start):
        title = mention.title
        if title.id == reviewed_title_id or _fold(mention.matched) in reviewed_names:
            continue
        known = refs.get(title.id)
        if known and known.kind == "comparison":
            continue  # the title is in: later mentions change nothing
        if _inside(mention.start, spoilers) or _part_of_longer_name(text, mention):
            continue
        kind = classify_mention(text, mention.start, mention.end)
        if known and kind != "comparison":
            continue
        # Cut an unclosed spoiler off the sentence: what follows a forgotten closing bar is hidden.
        sentence = balance_spoilers(_sentence_around(text, mention.start, names) or mention.sentence)
        refs[title.id] = ComparisonRef(
            title=title,
            kind=kind,
            sentence=clip(plain(sentence), COMPARISON_SENTENCE_MAX),
            matched=known.matched if known else mention.matched,
        )
    return list(refs.values())


def _split_list(names: str) -> list[str]:
    parts = re.split(
        r"[ \t]*,[ \t]*(?:and[ \t]+|or[ \t]+)?|[ \t]+and[ \t]+(?=[A-Z0-9])|[ \t]+or[ \t]+|[ \t]*/[ \t]*",
        names,
    )
    return [p for p in parts if p]


def _tidy_name(name: str) -> str:
    # A phrase may run past the end of its sentence ("… and Evangelion. It"): keep the first part.
    name = re.split(r"[.!?;:,][ \t]", name)[0].strip(" \t.,;:'’\"“”*_")
    words = name.split()
    # Titles do not end on a connector ("Gundam and") or a trailing clause word.
    while words and words[-1].lower() in _CONNECTOR_WORDS:
        words.pop()
    return " ".join(words).strip(" \t.,;:")


def suggest_unknown_titles(text: str, mentions: list[Mention]) -> list[str]:
    """Capitalised names in comparison contexts the finder did not resolve: suggestions for a moderator."""
    spoilers = spoiler_spans(text)
    resolved = sorted((m.start, m.end) for m in mentions)
    resolved_names = {_fold(m.matched) for m in mentions} | {_fold(m.title.name) for m in mentions}
    found: dict[str, None] = {}

    def consider(name: str, start: int) -> None:
        name = _tidy_name(name)
        folded = _fold(name)
        if len(name) < 3 or not folded or folded in resolved_names or folded in _NOT_TITLES:
            return
        if _inside(start, spoilers) or _overlaps(start, start + max(1, len(name)), resolved):
            return
        if not any(c.isalpha() for c in name) or len(name.split()) > 7:
            return
        found.setdefault(name, None)

    # A very long review is read in its opening and closing: ten suggestions are found long before that.
    searched = [(0, min(len(text), SUGGEST_HEAD_CHARS))]
    if len(text) > SUGGEST_HEAD_CHARS:
        searched.append((max(SUGGEST_HEAD_CHARS, len(text) - SUGGEST_TAIL_CHARS), len(text)))
    for start, end in searched:
        _suggest_in(text, start, end, consider)
    return list(found)[:MAX_SUGGESTIONS]


def _suggest_in(text: str, start: int, end: int, consider: Callable[[str, int], None]) -> None:
    for match in _CONTEXT_RE.finditer(text, start, end):
        offset = match.start(1)
        for part in _split_list(match.group(1)):
            position = text.find(part, offset)
            consider(part, position if position >= 0 else offset)
            offset = max(offset, position + len(part))
    for match in _MEETS_RE.finditer(text, start, end):
        consider(match.group(1), match.start(1))
    for match in _QUOTED_RE.finditer(text, start, end):
        name = next(g for g in match.groups() if g)
        words = [w for w in name.split() if w.lower() not in _CONNECTOR_WORDS]
        # Quoted dialogue is not a title: every word of a title is capitalised.
        # A quoted single word is a nickname or a term far more often than a title.
        one_quoted_word = match.group(3) is not None and len(words) < 2
        title_case = all(w[0].isupper() or w[0].isdigit() for w in words)
        if words and title_case and not one_quoted_word and not name.rstrip().endswith(","):
            consider(name, match.start())
