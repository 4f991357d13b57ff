"""Find catalog titles named in free text (reviews), without flagging ordinary words."""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from bot.catalog.common_words import COMMON_WORDS
from bot.catalog.models import Mention, Title
from bot.catalog.normalize import FUNCTION_WORDS, fold

MAX_WORDS = 8  # longest name, in words, looked up as written ("X no Y ni Z Season 2")
FUZZY_CUTOFF = 86.0  # rapidfuzz ratio a misspelled, capitalised span needs ("Death Parada" scores 92)
FUZZY_MIN_CHARS = 6
# By kind of name hit: canonical, alias, abbreviation, initials.
CONFIDENCE = {0: 1.0, 1: 0.95, 2: 0.92, 3: 0.9}
FUZZY_SCALE = 0.85

# Words, plus the symbols that stand for words in titles ("Carole & Tuesday", "Hunter × Hunter").
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[&×＆]")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]*_]*(?=\s|$)|\n")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)
_OPENERS = "\"'“‘*_(["  # may precede the first word of a sentence or a quoted title
_QUOTES_BEFORE = "\"“‘'*_"
_QUOTES_AFTER = "\"”’'*_"
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s*(?:and|or|&|/|vs\.?)|;)\s*$", re.IGNORECASE)
_CUE_BEFORE = frozenset(
    {"like", "unlike", "than", "watched", "watching", "rewatched", "rewatching", "finished", "recommend"}
    | {"vs", "versus"}
)
_CUE_AFTER = frozenset(
    {"fans", "fan", "fandom", "vibes", "season", "ost", "op", "ed", "anime", "adaptation", "reboot", "remake"}
)


class NameLookup(Protocol):
    """What the mention finder needs of a title index (bot.catalog.index.CatalogIndex provides it)."""

    def exact_hits(self, folded: str) -> list[tuple[Title, int]]: ...

    def written_as_named(self, title: Title, written: str) -> bool: ...

    def fuzzy_span(self, folded: str, n_words: int, cutoff: float) -> tuple[str, float] | None: ...

    def knows_word(self, word: str) -> bool: ...


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    folded: str
    capital: bool  # first letter upper case (or a digit)
    sentence_start: bool  # first word of a sentence, so its capital says nothing


@dataclass(slots=True)
class _Found:
    first: int  # token positions, end exclusive
    last: int
    title: Title
    confidence: float
    trim: int = 0  # characters cut from the last word (a possessive "'s")


def find_mentions(index: NameLookup, text: str) -> list[Mention]:
    """Titles named in text, in order, without overlaps, looked up in index."""
    tokens = _tokenize(text)
    accepted, held = _exact_pass(index, text, tokens)
    accepted += _rescue_listed(text, tokens, accepted, held)
    accepted = _without_overlaps(accepted)
    accepted += _fuzzy_pass(index, text, tokens, accepted)
    accepted = _without_overlaps(accepted)
    ends = _sentence_ends(text)
    mentions = []
    for found in sorted(accepted, key=lambda f: f.first):
        start, end = tokens[found.first].start, tokens[found.last - 1].end - found.trim
        mentions.append(
            Mention(
                title=found.title,
                matched=text[start:end],
                start=start,
                end=end,
                sentence=_sentence(text, ends, start, end),
                confidence=round(found.confidence, 4),
            )
        )
    return mentions


def _tokenize(text: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        tokens.append(
            _Token(
                start=match.start(),
                end=match.end(),
                text=word,
                folded=fold(word),
                capital=word[0].isupper() or word[0].isdigit(),
                sentence_start=_starts_sentence(text, match.start()),
            )
        )
    return tokens


def _starts_sentence(text: str, at: int) -> bool:
    at -= 1
    while at >= 0 and (text[at] in " \t" or text[at] in _OPENERS or text[at] in "-•>#"):
        at -= 1
    return at < 0 or text[at] in ".!?…\n"


def _exact_pass(index: NameLookup, text: str, tokens: list[_Token]) -> tuple[list[_Found], list[_Found]]:
    """Names found word for word; those that look like ordinary words are held back for a list cue."""
    accepted: list[_Found] = []
    held: list[_Found] = []
    # A name is made of words the index knows: a span stops at the first word no name holds.
    known = [_known(index, token) for token in tokens]
    for first in range(len(tokens)):
        if not known[first]:
            continue
        reach, stop = first + 1, min(len(tokens), first + MAX_WORDS)
        while reach < stop and known[reach] and _adjacent(text, tokens[reach - 1], tokens[reach]):
            reach += 1
        for last in range(reach, first, -1):
            words = [token.folded for token in tokens[first:last]]
            hits = index.exact_hits(" ".join(words))
            trim = 0
            if not hits and _POSSESSIVE.search(tokens[last - 1].text):
                words[-1] = fold(_POSSESSIVE.sub("", tokens[last - 1].text))
                hits = index.exact_hits(" ".join(words))
                trim = 2  # "Frieren's": the mention is "Frieren"
            if not hits:
                continue
            verdict = _judge(index, text, tokens, (first, last), words=words, hits=hits)
            if verdict is not None:
                found, sure = verdict
                found.trim = trim
                (accepted if sure else held).append(found)
                break
    return accepted, held


def _known(index: NameLookup, token: _Token) -> bool:
    """Whether some name holds this word as written, or without its possessive "'s"."""
    if token.folded and all(index.knows_word(part) for part in token.folded.split(" ")):
        return True
    if _POSSESSIVE.search(token.text):
        stripped = fold(_POSSESSIVE.sub("", token.text))
        return bool(stripped) and all(index.knows_word(part) for part in stripped.split(" "))
    return False


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    """Two words can belong to one name: no sentence end or line break between them."""
    gap = text[left.end : right.start]
    return len(gap) <= 3 and not any(char in gap for char in ".!?\n,()")


def _judge(
    index: NameLookup,
    text: str,
    tokens: list[_Token],
    span: tuple[int, int],
    *,
    words: list[str],
    hits: list[tuple[Title, int]],
) -> tuple[_Found, bool] | None:
    """Whether a word-for-word hit counts: (found, sure), or None when it must not count at all."""
    first, last = span
    compact = "".join(words)
    written = text[tokens[first].start : tokens[last - 1].end]
    if len(compact) <= 4 or all(kind == 3 for _, kind in hits):
        # Short names and made-up initials only count written exactly so: "Eva", "FMA", "AoT".
        hits = [(title, kind) for title, kind in hits if index.written_as_named(title, written)]
        if not hits:
            return None
    title, kind = hits[0]
    found = _Found(first, last, title, CONFIDENCE[kind])
    ordinary = all(word in COMMON_WORDS or word.isdigit() for word in words) and len(words) <= 2
    if not ordinary or _marked(text, tokens, first, last):
        return found, True
    if _capitalised(tokens[first:last]):
        return found, False  # "Monster" at the start of a sentence: counts only in a list of titles
    return None


def _capitalised(span: list[_Token]) -> bool:
    content = [token for token in span if token.folded not in FUNCTION_WORDS] or span
    return all(token.capital for token in content)


def _marked(text: str, tokens: list[_Token], first: int, last: int) -> bool:
    """Written like a title: quoted or emphasised, or capitalised where a sentence start cannot explain it."""
    start, end = tokens[first].start, tokens[last - 1].end
    if start > 0 and end < len(text) and text[start - 1] in _QUOTES_BEFORE and text[end] in _QUOTES_AFTER:
        return True
    span = tokens[first:last]
    if not _capitalised(span):
        return False
    if any(token.capital and not token.sentence_start for token in span):
        return True
    before = tokens[first - 1].folded if first > 0 else ""
    after = tokens[last].folded if last < len(tokens) else ""
    return before in _CUE_BEFORE or after in _CUE_AFTER


def _rescue_listed(text: str, tokens: list[_Token], accepted: list[_Found], held: list[_Found]) -> list[_Found]:
    """Held-back names count when listed next to accepted titles: "Monster, Another and Death Note".

    Names are linked when only a list separator lies between them; a held name is rescued when a
    chain of such links reaches an accepted one. A separator is at most one word ("and", "vs"), so
    each name has few possible neighbours and the work grows linearly with the text.
    """
    if not held:
        return []
    starting: dict[int, list[_Found]] = defaultdict(list)
    for found in (*accepted, *held):
        starting[found.first].append(found)
    links: dict[int, list[_Found]] = defaultdict(list)  # id(found) -> its listed neighbours
    for left in (*accepted, *held):
        for right in (*starting.get(left.last, ()), *starting.get(left.last + 1, ())):
            gap = text[tokens[left.last - 1].end : tokens[right.first].start]
            if _LIST_GAP.match(gap):
                links[id(left)].append(right)
                links[id(right)].append(left)
    reached = {id(found) for found in accepted}
    queue = list(accepted)
    while queue:
        for neighbour in links.get(id(queue.pop()), ()):
            if id(neighbour) not in reached:
                reached.add(id(neighbour))
                queue.append(neighbour)
    return [found for found in held if id(found) in reached]


def _without_overlaps(found: list[_Found]) -> list[_Found]:
    """Longest names first, then surest; a later name overlapping a kept one is dropped."""
    kept: list[_Found] = []
    taken: set[int] = set()
    for item in sorted(found, key=lambda f: (-(f.last - f.first), -f.confidence, f.first)):
        positions = set(range(item.first, item.last))
        if positions & taken:
            continue
        kept.append(item)
        taken |= positions
    return kept


def _fuzzy_pass(index: NameLookup, text: str, tokens: list[_Token], accepted: list[_Found]) -> list[_Found]:
    """Misspelled names: capitalised spans with a word no exact hit covers, matched against similar names.

    A span may swallow exact hits it fully contains: "Fullmetal Alchemist Brotherhod" beats the exact
    "Fullmetal Alchemist" inside it, because the longer name wins when overlaps are settled.
    """
    owner: dict[int, _Found] = {}
    for item in accepted:
        for position in range(item.first, item.last):
            owner[position] = item
    found: list[_Found] = []
    for first, last in _capitalised_runs(text, tokens):
        if all(position in owner for position in range(first, last) if tokens[position].capital):
            continue
        position = first
        while position < last:
            hit = _best_fuzzy_span(index, tokens, position, last, owner)
            if hit is None:
                position += 1
                continue
            found.append(hit)
            position = hit.last
    return found


def _capitalised_runs(text: str, tokens: list[_Token]) -> list[tuple[int, int]]:
    """Maximal runs of capitalised words, allowing lowercase particles inside ("Made in Abyss")."""
    runs: list[tuple[int, int]] = []
    position = 0
    while position < len(tokens):
        if not tokens[position].capital:
            position += 1
            continue
        end = position + 1
        while end < len(tokens) and _adjacent(text, tokens[end - 1], tokens[end]):
            inner = end + 1 < len(tokens) and tokens[end + 1].capital
            particle = inner and tokens[end].folded in FUNCTION_WORDS
            if not (tokens[end].capital or particle):
                break
            end += 1
        runs.append((position, end))
        position = end
    return runs


def _best_fuzzy_span(
    index: NameLookup, tokens: list[_Token], first: int, run_end: int, owner: dict[int, _Found]
) -> _Found | None:
    """The longest span starting at first that closely matches a catalog name."""
    head = tokens[first]
    if not head.capital or (head.sentence_start and head.folded in COMMON_WORDS):
        return None  # "The", "Honestly": a sentence opener, not the start of a title
    for last in range(min(run_end, first + MAX_WORDS), first, -1):
        span = tokens[first:last]
        if not span[-1].capital or not _cuts_no_mention(first, last, owner):
            continue
        if all(position in owner for position in range(first, last)):
            continue  # already found word for word
        folded = " ".join(token.folded for token in span)
        if len(folded) < FUZZY_MIN_CHARS or all(token.folded in COMMON_WORDS for token in span):
            continue
        match = index.fuzzy_span(folded, last - first, FUZZY_CUTOFF)
        if match is None:
            continue
        key, score = match
        hits = index.exact_hits(key)
        if not hits or len(key.replace(" ", "")) <= 4:
            continue
        return _Found(first, last, hits[0][0], FUZZY_SCALE * score / 100)
    return None


def _cuts_no_mention(first: int, last: int, owner: dict[int, _Found]) -> bool:
    """A span may contain exact mentions whole, but not cut one in two."""
    return all(
        owner[position].first >= first and owner[position].last <= last
        for position in (first, last - 1)
        if position in owner
    )


def _sentence_ends(text: str) -> list[int]:
    return [match.end() for match in _SENTENCE_END.finditer(text)]


def _sentence(text: str, ends: list[int], start: int, end: int) -> str:
    """The sentence holding text[start:end] (several, if the name spans a sentence mark like "Dr.")."""
    before = bisect.bisect_right(ends, start)
    sentence_start = ends[before - 1] if before else 0
    after = bisect.bisect_left(ends, end)
    sentence_end = ends[after] if after < len(ends) else len(text)
    return text[sentence_start:sentence_end].strip()
