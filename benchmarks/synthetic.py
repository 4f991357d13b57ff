"""Made-up but realistic data for benchmarks: a catalog in the anime-offline-database schema, and reviews."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.catalog.models import Title

SCHEMA_URL = (
    "https://raw.githubusercontent.com/manami-project/anime-offline-database/master/schemas/"
    "anime-offline-database.schema.json"
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_SYLLABLES = _words(
    "a i u e o ka ki ku ke ko sa shi su se so ta chi tsu te to na ni nu ne no ha hi fu he ho ma mi mu me mo "
    "ya yu yo ra ri ru re ro wa n ga gi gu ge go za ji zu ze zo da de do ba bi bu be bo pa pi po "
    "kyo ryu sho jou kou sei rin tou shin kai ten getsu"
)
_PARTICLES = ("no", "wa", "to", "ga", "ni", "de", "kara")
_ENGLISH = _words(
    "sky blade dragon girl academy dream night star moon sword heart world magic war knight princess "
    "summer winter spring autumn school love hero demon angel ghost city garden sea ocean island fire "
    "ice storm shadow light dark crown king queen tale legend song melody machine steel iron wolf fox "
    "cat bird flower rose cherry blossom tower gate door key journey road rain snow cloud wind time "
    "memory promise future past clock mirror crystal lantern festival kingdom empire soldier pilot "
    "detective witch wizard alchemist hunter slayer rebel saga chronicle record story diary letter "
    "blue red white black silver golden little last first lost hidden broken eternal secret distant "
    "another monster air given orange erased major free gate frontier paradise eden requiem"
)
_KATAKANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
_KANJI = "天空夢星月剣心世界魔法戦騎士姫夏冬春秋学園恋英雄鬼神幽霊都市庭海島火氷嵐影光闇王国物語"
_SEQUELS = (" Season 2", " 2nd Season", " Season 3", ": Final Season", " Movie", " OVA", " Specials", " II")
_TYPES = ("TV", "TV", "TV", "MOVIE", "OVA", "ONA", "SPECIAL")
_SEASONS = ("WINTER", "SPRING", "SUMMER", "FALL")
_TAGS = (
    *_words("action adventure comedy drama fantasy horror mecha music mystery psychological romance"),
    *_words("sci-fi sports supernatural thriller isekai school military historical"),
    "slice of life",
)


def _romaji_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def _romaji_title(rng: random.Random) -> str:
    words = [_romaji_word(rng)]
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
        words += [rng.choice(_PARTICLES), _romaji_word(rng)]
    return " ".join(words)


def _english_title(rng: random.Random) -> str:
    pick = lambda: rng.choice(_ENGLISH).capitalize()  # noqa: E731
    shape = rng.randrange(4)
    if shape == 0:
        return f"The {pick()} of {pick()}"
    if shape == 1:
        return f"{pick()} {pick()}"
    if shape == 2:
        return f"{pick()} {pick()} {pick()}"
    return f"{pick()}: {pick()} of the {pick()}"


def _native(rng: random.Random) -> str:
    alphabet = _KANJI if rng.random() < 0.5 else _KATAKANA
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(3, 9)))


def _entry(rng: random.Random, number: int, earlier: list[dict]) -> dict:
    sequel_of = rng.choice(earlier) if earlier and rng.random() < 0.25 else None
    if sequel_of is not None:
        suffix = rng.choice(_SEQUELS)
        title = sequel_of["title"] + suffix
        synonyms = [name + suffix for name in sequel_of["synonyms"][:3]]
    else:
        title = _romaji_title(rng) if rng.random() < 0.7 else _english_title(rng)
        synonyms = [_english_title(rng), _native(rng)]
        words = title.split()
        if len(words) >= 3:
            synonyms.append("".join(word[0] for word in words if word[0].isalpha()).upper())
        if rng.random() < 0.5:
            synonyms.append(title.replace("ou", "o").replace("uu", "u"))
    synonyms.append(_romaji_title(rng))
    synonyms = list(dict.fromkeys(name for name in synonyms if name != title))
    year = rng.randint(1970, 2025)
    kind = rng.choice(_TYPES)
    anilist, mal = 100_000 + number, 50_000 + number
    related = [f"https://anilist.co/anime/{100_000 + other['_number']}" for other in [sequel_of] if other]
    return {
        "_number": number,
        "sources": [f"https://anilist.co/anime/{anilist}", f"https://myanimelist.net/anime/{mal}"],
        "title": title,
        "type": kind,
        "episodes": 1 if kind == "MOVIE" else rng.choice((12, 12, 13, 24, 25, 26, 6, 48)),
        "status": "FINISHED" if year < 2025 else rng.choice(("ONGOING", "UPCOMING")),
        "animeSeason": {"season": rng.choice(_SEASONS), "year": year},
        "picture": f"https://cdn.myanimelist.net/images/anime/{mal}.jpg",
        "thumbnail": f"https://cdn.myanimelist.net/images/anime/{mal}t.jpg",
        "synonyms": synonyms,
        "relatedAnime": related,
        "tags": sorted(rng.sample(_TAGS, rng.randint(2, 5))),
    }


def catalog_entries(n_titles: int = 40_000, seed: int = 0) -> list[dict]:
    """Deterministic made-up entries in the anime-offline-database shape (about 5 names each)."""
    rng = random.Random(seed)
    entries: list[dict] = []
    for number in range(n_titles):
        entries.append(_entry(rng, number, entries[-2000:]))
    for entry in entries:
        del entry["_number"]
    return entries


def write_catalog(path: Path | str, n_titles: int = 40_000, seed: int = 0, fmt: str = "json") -> Path:
    """Write a made-up catalog: fmt "json" (pretty), "minified" or "jsonl" (metadata line, then entries)."""
    path = Path(path)
    meta = {
        "$schema": SCHEMA_URL,
        "license": {
            "name": "Open Data Commons Open Database License (ODbL) v1.0 + Database Contents License (DbCL) v1.0",
            "url": "https://opendatacommons.org/licenses/odbl/1-0/",
        },
        "repository": "https://github.com/manami-project/anime-offline-database",
        "lastUpdate": "2026-01-01",
    }
    entries = catalog_entries(n_titles, seed)
    with path.open("w", encoding="utf-8") as out:
        if fmt == "jsonl":
            out.write(json.dumps(meta, ensure_ascii=False) + "\n")
            for entry in entries:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        elif fmt in ("json", "minified"):
            document = {**meta, "data": entries}
            if fmt == "json":
                json.dump(document, out, ensure_ascii=False, indent=2)
            else:
                json.dump(document, out, ensure_ascii=False, separators=(",", ":"))
        else:
            raise ValueError(f"unknown format {fmt!r}: use json, minified or jsonl")
    return path


def titles_from_entries(entries: Sequence[dict], first_id: int = 1) -> list[Title]:
    """Titles (ids 1..n in order) from anime-offline-database entries; a stand-in for the real importer."""
    titles = []
    # Tags, types and seasons repeat across 40,000 titles: one shared string each saves tens of MB.
    shared = sys.intern
    for number, entry in enumerate(entries, start=first_id):
        season = entry.get("animeSeason") or {}
        titles.append(
            Title(
                id=number,
                name=entry["title"],
                aliases=tuple(entry.get("synonyms", ())),
                type=shared(entry["type"]) if entry.get("type") else None,
                year=season.get("year"),
                season=shared(season["season"]) if season.get("season") else None,
                episodes=entry.get("episodes"),
                tags=tuple(shared(tag) for tag in entry.get("tags", ())),
                picture=entry.get("picture"),
                sources=tuple(entry.get("sources", ())),
            )
        )
    return titles


def titles_from_catalog(path: Path | str) -> list[Title]:
    """Read a file written by write_catalog (any fmt) into Titles."""
    path = Path(path)
    with path.open(encoding="utf-8") as lines:
        first = lines.readline()
        try:
            head = json.loads(first)
        except json.JSONDecodeError:  # a pretty-printed document
            return titles_from_entries(json.loads(path.read_text(encoding="utf-8"))["data"])
        if "data" in head:  # a minified document: all on the first line
            return titles_from_entries(head["data"])
        # JSON Lines, read line by line so a big file never sits in memory whole (as the bot would load).
        titles: list[Title] = []
        for line in lines:
            if line.strip():
                titles += titles_from_entries([json.loads(line)], first_id=len(titles) + 1)
        return titles


_FILLER = (
    "The animation stays gorgeous from the first episode to the last.",
    "I did not expect the soundtrack to hit this hard, especially in the quieter scenes.",
    "Another thing worth saying is that the pacing drags a little in the middle.",
    "The villain is a real monster, and the show is not afraid to let him win for a while.",
    "There is something in the air of the final arc that makes every conversation feel heavy.",
    "Some of the side characters deserved more time, but the leads carry the story.",
    "The fights are clean and readable, which is rarer than it should be.",
    "It has a slow start, so give it three or four episodes before you decide.",
    "Honestly the ending split our watch group right down the middle.",
    "The world building is done through small details rather than long explanations.",
    "If you want something light, this is not it; it goes to dark places.",
    "The voice acting in the original language is excellent across the board.",
    "Given how short the season is, it manages a surprising amount of growth.",
    "The art direction leans on muted colours until the climax, then explodes.",
)
_LEADS = (
    "It reminded me of {t} in the best way.",
    "Fans of {t} will feel right at home here.",
    "The mood is closer to {t} than to anything else this season.",
    "I rewatched {t} right after and the comparison is not kind to it.",
    "There is a bit of {t} in the way the mysteries unfold.",
    "{t} did this kind of twist better, in my opinion.",
    "Think {t} with a smaller budget and a bigger heart.",
)


def _misspell(rng: random.Random, name: str) -> str:
    words = name.split()
    long_words = [i for i, word in enumerate(words) if len(word) >= 6 and word.isalpha()]
    if not long_words:
        return name
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    # One typo of the kinds people make: a dropped, doubled or swapped letter.
    dropped, doubled = word[:at] + word[at + 1 :], word[:at] + word[at] + word[at:]
    swapped = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    words[i] = rng.choice((dropped, doubled, swapped))
    return " ".join(words)


def mention_form(rng: random.Random, title: Title) -> str:
    """How a reviewer might write a title: its name, an alias, lower case, or misspelled."""
    roll = rng.random()
    latin_aliases = [alias for alias in title.aliases if alias.isascii()]
    if roll < 0.55:
        return title.name
    if roll < 0.7 and latin_aliases:
        return rng.choice(latin_aliases)
    if roll < 0.8:
        return title.name.lower()
    return _misspell(rng, title.name)


def make_review(titles: Sequence[Title], n_chars: int = 4000, seed: int = 0, mentions: int = 8) -> str:
    """Review-like prose of about n_chars characters naming some of the titles (some misspelled)."""
    rng = random.Random(seed)
    sentences: list[str] = []
    length = 0
    lead_every = max(1, (n_chars // 90) // max(1, mentions))
    while length < n_chars:
        if len(sentences) % lead_every == lead_every - 1 and titles:
            sentence = rng.choice(_LEADS).format(t=mention_form(rng, rng.choice(titles)))
        else:
            sentence = rng.choice(_FILLER)
        sentences.append(sentence)
        length += len(sentence) + 1
        if rng.random() < 0.15:
            sentences.append("\n\n")
    return " ".join(sentences).replace(" \n\n ", "\n\n")[:n_chars].rstrip()
