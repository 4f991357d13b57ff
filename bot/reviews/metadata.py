"""Production facts a review states about its title: studio, director, writers, premiere, origin.

Facts belong to the reviewed show: a fact stated in a sentence whose subject is another title
("Cowboy Bebop premiered in 1998") is not taken, and no title's name is ever listed as a writer.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Literal

from bot.text import split_sentences

Origin = Literal["original", "adaptation"]

# A word of a proper name: initials ("P.A." before a capital), or a capitalised word whose dots sit
# inside it ("J.C.Staff", "I.G"); a full stop after a word ends the name ("Kojima. Dr. Tenma").
_NAME_WORD = r"(?:(?:[A-Z]\.){1,3}(?=[ \t][A-Z])|[A-Z0-9][\w'&!-]*(?:\.(?=\w)[\w'&!-]+)*)"
# A proper name: capitalised words, allowing particles found in staff and studio names.
_NAME = rf"(?=[A-Z]){_NAME_WORD}(?:[ \t]+(?:(?:de|van|von|no|of)[ \t]+)?{_NAME_WORD}){{0,3}}"
# Studios written in lower case by their own choice.
_LOWERCASE_STUDIOS = r"ufotable|david production|feel\.|dwarf|sunrise beyond"
_STUDIO = rf"(?:{_LOWERCASE_STUDIOS}|(?:Studio[ \t]+)?{_NAME})"

_STUDIO_RES = (
    re.compile(rf"\b(?i:studios?)[ \t]*:[ \t]*\**[ \t]*({_STUDIO})"),
    re.compile(rf"\bfrom[ \t]+(?i:studio)[ \t]+({_NAME})"),
    re.compile(
        r"\b(?:anime|series|show|film|movie|adaptation|production|original|mystery|comedy|drama|thriller)"
        r"[ \t]+from[ \t]+"
        rf"({_STUDIO})(?=[ \t]*[,.;(]|[ \t]+(?:and|with|under))"
    ),
    re.compile(rf"\b(?i:animated|animation(?:[ \t]+is)?|produced)[ \t]+by[ \t]+(?:studio[ \t]+)?({_STUDIO})"),
    re.compile(
        rf"\b(?:animation[ \t]+)?studio[ \t]+({_NAME})(?:'s|’s)?[ \t]+"
        r"(?:handles|handled|animates|animated|brings|adapts|adapted|delivers|takes)"
    ),
    re.compile(rf"\b(?:comes|come|is)[ \t]+from[ \t]+(?:studio[ \t]+)?({_STUDIO})(?=[ \t]*[,.;(]|[ \t]+(?:and|with))"),
)
_DIRECTOR_RES = (
    re.compile(rf"\b(?i:direct(?:ed|ion))[ \t]+(?:is[ \t]+)?by[ \t]+({_NAME})"),
    re.compile(rf"\b(?i:director)[ \t]*:[ \t]*\**[ \t]*({_NAME})"),
    re.compile(rf"\bdirector[ \t]+({_NAME})"),
)
_WRITER_LIST = rf"({_NAME}(?:(?:[ \t]*,[ \t]*|[ \t]+and[ \t]+|[ \t]*&[ \t]*)(?!by\b){_NAME})*)"
_WRITER_RES = (
    re.compile(
        r"\b(?i:series[ \t]+composition|written|scripts?|screenplay|scripted)[ \t]+(?:is[ \t]+)?by[ \t]+" + _WRITER_LIST
    ),
    re.compile(r"\b(?i:writers?|screenwriters?|series[ \t]+composition)[ \t]*:[ \t*]*" + _WRITER_LIST),
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_DATE = (
    rf"(?:{_MONTHS}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+{_MONTHS}[ \t]+\d{{4}}"
    rf"|{_MONTHS}[ \t]+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2}"
    r"|(?:Winter|Spring|Summer|Fall|Autumn)[ \t]+\d{4}"
    r"|\d{4})"
)
# "K-On! is a 2009 anime", "Madhouse's 2004 adaptation": a year, taken when no premiere is stated.
_YEAR_RES = (
    re.compile(
        r"(?:\b(?:is|was)[ \t]+(?:a|an)|['’]s)[ \t]+(\d{4})[ \t]+(?:anime|series|show|film|movie|adaptation|TV)\b"
    ),
)
_PREMIERE_RES = (
    re.compile(
        r"\b(?:premiered|premieres|aired|debuted|first[ \t]+aired|started[ \t]+airing|released)[ \t]+"
        rf"(?:on|in|from|back[ \t]+in)?[ \t]*(?:the[ \t]+)?({_DATE})(?:[ \t]+season)?",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:premiere|air[ \t]*date|aired|release[ \t]+date)[ \t]*:[ \t]*\**[ \t]*({_DATE})", re.IGNORECASE),
)
_SOURCE = (
    r"(light[ \t]+novel|web[ \t]+novel|visual[ \t]+novel|web[ \t]*comic|webtoon|manhwa|manga|novel"
    r"|video[ \t]+game|game)"
)
_ADAPTATION_RES = (
    re.compile(
        r"\b(?:adaptation|adapts|adapted|based)[ \t]+(?:of|from|on)[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+)?"
        rf"(?:[\w'’ .-]{{0,40}}?[ \t])??{_SOURCE}",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{_SOURCE}[ \t]+adaptation\b", re.IGNORECASE),
    re.compile(rf"\badapts[ \t]+(?:the[ \t]+|a[ \t]+|an[ \t]+)?(?:[\w'’ .-]{{0,40}}?[ \t])??{_SOURCE}", re.IGNORECASE),
    re.compile(rf"\bsource[ \t]+(?:material)?[ \t]*:[ \t]*\**[ \t]*{_SOURCE}", re.IGNORECASE),
)
_ORIGINAL_RE = re.compile(
    r"\b(?:an?|is|as)[ \t]+(?:(?:completely|entirely|wholly|brand[ \t-]new)[ \t]+)?(?:anime[ \t-])?original"
    r"(?![ \t]+(?:manga|novel|light|web|source|work[ \t]+by|story[ \t]+by[ \t]+[A-Z]))"
    r"(?:[ \t]+(?:anime|series|story|work|production|tv[ \t]+anime|creation))?\b"
    r"|\boriginal[ \t]+anime\b|\banime[ \t-]original\b|\bsource[ \t]*:[ \t]*\**[ \t]*original\b",
    re.IGNORECASE,
)
_TRAILING_NOISE = (" and", " with", " in", " The", " It", " This")
# Facts sit in the intro or in a closing facts block; a 200 KB review's middle is not searched.
_HEAD_CHARS = 20_000
_TAIL_CHARS = 5_000


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the review says about how the title was made; None or () when the review does not say."""

    studio: str | None = None
    director: str | None = None
    writers: tuple[str, ...] = ()
    premiere: str | None = None
    origin: Origin | None = None
    source_material: str | None = None


def _clean_name(name: str) -> str:
    name = name.strip(" \t*.,;:'’")
    for noise in _TRAILING_NOISE:
        if name.endswith(noise):
            name = name[: -len(noise)]
    return name.strip(" \t*.,;:")


class _Others:
    """Where other titles are named, and where the sentences of the text start."""

    def __init__(self, text: str, spans: tuple[tuple[int, int], ...], names: tuple[str, ...]) -> None:
        self.spans = spans
        self.starts = [s.start for s in split_sentences(text, names)] if spans else []


def _about_another_title(text: str, start: int, others: _Others) -> bool:
    """Whether the sentence stating the fact opens with another title: that title is its subject."""
    if not others.spans:
        return False
    index = bisect_right(others.starts, start) - 1
    sentence_start = others.starts[index] if index >= 0 else 0
    opening = re.match(r"\s*(?:(?:the|and|but|also|while)\s+)?[\"'“*_]*", text[sentence_start:start], re.IGNORECASE)
    subject_at = sentence_start + (opening.end() if opening else 0)
    return any(s == subject_at for s, _ in others.spans)


def _first(patterns: tuple[re.Pattern[str], ...], text: str, others: _Others) -> re.Match[str] | None:
    """The earliest match of any pattern about the reviewed show: the intro states the facts first."""
    matches = []
    for pattern in patterns:
        # The first match each pattern has about this show; later ones cannot be earlier.
        first = next((m for m in pattern.finditer(text) if not _about_another_title(text, m.start(), others)), None)
        if first:
            matches.append(first)
    return min(matches, key=lambda m: m.start()) if matches else None


def _fold(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.casefold()))


def _split_writers(names: str, titles: frozenset[str]) -> tuple[str, ...]:
    parts = re.split(r"[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+|[ \t]*&[ \t]*", names)
    seen: dict[str, None] = {}
    for part in parts:
        name = _clean_name(part)
        if name and name[0].isupper() and _fold(name) not in titles:
            seen.setdefault(name, None)
    return tuple(seen)


def _known_studio(text: str, studios: tuple[str, ...]) -> str | None:
    """The first of the reviewed title's catalog studios that the review names, if any."""
    found = [(m.start(), studio) for studio in studios if (m := re.search(rf"(?<!\w){re.escape(studio)}(?!\w)", text))]
    return min(found)[1] if found else None


def _origin(text: str, others: _Others) -> tuple[Origin | None, str | None]:
    adaptation = _first(_ADAPTATION_RES, text, others)
    original = _ORIGINAL_RE.search(text)
    if adaptation and (not original or adaptation.start() <= original.start()):
        source = re.sub(r"[ \t]+", " ", adaptation.group(1).lower())
        return "adaptation", source
    if original:
        return "original", None
    return None, None


def extract_metadata(
    text: str,
    *,
    title_names: tuple[str, ...] = (),
    other_title_spans: tuple[tuple[int, int], ...] = (),
    known_studios: tuple[str, ...] = (),
) -> Metadata:
    """The production facts the review states about its own title.

    ``title_names``: names of titles (the reviewed one included), never taken as a writer.
    ``other_title_spans``: where other titles are named; a fact in a sentence about one of them is skipped.
    ``known_studios``: the reviewed title's studios in the catalog, used when the review names one
    without a phrase such as "animated by".
    """
    spans = other_title_spans
    if len(text) > _HEAD_CHARS + _TAIL_CHARS:
        tail_start = len(text) - _TAIL_CHARS
        shift = _HEAD_CHARS + 2 - tail_start
        spans = tuple(
            (s, e) if e <= _HEAD_CHARS else (s + shift, e + shift)
            for s, e in spans
            if e <= _HEAD_CHARS or s >= tail_start
        )
        text = f"{text[:_HEAD_CHARS]}\n\n{text[tail_start:]}"
    others = _Others(text, spans, title_names)
    studio = _first(_STUDIO_RES, text, others)
    director = _first(_DIRECTOR_RES, text, others)
    writers = _first(_WRITER_RES, text, others)
    premiere = _first(_PREMIERE_RES, text, others) or _first(_YEAR_RES, text, others)
    origin, source = _origin(text, others)
    titles = frozenset(_fold(name) for name in title_names)
    return Metadata(
        studio=_clean_name(studio.group(1)) if studio else _known_studio(text, known_studios),
        director=_clean_name(director.group(1)) if director else None,
        writers=_split_writers(writers.group(1), titles) if writers else (),
        premiere=premiere.group(1).strip() if premiere else None,
        origin=origin,
        source_material=source,
    )
