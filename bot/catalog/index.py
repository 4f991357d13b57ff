"""The title index: resolve typed names, autocomplete, and find titles named in free text."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from functools import lru_cache
from itertools import chain, islice

from rapidfuzz import fuzz, process

from bot.catalog.keys import ABBREVIATION, ALIAS, CANONICAL, INITIALS, prominence, title_keys
from bot.catalog.links import shorten
from bot.catalog.mentions import find_mentions as find_mentions_in
from bot.catalog.models import Candidate, Mention, Title
from bot.catalog.normalize import cased_initials, fold, fold_keep_case, is_short_alias
from bot.catalog.snapshot import Snapshot

# At or above this confidence a command may use the best candidate without asking "Did you mean …?".
CONFIDENT = 0.9
# Discord's limits for an autocomplete answer.
MAX_CHOICES = 25
MAX_CHOICE_NAME = 100

__all__ = ["ABBREVIATION", "ALIAS", "CANONICAL", "CONFIDENT", "INITIALS", "CatalogIndex", "choice_label"]

# Autocomplete tiers: 0 the exact name, 1 a prefix, 2 a later word's prefix, 3 and 4 close spellings.
# A server's titles come first among the names matching as typed (tiers 0-2), then among close ones.
AS_TYPED_TIER = 2
# An autocomplete choice with at least this confidence matched as typed (tiers 0-2).
AS_TYPED = 0.75
TIER_CONFIDENCE = {0: 1.0, 1: 0.85, 2: AS_TYPED, 3: 0.6, 4: 0.5}
# The confidence of an exact hit on each kind of name (bot.catalog.keys).
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
_PREFERRED_FUZZY = 50
# A folded name with its id in the snapshot (None: only titles added since have it).
_Name = tuple[str, int | None]
# "Not looked up yet" for a snapshot key id (None already means "not in the snapshot").
_UNKNOWN = -1
# Decoded snapshot titles kept ready (candidates, exact hits in reviews, cards).
_TITLE_CACHE = 4096
# Titles whose names are kept decoded: the titles servers prefer are scanned on every autocomplete.
_KEYS_CACHE = 8192
# Servers whose preferred titles' names are kept (one entry per set of preferred titles).
_PREFERRED_SETS = 16
# Folded words whose snapshot id (or absence) is kept ready.
_WORDS_CACHE = 16_384


class _Added:
    """Titles added or replaced while the bot runs (local and AniList titles): few, so kept as plain dicts."""

    def __init__(self) -> None:
        self.titles: dict[int, Title] = {}
        self.prominence: dict[int, int] = {}
        self.title_keys: dict[int, tuple[str, ...]] = {}
        self.hits: dict[str, list[int]] = {}  # folded name -> (title id << 2 | kind)
        self.words: dict[str, set[str]] = defaultdict(set)  # folded word -> names holding it

    def add(self, title: Title) -> None:
        self.remove(title.id)
        kinds = title_keys(title)
        self.titles[title.id] = title
        self.prominence[title.id] = prominence(title, len(kinds))
        self.title_keys[title.id] = tuple(kinds)
        for key, kind in kinds.items():
            self.hits.setdefault(key, []).append(title.id << 2 | kind)
            for word in key.split(" "):
                self.words[word].add(key)

    def remove(self, title_id: int) -> None:
        if self.titles.pop(title_id, None) is None:
            return
        self.prominence.pop(title_id, None)
        for key in self.title_keys.pop(title_id, ()):
            left = [hit for hit in self.hits.get(key, ()) if hit >> 2 != title_id]
            if left:
                self.hits[key] = left
                continue
            self.hits.pop(key, None)
            for word in key.split(" "):
                self.words[word].discard(key)
                if not self.words[word]:
                    del self.words[word]


class _Preferred:
    """The names of a server's preferred titles, sorted for prefix and word-prefix lookups by bisection.

    Built once per set of preferred titles, so a keystroke looks up a few names instead of scanning
    every name of every title the server rated.
    """

    def __init__(self, names: list[str], hits: list[list[int]]) -> None:
        self.names = names
        self.hits = hits  # per name: (title id << 2 | kind) of the preferred titles holding it
        self._by_key = sorted(range(len(names)), key=names.__getitem__)
        self._keys = [names[at] for at in self._by_key]
        # Every word start after the first: (rest of the name from there, position of the name).
        starts = [
            (key[at + 1 :], position)
            for position, key in enumerate(names)
            for at, char in enumerate(key)
            if char == " "
        ]
        starts.sort()
        self._rests = [rest for rest, _ in starts]
        self._rest_of = [position for _, position in starts]

    def with_prefix(self, folded: str) -> list[int]:
        """Positions of the preferred names starting with folded."""
        found = []
        for at in range(bisect.bisect_left(self._keys, folded), len(self._keys)):
            if not self._keys[at].startswith(folded):
                break
            found.append(self._by_key[at])
        return found

    def with_word_prefix(self, folded: str) -> list[int]:
        """Positions of the preferred names with a later word starting with folded, not starting with it themselves."""
        found: dict[int, None] = {}
        for at in range(bisect.bisect_left(self._rests, folded), len(self._rests)):
            if not self._rests[at].startswith(folded):
                break
            position = self._rest_of[at]
            if not self.names[position].startswith(folded):
                found[position] = None
        return list(found)


class CatalogIndex:
    """All catalog titles by every folded name: a compact snapshot, plus the titles changed since it was made.

    The snapshot (bot.catalog.snapshot) is immutable and built once per catalog version; titles the
    bot adds, replaces or removes while it runs are kept beside it, so a lookup sees both.
    """

    def __init__(self, titles: Iterable[Title] = (), *, snapshot: Snapshot | None = None) -> None:
        self._base = snapshot if snapshot is not None else Snapshot.build(titles, version="")
        self._added = _Added()
        self._hidden: set[int] = set()  # snapshot titles removed or replaced since
        self._popular: list[int] | None = None  # recomputed lazily after changes
        self._preferred_sets: dict[frozenset[int], _Preferred] = {}  # emptied after changes
        # The snapshot never changes, so what is decoded from it can be cached without invalidation.
        self._decode = lru_cache(maxsize=_TITLE_CACHE)(self._base.title_at)
        self._base_keys = lru_cache(maxsize=_KEYS_CACHE)(self._base.keys_of)
        # Reviews repeat the same everyday words: each is looked up in the snapshot once.
        self._word_id = lru_cache(maxsize=_WORDS_CACHE)(self._base.word_id)

    @property
    def snapshot(self) -> Snapshot:
        return self._base

    # ----- contents -----------------------------------------------------------------------------

    def __len__(self) -> int:
        base = self._base
        hidden = sum(1 for tid in self._hidden if base.position(tid) is not None)
        return len(base) - hidden + len(self._added.titles)

    def __contains__(self, title_id: object) -> bool:
        return isinstance(title_id, int) and self.get(title_id) is not None

    def get(self, title_id: int) -> Title | None:
        """The title with this id, if indexed."""
        added = self._added.titles.get(title_id)
        if added is not None or title_id in self._hidden:
            return added
        position = self._base.position(title_id)
        return None if position is None else self._decode(position)

    def titles(self) -> list[Title]:
        """Every indexed title (decoded one by one: for rare, whole-catalog work only)."""
        base = self._base
        found = [base.title_at(p) for p in range(len(base)) if base.title_ids[p] not in self._hidden]
        return [*found, *self._added.titles.values()]

    def local_titles(self) -> list[Title]:
        """Titles servers created because the catalog lacked them."""
        base = self._base
        found = [self._decode(p) for p in base.local if base.title_ids[p] not in self._hidden]
        return [*found, *(title for title in self._added.titles.values() if title.local)]

    def add(self, title: Title) -> None:
        """Insert a title, or replace the one with the same id (its old names stop matching)."""
        if self._base.position(title.id) is not None:
            self._hidden.add(title.id)
        self._added.add(title)
        self._popular = None
        self._preferred_sets.clear()

    def remove(self, title_id: int) -> None:
        """Forget a title; unknown ids are ignored."""
        if self._base.position(title_id) is not None:
            self._hidden.add(title_id)
        self._added.remove(title_id)
        self._popular = None
        self._preferred_sets.clear()

    def changes(self) -> tuple[list[Title], set[int]]:
        """What happened since the snapshot: titles added or replaced, and snapshot titles removed."""
        added = self._added.titles
        return list(added.values()), {tid for tid in self._hidden if tid not in added}

    def prominence(self, title_id: int) -> int:
        """How well-known a title looks (number of names, main formats first); breaks ties."""
        if title_id in self._added.prominence:
            return self._added.prominence[title_id]
        position = self._base.position(title_id)
        return 0 if position is None or title_id in self._hidden else self._base.prominence_at(position)

    # ----- names: the snapshot's and the added titles' together ----------------------------------

    def _hits_of(self, key: str, key_id: int | None = _UNKNOWN) -> list[int]:
        """(title id << 2 | kind) of every live title with this folded name (key_id: its snapshot id, if known)."""
        if key_id == _UNKNOWN:
            key_id = self._base.key_id(key)
        hits = [] if key_id is None else self._base.hits_of(key_id)
        if hits and self._hidden:
            hits = [hit for hit in hits if hit >> 2 not in self._hidden]
        return hits + self._added.hits.get(key, [])

    def _live(self, key: str, key_id: int | None = _UNKNOWN) -> bool:
        return not self._hidden or bool(self._hits_of(key, key_id))

    def knows_word(self, word: str) -> bool:
        """Whether any name holds this folded word (lets the mention finder skip hopeless spans)."""
        return self._word_id(word) is not None or word in self._added.words

    def _posting_size(self, word: str) -> int | None:
        word_id = self._word_id(word)
        added = self._added.words.get(word)
        if word_id is None and not added:
            return None
        return (0 if word_id is None else self._base.posting_size(word_id)) + len(added or ())

    def _names_with_word(self, word: str, cap: int) -> list[_Name]:
        """Up to cap names holding this word: the snapshot's in indexing order, then added ones."""
        base = self._base
        word_id = self._word_id(word)
        names = [] if word_id is None else [(base.keys[key_id], key_id) for key_id in base.posting(word_id)[:cap]]
        added = sorted(self._added.words.get(word, ()))[: max(0, cap - len(names))]
        return names + [(key, base.key_id(key)) for key in added]

    def _popular_ids(self) -> list[int]:
        if self._popular is None:
            base = self._base
            ranked = [
                (-base.prominence_at(p), base.title_ids[p])
                for p in base.popular
                if base.title_ids[p] not in self._hidden
            ]
            ranked += [(-score, tid) for tid, score in self._added.prominence.items()]
            self._popular = [tid for _, tid in sorted(ranked)[:MAX_CHOICES]]
        return self._popular

    # ----- lookups shared by resolve, complete and find_mentions ----------------------------------

    def exact_hits(self, folded: str) -> list[tuple[Title, int]]:
        """(title, kind) for every title with exactly this folded name, best kind and best-known first."""
        hits = self._hits_of(folded)
        if not hits:
            return []
        found = [(title, hit & 3) for hit in hits if (title := self.get(hit >> 2)) is not None]
        return sorted(found, key=lambda pair: (pair[1], -self.prominence(pair[0].id), pair[0].id))

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
        bucket = self._base.span_bucket(folded[:2], n_words)
        bucket += [key for key in self._added.hits if key[:2] == folded[:2] and key.count(" ") + 1 == n_words]
        if not bucket:
            return None
        best = process.extractOne(folded, bucket, scorer=fuzz.ratio, score_cutoff=cutoff)
        return (best[0], best[1]) if best else None

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
                for hit in self._hits_of(key):
                    confidence = FUZZY_SCALE * score / 100
                    if confidence > best.get(hit >> 2, (0.0, ""))[0]:
                        best[hit >> 2] = (confidence, key)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], -self.prominence(item[0]), item[0]))
        return [self._candidate(tid, conf, key) for tid, (conf, key) in ranked[:limit]]

    def _candidate(self, title_id: int, confidence: float, key: str) -> Candidate:
        title = self.get(title_id)
        assert title is not None  # ids come from live hits only
        return Candidate(title=title, confidence=round(confidence, 4), matched=self.matched_name(title, key))

    def _fuzzy(self, folded: str, *, prefix_last: bool, limit: int) -> list[tuple[str, float]]:
        """Names close to a folded query: candidates share a (fuzzily matched) word, then WRatio ranks."""
        words = folded.split(" ")
        groups: list[tuple[int, set[str]]] = []
        for position, word in enumerate(words):
            similar = {word} if self.knows_word(word) else set()
            if prefix_last and position == len(words) - 1:
                similar.update(self._vocab_with_prefix(word, _VOCAB_PREFIX_TOKENS))
            if len(word) >= 4 and not similar:
                # A word the catalog knows is taken as written; only unknown words are looked up fuzzily.
                similar.update(self._similar_words(word))
            if similar:
                groups.append((sum(self._posting_size(w) or 0 for w in similar), similar))
        groups.sort(key=lambda group: group[0])
        candidates: dict[str, int | None] = {}
        for _, similar in groups:
            for word in similar:
                candidates.update(self._names_with_word(word, _FUZZY_CANDIDATES))
            if len(candidates) >= _FUZZY_CANDIDATES:
                break
        choices = [key for key, key_id in candidates.items() if self._live(key, key_id)]
        found = process.extract(folded, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
        return [(choice, score) for choice, score, _ in found]

    def _similar_words(self, word: str) -> set[str]:
        found: set[str] = set()
        for length in range(len(word) - 1, len(word) + 2):
            bucket = self._base.vocab_bucket(word[0], length)
            bucket += [w for w in self._added.words if len(w) == length and w[0] == word[0]]
            if bucket:
                hits = process.extract(word, bucket, scorer=fuzz.ratio, score_cutoff=75, limit=8)
                found.update(choice for choice, _, _ in hits)
        return found

    def _vocab_with_prefix(self, prefix: str, cap: int) -> list[str]:
        vocab = self._base.vocab
        start = bisect.bisect_left(vocab, prefix)
        words = []
        for position in range(start, min(start + cap, len(vocab))):
            word = vocab[position]
            if not word.startswith(prefix):
                break
            words.append(word)
        if self._added.words:
            words = sorted({*words, *(w for w in self._added.words if w.startswith(prefix))})[:cap]
        return words

    # ----- autocomplete -------------------------------------------------------------------------

    def complete(self, query: str, limit: int = MAX_CHOICES, prefer: Collection[int] = ()) -> list[Candidate]:
        """Autocomplete choices: exact, prefix, then word-prefix, then fuzzy matches.

        The preferred titles (the server rated or reviewed them) come first among the names matching as
        typed, and first among the close spellings: a rated title that only resembles what was typed
        does not push away the titles named exactly so.
        """
        limit = max(0, min(limit, MAX_CHOICES))
        preferred = prefer if isinstance(prefer, set | frozenset) else set(prefer)
        folded = fold(query)
        if not folded:
            return self._empty_query_choices(preferred, limit)
        # title id -> (tier, name length, folded name); lower sorts first.
        found: dict[int, tuple[int, int, str]] = {}

        def offer_hits(key: str, tier: int, hits: list[int]) -> None:
            rank = (tier, len(key), key)
            for hit in hits:
                if rank < found.get(hit >> 2, (9, 0, "")):
                    found[hit >> 2] = rank

        def offer(key: str, tier: int, key_id: int | None = _UNKNOWN) -> None:
            offer_hits(key, tier, self._hits_of(key, key_id))

        for key, key_id in self._keys_with_prefix(folded):
            offer(key, 0 if key == folded else 1, key_id)
        for key, key_id in self._keys_with_word_prefix(folded):
            offer(key, 2, key_id)
        if preferred:
            arranged = self._preferred(preferred)
            matched = self._offer_preferred(folded, arranged, offer_hits)
            # Close spellings rank after every name matching as typed: with enough of those, none would show.
            if len(found) < limit and len(folded) >= 3:
                self._offer_preferred_close(folded, arranged, matched, offer_hits)
        if len(found) < limit and len(folded) >= 3:
            for key, score in self._fuzzy(folded, prefix_last=True, limit=limit * 2):
                offer(key, 3 if score >= 80 else 4)
        ranked = self._best(found, preferred, limit)
        return [self._candidate(tid, TIER_CONFIDENCE[rank[0]], rank[2]) for tid, rank in ranked]

    def _best(
        self, found: dict[int, tuple[int, int, str]], preferred: Collection[int], limit: int
    ) -> list[tuple[int, tuple[int, int, str]]]:
        """The limit best offers: names matching as typed before close spellings, preferred titles first in
        each, then tier and name length; prominence and id break ties.

        A short query offers thousands of titles: prominence is looked up only for those tied at the cut.
        """

        def coarse(item: tuple[int, tuple[int, int, str]]) -> tuple[bool, bool, int, int]:
            return (item[1][0] > AS_TYPED_TIER, item[0] not in preferred, item[1][0], item[1][1])

        ranked = sorted(found.items(), key=coarse)
        if len(ranked) > limit > 0:
            edge, cut = coarse(ranked[limit - 1]), limit
            while cut < len(ranked) and coarse(ranked[cut]) == edge:
                cut += 1
            ranked = ranked[:cut]
        ranked.sort(key=lambda item: (*coarse(item), -self.prominence(item[0]), item[0]))
        return ranked[:limit]

    def _empty_query_choices(self, preferred: Collection[int], limit: int) -> list[Candidate]:
        titles = [title for tid in preferred if (title := self.get(tid)) is not None]
        popular = (t for tid in self._popular_ids() if tid not in preferred and (t := self.get(tid)) is not None)
        chosen = islice(chain(sorted(titles, key=lambda title: title.name), popular), limit)
        return [self._candidate(title.id, 0.5, fold(title.name)) for title in chosen]

    def _keys_with_prefix(self, folded: str) -> list[_Name]:
        keys_ = self._base.keys
        start = bisect.bisect_left(keys_, folded)
        keys: list[_Name] = []
        for key_id in range(start, min(start + _PREFIX_SCAN, len(keys_))):
            key = keys_[key_id]
            if not key.startswith(folded):
                break
            if self._live(key, key_id):
                keys.append((key, key_id))
        keys += [(key, self._base.key_id(key)) for key in self._added.hits if key.startswith(folded)]
        return keys

    def _keys_with_word_prefix(self, folded: str) -> list[_Name]:
        *complete_words, partial = folded.split(" ")
        sizes = [self._posting_size(word) for word in complete_words]
        if any(size is None for size in sizes):
            return []
        needle = " " + folded
        keys: list[_Name] = []
        if complete_words:
            # The rarest complete word bounds the candidates; the rest is checked on the name itself.
            rarest = min(zip(sizes, complete_words, strict=True))[1]
            for key, key_id in self._names_with_word(rarest, _WORD_PREFIX_KEYS):
                if needle in " " + key and self._live(key, key_id):
                    keys.append((key, key_id))
            return keys
        for word in self._vocab_with_prefix(partial, _VOCAB_PREFIX_TOKENS):
            for key, key_id in self._names_with_word(word, _WORD_PREFIX_KEYS - len(keys)):
                if self._live(key, key_id):
                    keys.append((key, key_id))
            if len(keys) >= _WORD_PREFIX_KEYS:
                break
        return keys

    def _offer_preferred(self, folded: str, preferred: _Preferred, offer: Callable[[str, int, list[int]], None]) -> int:
        """Preferred titles beyond the global scan caps, by prefix and word-prefix; how many names matched.

        Only the preferred titles themselves are offered here: another title sharing one of their names
        is found, or not, by the global scans exactly as it would be without preferences.
        """
        names, hits = preferred.names, preferred.hits
        matched = 0
        for tier, positions in ((1, preferred.with_prefix(folded)), (2, preferred.with_word_prefix(folded))):
            for position in positions:
                offer(names[position], tier, hits[position])
            matched += len(positions)
        return matched

    def _offer_preferred_close(
        self, folded: str, preferred: _Preferred, matched: int, offer: Callable[[str, int, list[int]], None]
    ) -> None:
        """Preferred titles whose names hold something close to what was typed (partial fuzzy matches).

        Names matched as typed keep their better tier (offer keeps the best rank), so every name may be
        scored; asking for `matched` more keeps the best of the others.
        """
        found = process.extract(
            folded, preferred.names, scorer=fuzz.partial_ratio, score_cutoff=80, limit=_PREFERRED_FUZZY + matched
        )
        for key, _, position in found:
            offer(key, 3, preferred.hits[position])

    def _preferred(self, prefer: Collection[int]) -> _Preferred:
        """A server's preferred titles' names, arranged for lookups; built once per set (it rarely changes)."""
        ids = frozenset(prefer if len(prefer) <= _PREFERRED_SCAN else list(prefer)[:_PREFERRED_SCAN])
        arranged = self._preferred_sets.get(ids)
        if arranged is None:
            if len(self._preferred_sets) >= _PREFERRED_SETS:
                self._preferred_sets.clear()
            names, hits = [], []
            for title_id in ids:
                for key in self._title_keys(title_id):
                    names.append(key)
                    hits.append([hit for hit in self._hits_of(key) if hit >> 2 == title_id])
            arranged = self._preferred_sets[ids] = _Preferred(names, hits)
        return arranged

    def _title_keys(self, title_id: int) -> tuple[str, ...]:
        if title_id in self._added.title_keys:
            return self._added.title_keys[title_id]
        position = self._base.position(title_id)
        return () if position is None or title_id in self._hidden else self._base_keys(position)

    # ----- free text ----------------------------------------------------------------------------

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
