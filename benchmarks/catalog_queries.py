"""Labelled queries for the catalog benchmark: what members type, with the title they mean.

Two sets. Hand-written queries for real anime (tests/catalog/sample.py) placed among the 40,000
made-up titles, one category per way of naming a show; and generated queries for the made-up titles
(typos, initials, aliases, partial names) in the same categories.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from bot.catalog.models import Title
from bot.catalog.normalize import initials

# Real titles are added to the made-up catalog with their sample id plus this offset.
REAL_ID_OFFSET = 1_000_000


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    title_id: int
    category: str
    how: str = "resolve"  # "resolve" (a typed name) or "complete" (autocomplete, as typed so far)


# (query, sample title id, category); partial names are autocomplete queries.
_REAL = """
romaji | Shingeki no Kyojin | 1
romaji | Sousou no Frieren | 24
romaji | Kimi no Na wa | 29
romaji | Hagane no Renkinjutsushi | 12
romaji | Koukaku Kidoutai | 19
romaji | Kidou Senshi Gundam | 5
english | Attack on Titan | 1
english | Frieren Beyond Journey's End | 24
english | Your Name | 29
english | Ghost in the Shell | 19
english | My Star | 37
english | Carol and Tuesday | 10
native | 進撃の巨人 | 1
native | 葬送のフリーレン | 24
native | 君の名は。 | 29
native | 鋼の錬金術師 | 12
native | 呪術廻戦 | 27
native | チェンソーマン | 26
abbreviation | AoT | 1
abbreviation | FMAB | 11
abbreviation | JJK | 27
abbreviation | TTGL | 32
abbreviation | HxH | 35
abbreviation | NGE | 2
misspelling | Frieran | 24
misspelling | Metalic Rouge | 9
misspelling | Steins Gat | 17
misspelling | Cowboy Bebob | 18
misspelling | Jujitsu Kaisen | 27
misspelling | Vinland Sage | 28
misspelling | Chainsawman | 26
misspelling | Clanad | 16
partial | frie | 24
partial | metallic r | 9
partial | chainsaw | 26
partial | vinland | 28
partial | serial exp | 31
partial | gurren | 32
partial | madoka | 33
partial | bocchi the | 36
sequel | Fullmetal Alchemist Brotherhood | 11
sequel | FMA Brotherhood | 11
sequel | The End of Evangelion | 3
sequel | Evangelion 3.0+1.0 | 4
sequel | Gundam The Witch from Mercury | 6
sequel | Hunter x Hunter 2011 | 35
sequel | Shin Evangelion Gekijouban | 4
"""


def real_queries() -> list[Query]:
    """The hand-written set, labelled with the ids the real titles get in the benchmark catalog."""
    found = []
    for line in _REAL.strip().splitlines():
        category, text, title_id = (part.strip() for part in line.split("|"))
        how = "complete" if category == "partial" else "resolve"
        found.append(Query(text, int(title_id) + REAL_ID_OFFSET, category, how))
    return found


def _typo(rng: random.Random, text: str) -> str:
    """One dropped, doubled or swapped letter somewhere after the first two."""
    if len(text) < 6:
        return text
    at = rng.randrange(2, len(text) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return text[:at] + text[at + 1 :]
    if kind == 1:
        return text[:at] + text[at] + text[at:]
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


def generated_queries(titles: Sequence[Title], per_category: int, seed: int) -> list[Query]:
    """Labelled queries on the made-up titles: canonical (romaji), alias, native, initials, typo, partial, sequel."""
    rng = random.Random(seed)
    made_up = [title for title in titles if title.id < REAL_ID_OFFSET]
    sequels = [title for title in made_up if any(mark in title.name for mark in ("Season", "Movie", "OVA", " II"))]
    found: list[Query] = []
    makers = {
        "romaji": lambda t: t.name,
        "english": lambda t: next((a for a in t.aliases if a.isascii() and " " in a), None),
        "native": lambda t: next((a for a in t.aliases if not a.isascii()), None),
        "abbreviation": lambda t: (
            next((a for a in t.aliases if a.isupper() and " " not in a), None)
            or (sorted(initials(t.name))[0] if initials(t.name) else None)
        ),
        "misspelling": lambda t: _typo(rng, t.name) if len(t.name) >= 8 else None,
        "partial": lambda t: t.name[: max(3, len(t.name) * 2 // 3)].lower(),
    }
    for category, make in makers.items():
        made = 0
        while made < per_category:
            title = rng.choice(made_up)
            text = make(title)
            if text:
                found.append(Query(text, title.id, category, "complete" if category == "partial" else "resolve"))
                made += 1
    for title in rng.sample(sequels, min(per_category, len(sequels))):
        found.append(Query(title.name.lower(), title.id, "sequel"))
    return found
