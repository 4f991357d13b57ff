"""Production facts a review states about its title: studio, director, writers, premiere, origin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Origin = Literal["original", "adaptation"]

# A proper name: capitalised words, allowing particles found in staff and studio names.
_NAME = r"[A-Z][\w.'&!-]*(?:[ \t]+(?:(?:de|van|von|no|of)[ \t]+)?[A-Z0-9][\w.'&!-]*){0,3}"
# Studios written in lower case by their own choice.
_LOWERCASE_STUDIOS = r"ufotable|david production|feel\.|dwarf|sunrise beyond"
_STUDIO = rf"(?:{_LOWERCASE_STUDIOS}|(?:Studio[ \t]+)?{_NAME})"

_STUDIO_RES = (
    re.compile(rf"\b(?i:studios?)[ \t]*:[ \t]*\**[ \t]*({_STUDIO})"),
    re.compile(rf"\bfrom[ \t]+(?i:studio)[ \t]+({_NAME})"),
    re.compile(
        r"\b(?:anime|series|show|film|movie|adaptation|production)[ \t]+from[ \t]+"
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


def _first(patterns: tuple[re.Pattern[str], ...], text: str) -> re.Match[str] | None:
    """The earliest match of any pattern: the intro states the facts before the body discusses them."""
    matches = [m for pattern in patterns if (m := pattern.search(text))]
    return min(matches, key=lambda m: m.start()) if matches else None


def _split_writers(names: str) -> tuple[str, ...]:
    parts = re.split(r"[ \t]*,[ \t]*(?:and[ \t]+)?|[ \t]+and[ \t]+|[ \t]*&[ \t]*", names)
    seen: dict[str, None] = {}
    for part in parts:
        name = _clean_name(part)
        if name and name[0].isupper():
            seen.setdefault(name, None)
    return tuple(seen)


def _origin(text: str) -> tuple[Origin | None, str | None]:
    adaptation = _first(_ADAPTATION_RES, text)
    original = _ORIGINAL_RE.search(text)
    if adaptation and (not original or adaptation.start() <= original.start()):
        source = re.sub(r"[ \t]+", " ", adaptation.group(1).lower())
        return "adaptation", source
    if original:
        return "original", None
    return None, None


def extract_metadata(text: str) -> Metadata:
    """The production facts stated in the review text."""
    if len(text) > _HEAD_CHARS + _TAIL_CHARS:
        text = f"{text[:_HEAD_CHARS]}\n\n{text[-_TAIL_CHARS:]}"
    studio = _first(_STUDIO_RES, text)
    director = _first(_DIRECTOR_RES, text)
    writers = _first(_WRITER_RES, text)
    premiere = _first(_PREMIERE_RES, text)
    origin, source = _origin(text)
    return Metadata(
        studio=_clean_name(studio.group(1)) if studio else None,
        director=_clean_name(director.group(1)) if director else None,
        writers=_split_writers(writers.group(1)) if writers else (),
        premiere=premiere.group(1).strip() if premiere else None,
        origin=origin,
        source_material=source,
    )
