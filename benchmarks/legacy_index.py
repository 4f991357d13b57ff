"""The title index as it was before the compact, serialised one: kept only so benchmarks can compare.

A copy of bot/catalog/index.py at the commit before the compact index: every title and name as Python
objects, rebuilt from scratch on every start. benchmarks/catalog_bench.py reports its accuracy, memory
and speed beside the current index's. Not used by the bot.
"""

from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable

from rapidfuzz import fuzz, process

from bot.catalog.common_words import COMMON_WORDS
from bot.catalog.links import shorten
from bot.catalog.mentions import find_mentions as find_mentions_in
from bot.catalog.models import Candidate, Mention, Title
from bot.catalog.normalize import (
    cased_initials,
    fold,
    fold_keep_case,
    initials,
    is_abbreviation,
    is_short_alias,
)

# At or above this confidence a command may use the best candidate without asking "Did you mean …?".
CONFIDENT = 0.9
# Discord's limits for an autocomplete answer.
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100

# How a name belongs to a title; each kind has the confidence of an exact hit on it.
CANONICAL, ALIAS, ABBREVIATION, INITIALS = 0, 1, 2, 3
KIND_CONFIDENCE = {CANONICAL: 1.0, ALIAS: 0.97, ABBREVIATION: 0.95, INITIALS: 0.92}
# Several titles sharing the exact name the query hit: the command should ask which one.
AMBIGUITY_PENALTY = 0.12
# Fuzzy hits never reach CONFIDENT on their own: a misspelling is confirmed by the member.
FUZZY_SCALE = 0.88

# Work caps that keep every query within a few milliseconds on the full catalog.
_PREFIX_SCAN = 200
_WORD_PREFIX_KEYS = 600
_VOCAB_PREFIX_TOKENS = 60
_FUZZY_CANDIDATES = 1200
_PREFERRED_SCAN = 5000


class CatalogIndex:
    """All catalog titles by every folded name, built once and updated in place."""

    def __init__(self, titles: Iterable[Title] = ()) -> None:
        self._titles: dict[int, Title] = {}
        self._prominence: dict[int, int] = {}
        self._title_keys: dict[int, tuple[int, ...]] = {}  # title id -> its key ids
        self._keys: list[str] = []  # key id -> folded name
        self._key_ids: dict[str, int] = {}
        # key id -> packed (title id << 2 | kind) hits: a bare int for the usual single hit saves memory.
        self._key_hits: list[int | tuple[int, ...]] = []
        self._sorted_keys: list[str] = []
        self._postings: dict[str, array] = {}  # folded word -> key ids of names holding it
        self._sorted_vocab: list[str] = []
        self._vocab_buckets: dict[tuple[str, int], list[str]] = defaultdict(list)  # (first char, len)
        self._span_buckets: dict[tuple[str, int], list[str]] = defaultdict(list)  # (first 2 chars, words)
        self._popular: list[int] | None = None  # recomputed lazily after changes
        bulk = list(titles)
        for title in bulk:
            self._register(title, bulk=True)
        self._sorted_keys.sort()
        self._sorted_vocab = sorted(self._postings)

    # ----- contents -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._titles)

    def __contains__(self, title_id: object) -> bool:
        return title_id in self._titles

    def get(self, title_id: int) -> Title | None:
        """The title with this id, if indexed."""
        return self._titles.get(title_id)

    def titles(self) -> list[Title]:
        """Every indexed title."""
        return list(self._titles.values())

    def add(self, title: Title) -> None:
        """Insert a title, or replace the one with the same id (its old names stop matching)."""
        if title.id in self._titles:
            self.remove(title.id)
        self._register(title, bulk=False)

    def remove(self, title_id: int) -> None:
        """Forget a title; unknown ids are ignored."""
        if self._titles.pop(title_id, None) is None:
            return
        self._prominence.pop(title_id, None)
        for key_id in self._title_keys.pop(title_id, ()):
            self._set_hits(key_id, tuple(hit for hit in self._hits(key_id) if hit >> 2 != title_id))
        self._popular = None

    # ----- building -----------------------------------------------------------------------------

    def _register(self, title: Title, *, bulk: bool) -> None:
        self._titles[title.id] = title
        names = [(title.name, CANONICAL)]
        names += [(alias, ABBREVIATION if is_abbreviation(alias) else ALIAS) for alias in title.aliases]
        kinds: dict[str, int] = {}
        for name, kind in names:
            folded = fold(name)
            if folded and kind < kinds.get(folded, INITIALS + 1):
                kinds[folded] = kind
            if name.isascii():
                for abbr in initials(name):
                    if abbr not in kinds and abbr not in COMMON_WORDS:
                        kinds[abbr] = INITIALS
        self._popular = None
        key_ids = []
        for folded, kind in kinds.items():
            key_id = self._key_id(folded, bulk=bulk)
            self._set_hits(key_id, (*self._hits(key_id), title.id << 2 | kind))
            key_ids.append(key_id)
        self._title_keys[title.id] = tuple(key_ids)
        # Titles known by many names are the well-known ones; they win ties.
        self._prominence[title.id] = len(kinds) + (2 if title.type in ("TV", "MOVIE") else 0)

    def _key_id(self, folded: str, *, bulk: bool) -> int:
        key_id = self._key_ids.get(folded)
        if key_id is not None:
            return key_id
        key_id = len(self._keys)
        self._keys.append(folded)
        self._key_ids[folded] = key_id
        self._key_hits.append(())
        words = folded.split(" ")
        if bulk:
            self._sorted_keys.append(folded)
        else:
            bisect.insort(self._sorted_keys, folded)
        for word in set(words):
            posting = self._postings.get(word)
            if posting is None:
                posting = self._postings[word] = array("i")
                self._vocab_buckets[word[0], len(word)].append(word)
                if not bulk:
                    bisect.insort(self._sorted_vocab, word)
            posting.append(key_id)
        self._span_buckets[folded[:2], len(words)].append(folded)
        return key_id

    def _hits(self, key_id: int) -> tuple[int, ...]:
        hits = self._key_hits[key_id]
        return (hits,) if isinstance(hits, int) else hits

    def _set_hits(self, key_id: int, hits: tuple[int, ...]) -> None:
        self._key_hits[key_id] = hits[0] if len(hits) == 1 else hits

    def _live(self, key_id: int) -> bool:
        """Whether any title still has this name (removed titles leave their names behind)."""
        return self._key_hits[key_id] != ()

    def _popular_ids(self) -> list[int]:
        if self._popular is None:
            ranked = sorted(self._prominence, key=lambda tid: (-self._prominence[tid], tid))
            self._popular = ranked[:MAX_CHOICES]
        return self._popular

    # ----- lookups shared by resolve, complete and find_mentions ----------------------------------

    def exact_hits(self, folded: str) -> list[tuple[Title, int]]:
        """(title, kind) for every title with exactly this folded name, best kind and best-known first."""
        key_id = self._key_ids.get(folded)
        if key_id is None:
            return []
        hits = [(self._titles[hit >> 2], hit & 3) for hit in self._hits(key_id)]
        return sorted(hits, key=lambda pair: (pair[1], -self._prominence[pair[0].id], pair[0].id))

    @staticmethod
    def written_as_named(title: Title, written: str) -> bool:
        """Whether text spells a short name or initials of the title in the right case ("Eva", "AoT")."""
        form = fold_keep_case(written)
        for name in (title.name, *title.aliases):
            if is_short_alias(name):
                cased = fold_keep_case(name)
                if form == cased or (len(form) > 1 and form == cased.upper()):
                    return True
            if name.isascii() and form in cased_initials(name):
                return True
        return False

    def fuzzy_span(self, folded: str, n_words: int, cutoff: float) -> tuple[str, float] | None:
        """The closest name with the same word count and first two letters, if it scores at least cutoff."""
        bucket = self._span_buckets.get((folded[:2], n_words))
        if not bucket:
            return None
        best = process.extractOne(folded, bucket, scorer=fuzz.ratio, score_cutoff=cutoff)
        return (best[0], best[1]) if best else None

    def prominence(self, title_id: int) -> int:
        """How well-known a title looks (number of names, main formats first); breaks ties."""
        return self._prominence.get(title_id, 0)

    def matched_name(self, title: Title, folded: str) -> str:
        """The name of the title, as written in the catalog, whose folded form is folded."""
        for name in (title.name, *title.aliases):
            if fold(name) == folded:
                return name
        return title.name

    # ----- resolve ------------------------------------------------------------------------------

    def resolve(self, query: str, limit: int = 5) -> list[Candidate]:
        """The titles a typed name most likely means, best first, with a confidence (see CONFIDENT)."""
        folded = fold(query)
        if not folded or limit <= 0:
            return []
        best: dict[int, tuple[float, str]] = {}
        hits = self.exact_hits(folded)
        if hits:
            top_kind = hits[0][1]
            shared = sum(1 for _, kind in hits if kind == top_kind) > 1
            for title, kind in hits:
                confidence = KIND_CONFIDENCE[kind] - (AMBIGUITY_PENALTY if shared else 0.0)
                best.setdefault(title.id, (confidence, folded))
        if len(best) < limit:
            for key, score in self._fuzzy(folded, prefix_last=False, limit=limit * 4):
                for hit in self._hits(self._key_ids[key]):
                    confidence = FUZZY_SCALE * score / 100
                    if confidence > best.get(hit >> 2, (0.0, ""))[0]:
                        best[hit >> 2] = (confidence, key)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], -self._prominence[item[0]], item[0]))
        return [self._candidate(tid, conf, key) for tid, (conf, key) in ranked[:limit]]

    def _candidate(self, title_id: int, confidence: float, key: str) -> Candidate:
        title = self._titles[title_id]
        return Candidate(title=title, confidence=round(confidence, 4), matched=self.matched_name(title, key))

    def _fuzzy(self, folded: str, *, prefix_last: bool, limit: int) -> list[tuple[str, float]]:
        """Names close to a folded query: candidates share a (fuzzily matched) word, then WRatio ranks."""
        words = folded.split(" ")
        groups: list[tuple[int, set[str]]] = []
        for position, word in enumerate(words):
            similar = {word} if word in self._postings else set()
            if prefix_last and position == len(words) - 1:
                similar.update(self._vocab_with_prefix(word, _VOCAB_PREFIX_TOKENS))
            if len(word) >= 4 and not similar:
                # A word the catalog knows is taken as written; only unknown words are looked up fuzzily.
                similar.update(self._similar_words(word))
            if similar:
                groups.append((sum(len(self._postings[w]) for w in similar), similar))
        groups.sort(key=lambda group: group[0])
        candidates: set[int] = set()
        for _, similar in groups:
            for word in similar:
                candidates.update(self._postings[word][:_FUZZY_CANDIDATES])
            if len(candidates) >= _FUZZY_CANDIDATES:
                break
        choices = [self._keys[key_id] for key_id in candidates if self._live(key_id)]
        found = process.extract(folded, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
        return [(choice, score) for choice, score, _ in found]

    def _similar_words(self, word: str) -> set[str]:
        found: set[str] = set()
        for length in range(len(word) - 1, len(word) + 2):
            bucket = self._vocab_buckets.get((word[0], length))
            if bucket:
                hits = process.extract(word, bucket, scorer=fuzz.ratio, score_cutoff=75, limit=8)
                found.update(choice for choice, _, _ in hits)
        return found

    def _vocab_with_prefix(self, prefix: str, cap: int) -> list[str]:
        start = bisect.bisect_left(self._sorted_vocab, prefix)
        words = []
        for word in self._sorted_vocab[start : start + cap]:
            if not word.startswith(prefix):
                break
            words.append(word)
        return words

    # ----- autocomplete -------------------------------------------------------------------------

    def complete(self, query: str, limit: int = MAX_CHOICES, prefer: Collection[int] = ()) -> list[Candidate]:
        """Autocomplete choices: prefix, then word-prefix, then fuzzy matches; preferred titles first."""
        limit = max(0, min(limit, MAX_CHOICES))
        preferred = prefer if isinstance(prefer, set | frozenset) else set(prefer)
        folded = fold(query)
        if not folded:
            return self._empty_query_choices(preferred, limit)
        # title id -> (tier, name length, folded name); lower sorts first.
        found: dict[int, tuple[int, int, str]] = {}

        def offer(key: str, tier: int) -> None:
            rank = (tier, len(key), key)
            for hit in self._hits(self._key_ids[key]):
                if rank < found.get(hit >> 2, (9, 0, "")):
                    found[hit >> 2] = rank

        for key in self._keys_with_prefix(folded):
            offer(key, 0 if key == folded else 1)
        for key in self._keys_with_word_prefix(folded):
            offer(key, 2)
        if preferred:
            self._offer_preferred(folded, preferred, offer)
        if len(found) < limit and len(folded) >= 3:
            for key, score in self._fuzzy(folded, prefix_last=True, limit=limit * 2):
                offer(key, 3 if score >= 80 else 4)
        ranked = sorted(
            found.items(),
            key=lambda item: (item[0] not in preferred, item[1][:2], -self._prominence[item[0]], item[0]),
        )
        confidence = {0: 1.0, 1: 0.85, 2: 0.75, 3: 0.6, 4: 0.5}
        return [self._candidate(tid, confidence[rank[0]], rank[2]) for tid, rank in ranked[:limit]]

    def _empty_query_choices(self, preferred: Collection[int], limit: int) -> list[Candidate]:
        chosen = sorted((tid for tid in preferred if tid in self._titles), key=lambda t: self._titles[t].name)
        chosen += [tid for tid in self._popular_ids() if tid not in preferred]
        return [self._candidate(tid, 0.5, fold(self._titles[tid].name)) for tid in chosen[:limit]]

    def _keys_with_prefix(self, folded: str) -> list[str]:
        start = bisect.bisect_left(self._sorted_keys, folded)
        keys = []
        for key in self._sorted_keys[start : start + _PREFIX_SCAN]:
            if not key.startswith(folded):
                break
            if self._live(self._key_ids[key]):
                keys.append(key)
        return keys

    def _keys_with_word_prefix(self, folded: str) -> list[str]:
        *complete_words, partial = folded.split(" ")
        postings = [self._postings[word] for word in complete_words if word in self._postings]
        if len(postings) < len(complete_words):  # a complete word no title has
            return []
        needle = " " + folded
        keys: list[str] = []
        if postings:
            # The rarest complete word bounds the candidates; the rest is checked on the name itself.
            rarest = min(postings, key=len)
            for key_id in rarest[:_WORD_PREFIX_KEYS]:
                key = self._keys[key_id]
                if needle in " " + key and self._live(key_id):
                    keys.append(key)
            return keys
        for word in self._vocab_with_prefix(partial, _VOCAB_PREFIX_TOKENS):
            for key_id in self._postings[word][: _WORD_PREFIX_KEYS - len(keys)]:
                if self._live(key_id):
                    keys.append(self._keys[key_id])
            if len(keys) >= _WORD_PREFIX_KEYS:
                break
        return keys

    def _offer_preferred(self, folded: str, preferred: Collection[int], offer: Callable[[str, int], None]) -> None:
        """Preferred titles beyond the global scan caps: prefix, word-prefix, then partial fuzzy matches."""
        title_keys, keys = self._title_keys, self._keys
        ids = preferred if len(preferred) <= _PREFERRED_SCAN else list(preferred)[:_PREFERRED_SCAN]
        names = [keys[key_id] for title_id in ids for key_id in title_keys.get(title_id, ())]
        needle = " " + folded
        unmatched = []
        for key in names:
            if key.startswith(folded):
                offer(key, 1)
            elif needle in key:
                offer(key, 2)
            else:
                unmatched.append(key)
        if len(folded) >= 3 and unmatched:
            found = process.extract(folded, unmatched, scorer=fuzz.partial_ratio, score_cutoff=80, limit=50)
            for key, _, _ in found:
                offer(key, 3)

    # ----- free text ----------------------------------------------------------------------------

    def knows_word(self, word: str) -> bool:
        """Whether any name holds this folded word (lets the mention finder skip hopeless spans)."""
        return word in self._postings

    def find_mentions(self, text: str) -> list[Mention]:
        """Catalog titles named in free text, in text order, without overlaps (see bot.catalog.mentions)."""
        return find_mentions_in(self, text)


def choice_label(candidate: Candidate, max_chars: int = MAX_CHOICE_NAME) -> str:
    """An autocomplete choice name within Discord's 100 characters: name, alias hit, year."""
    title = candidate.title
    year = f" ({title.year})" if title.year else ""
    alias = ""
    if candidate.matched and fold(candidate.matched) != fold(title.name):
        alias = f" — {candidate.matched}"
    room = max_chars - len(year)
    label = title.name + alias
    return shorten(label, room) + year if room > 1 else shorten(title.name, max_chars)
