"""The catalog's names and titles in a few flat buffers, built once per import and saved to a file.

Indexing 40,000 titles (folding 200,000 names, making initials) takes seconds and, as Python
objects, over 100 MB. A Snapshot holds the same information in arrays and long strings
(about a fifth of the memory) and is written to a file beside the database, keyed to the catalog
version, so a start only reads it back. A file that is truncated, corrupt, from another format
or for another catalog version is refused (SnapshotError) and rebuilt, never trusted.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import struct
import zlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from bot.catalog.keys import prominence, title_keys
from bot.catalog.models import Title

FORMAT = 1
_MAGIC = b"KANSOU-CATALOG-INDEX\n"
_HEADER_LENGTH = struct.Struct("<I")
# Titles listed for an empty autocomplete query; a few spare in case some are replaced at run time.
POPULAR = 50
_EMPTY = -1

# Every array section with its type code: (name, typecode).
_ARRAYS = (
    ("title_ids", "q"),
    ("record_off", "q"),
    ("prominence", "i"),
    ("title_key_off", "i"),
    ("title_key_ids", "i"),
    ("key_off", "i"),
    ("hit_off", "i"),
    ("hits", "i"),
    ("key_slots", "i"),
    ("vocab_off", "i"),
    ("post_off", "i"),
    ("postings", "i"),
    ("vocab_slots", "i"),
    ("popular", "i"),
    ("local", "i"),
)
_TEXTS = ("key_text", "vocab_text")


class SnapshotError(Exception):
    """A saved index cannot be used (missing, truncated, corrupt, or for another catalog version)."""


def _slot(text: str, mask: int) -> int:
    return zlib.crc32(text.encode("utf-8", "surrogatepass")) & mask


def _hash_table(words: Sequence[str]) -> array:
    """Open addressing (linear probing) from a string's CRC-32 to its position; half empty at most."""
    size = 1 << max(4, (2 * len(words)).bit_length())
    slots = array("i", [_EMPTY]) * size
    mask = size - 1
    for position, word in enumerate(words):
        at = _slot(word, mask)
        while slots[at] != _EMPTY:
            at = (at + 1) & mask
        slots[at] = position
    return slots


@dataclass(slots=True)
class _Texts:
    """Strings stored end to end in one str, found by offset (one object instead of hundreds of thousands)."""

    text: str
    off: array

    def __len__(self) -> int:
        return len(self.off) - 1

    def __getitem__(self, position: int) -> str:
        return self.text[self.off[position] : self.off[position + 1]]

    @classmethod
    def of(cls, words: Sequence[str]) -> _Texts:
        off = array("i", [0])
        total = 0
        for word in words:
            total += len(word)
            off.append(total)
        return cls("".join(words), off)


class Snapshot:
    """Immutable: titles by position (sorted by id), names sorted, each with its hits, postings per word."""

    def __init__(
        self,
        version: str,
        arrays: dict[str, array],
        texts: dict[str, str],
        extra: dict[str, Any],
    ) -> None:
        self.version = version  # the catalog version it was built for
        self._arrays = arrays
        self._texts = texts
        self._extra = extra
        self.title_ids = arrays["title_ids"]
        self._record_off = arrays["record_off"]
        self._records: bytes = extra["records"]
        self._prominence = arrays["prominence"]
        self._title_key_off = arrays["title_key_off"]
        self._title_key_ids = arrays["title_key_ids"]
        self.keys = _Texts(texts["key_text"], arrays["key_off"])
        self._hit_off = arrays["hit_off"]
        self._hits = arrays["hits"]
        self._key_slots = arrays["key_slots"]
        self.vocab = _Texts(texts["vocab_text"], arrays["vocab_off"])
        self._post_off = arrays["post_off"]
        self._postings = arrays["postings"]
        self._vocab_slots = arrays["vocab_slots"]
        self.popular = arrays["popular"]
        self.local = arrays["local"]  # positions of titles servers created
        self._vocab_buckets: dict[tuple[str, int], str] = extra["vocab_buckets"]
        self._span_buckets: dict[tuple[str, int], str] = extra["span_buckets"]
        self._check()
        self._position_of = self._dense_positions()

    # ----- building -----------------------------------------------------------------------------

    @classmethod
    def build(cls, titles: Iterable[Title], version: str) -> Snapshot:
        """Index every title: the expensive folding happens here, once per catalog version."""
        ordered = sorted(titles, key=lambda title: title.id)
        first_seen: dict[str, int] = {}  # key -> order of first appearance (postings keep that order)
        per_title: list[dict[str, int]] = []
        records = bytearray()
        record_off = array("q", [0])
        promin = array("i")
        for title in ordered:
            kinds = title_keys(title)
            per_title.append(kinds)
            for key in kinds:
                first_seen.setdefault(key, len(first_seen))
            promin.append(prominence(title, len(kinds)))
            records += encode_title(title)
            record_off.append(len(records))
        keys = sorted(first_seen)
        key_id = {key: position for position, key in enumerate(keys)}
        hits: list[list[int]] = [[] for _ in keys]
        title_key_off, title_key_ids = array("i", [0]), array("i")
        for position, kinds in enumerate(per_title):
            for key, kind in kinds.items():
                hits[key_id[key]].append(position << 2 | kind)
                title_key_ids.append(key_id[key])
            title_key_off.append(len(title_key_ids))
        postings: dict[str, list[int]] = {}
        vocab_buckets: dict[tuple[str, int], list[str]] = {}
        span_buckets: dict[tuple[str, int], list[str]] = {}
        for key in sorted(first_seen, key=first_seen.__getitem__):
            words = key.split(" ")
            for word in dict.fromkeys(words):
                posting = postings.get(word)
                if posting is None:
                    posting = postings[word] = []
                    vocab_buckets.setdefault((word[0], len(word)), []).append(word)
                posting.append(key_id[key])
            span_buckets.setdefault((key[:2], len(words)), []).append(key)
        vocab = sorted(postings)
        ranked = sorted(range(len(ordered)), key=lambda p: (-promin[p], ordered[p].id))
        keys_text, vocab_text = _Texts.of(keys), _Texts.of(vocab)
        arrays = {
            "title_ids": array("q", (title.id for title in ordered)),
            "record_off": record_off,
            "prominence": promin,
            "title_key_off": title_key_off,
            "title_key_ids": title_key_ids,
            "key_off": keys_text.off,
            "hit_off": _offsets(hits),
            "hits": array("i", (hit for group in hits for hit in group)),
            "key_slots": _hash_table(keys),
            "vocab_off": vocab_text.off,
            "post_off": _offsets(postings[word] for word in vocab),
            "postings": array("i", (key for word in vocab for key in postings[word])),
            "vocab_slots": _hash_table(vocab),
            "popular": array("i", ranked[:POPULAR]),
            "local": array("i", (position for position, title in enumerate(ordered) if title.local)),
        }
        extra = {
            "records": bytes(records),
            "vocab_buckets": {bucket: "\n".join(words) for bucket, words in vocab_buckets.items()},
            "span_buckets": {bucket: "\n".join(names) for bucket, names in span_buckets.items()},
        }
        return cls(version, arrays, {"key_text": keys_text.text, "vocab_text": vocab_text.text}, extra)

    def _check(self) -> None:
        """Structural invariants; a file that passes its digest but breaks one is still refused."""
        n_titles, n_keys, n_words = len(self.title_ids), len(self.keys), len(self.vocab)
        problems = [
            len(self._record_off) != n_titles + 1 or self._record_off[-1] != len(self._records),
            len(self._prominence) != n_titles,
            len(self._title_key_off) != n_titles + 1 or self._title_key_off[-1] != len(self._title_key_ids),
            self.keys.off[-1] != len(self.keys.text) if len(self.keys.off) else True,
            len(self._hit_off) != n_keys + 1 or self._hit_off[-1] != len(self._hits),
            self.vocab.off[-1] != len(self.vocab.text) if len(self.vocab.off) else True,
            len(self._post_off) != n_words + 1 or self._post_off[-1] != len(self._postings),
            any(position >= n_titles for position in (*self.popular, *self.local)),
            bool(self._title_key_ids) and max(self._title_key_ids) >= n_keys,
            bool(self._postings) and max(self._postings) >= n_keys,
            bool(self._hits) and max(self._hits) >> 2 >= n_titles,
            max(self._key_slots, default=-1) >= n_keys or max(self._vocab_slots, default=-1) >= n_words,
        ]
        if any(problems):
            raise SnapshotError("the saved catalog index is inconsistent")

    # ----- titles -------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.title_ids)

    def position(self, title_id: int) -> int | None:
        """Where a title id sits, or None when the snapshot lacks it."""
        dense = self._position_of
        if dense is not None:
            at = dense[title_id] if 0 <= title_id < len(dense) else _EMPTY
            return None if at == _EMPTY else at
        at = bisect.bisect_left(self.title_ids, title_id)
        return at if at < len(self.title_ids) and self.title_ids[at] == title_id else None

    def _dense_positions(self) -> array | None:
        """Title id -> position as a flat array when ids are dense (they are SQLite row ids): no search."""
        ids = self.title_ids
        if not ids or ids[-1] > 4 * len(ids) + 10_000 or ids[0] < 0:
            return None
        dense = array("i", [_EMPTY]) * (ids[-1] + 1)
        for position, title_id in enumerate(ids):
            dense[title_id] = position
        return dense

    def title_at(self, position: int) -> Title:
        record = self._records[self._record_off[position] : self._record_off[position + 1]]
        return decode_title(self.title_ids[position], record)

    def prominence_at(self, position: int) -> int:
        return self._prominence[position]

    def keys_of(self, position: int) -> tuple[str, ...]:
        """The folded names of the title at this position."""
        start, end = self._title_key_off[position], self._title_key_off[position + 1]
        return tuple(self.keys[key_id] for key_id in self._title_key_ids[start:end])

    # ----- names --------------------------------------------------------------------------------

    def key_id(self, key: str) -> int | None:
        return _find(self._key_slots, self.keys, key)

    def hits_of(self, key_id: int) -> list[int]:
        """(title id << 2 | kind) for each title with this name."""
        ids = self.title_ids
        return [ids[hit >> 2] << 2 | hit & 3 for hit in self._hits[self._hit_off[key_id] : self._hit_off[key_id + 1]]]

    def word_id(self, word: str) -> int | None:
        return _find(self._vocab_slots, self.vocab, word)

    def posting(self, word_id: int) -> array:
        """Key ids of the names holding this word, in the order titles were indexed."""
        return self._postings[self._post_off[word_id] : self._post_off[word_id + 1]]

    def posting_size(self, word_id: int) -> int:
        return self._post_off[word_id + 1] - self._post_off[word_id]

    def vocab_bucket(self, first: str, length: int) -> list[str]:
        """Words with this first letter and length."""
        joined = self._vocab_buckets.get((first, length))
        return joined.split("\n") if joined else []

    def span_bucket(self, first_two: str, n_words: int) -> list[str]:
        """Names with these first two letters and this many words."""
        joined = self._span_buckets.get((first_two, n_words))
        return joined.split("\n") if joined else []

    # ----- the file -----------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write atomically (a temporary file renamed over the old one): a reader never sees half a file.

        No fsync: a file a crash leaves damaged fails its digest on the next load and is rebuilt.
        """
        path = Path(path)
        sections: list[list[Any]] = []
        chunks: list[bytes] = []
        for name, code in _ARRAYS:
            data = self._arrays[name].tobytes()
            sections.append([name, code, len(data)])
            chunks.append(data)
        for name in _TEXTS:
            data = self._texts[name].encode("utf-8", "surrogatepass")
            sections.append([name, "text", len(data)])
            chunks.append(data)
        chunks.append(self._records)
        sections.append(["records", "bytes", len(self._records)])
        buckets = {
            kind: [[first, length, joined] for (first, length), joined in self._extra[kind].items()]
            for kind in ("vocab_buckets", "span_buckets")
        }
        data = json.dumps(buckets, ensure_ascii=False).encode("utf-8", "surrogatepass")
        sections.append(["buckets", "json", len(data)])
        chunks.append(data)
        digest = hashlib.blake2b()
        for chunk in chunks:
            digest.update(chunk)
        header = json.dumps(
            {
                "format": FORMAT,
                "version": self.version,
                "sections": sections,
                "digest": digest.hexdigest(),
            }
        ).encode()
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            with temporary.open("wb") as out:
                out.write(_MAGIC + _HEADER_LENGTH.pack(len(header)) + header)
                for chunk in chunks:
                    out.write(chunk)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    @classmethod
    def load(cls, path: str | Path, version: str | None = None) -> Snapshot:
        """Read a saved snapshot; SnapshotError unless it is whole, intact and (if given) for this version."""
        try:
            raw = Path(path).read_bytes()
        except OSError as exc:
            raise SnapshotError(f"cannot read the saved catalog index: {exc.strerror or exc}") from exc
        try:
            return cls._parse(memoryview(raw), version)
        except SnapshotError:
            raise
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, struct.error) as exc:
            raise SnapshotError(f"the saved catalog index is corrupt ({exc.__class__.__name__})") from exc

    @classmethod
    def _parse(cls, raw: memoryview, version: str | None) -> Snapshot:
        if bytes(raw[: len(_MAGIC)]) != _MAGIC:
            raise SnapshotError("not a kansou catalog index")
        at = len(_MAGIC)
        (length,) = _HEADER_LENGTH.unpack_from(raw, at)
        at += _HEADER_LENGTH.size
        header = json.loads(bytes(raw[at : at + length]))
        at += length
        if not isinstance(header, dict):
            raise SnapshotError("the saved catalog index has no header")
        if header.get("format") != FORMAT:
            raise SnapshotError(f"the saved catalog index has format {header.get('format')}, not {FORMAT}")
        if version is not None and header.get("version") != version:
            raise SnapshotError(f"the saved catalog index is for catalog version {header.get('version')}")
        payload = raw[at:]
        if sum(size for _, _, size in header["sections"]) != len(payload):
            raise SnapshotError("the saved catalog index is truncated")
        if hashlib.blake2b(payload).hexdigest() != header["digest"]:
            raise SnapshotError("the saved catalog index is corrupt (digest mismatch)")
        arrays: dict[str, array] = {}
        texts: dict[str, str] = {}
        extra: dict[str, Any] = {}
        offset = 0
        for name, kind, size in header["sections"]:
            chunk = payload[offset : offset + size]
            offset += size
            if kind == "text":
                texts[name] = str(chunk, "utf-8", "surrogatepass")
            elif kind == "bytes":
                extra[name] = bytes(chunk)
            elif kind == "json":
                for bucket, entries in json.loads(bytes(chunk)).items():
                    extra[bucket] = {(first, length): joined for first, length, joined in entries}
            else:
                values = array(kind)
                values.frombytes(chunk)
                arrays[name] = values
        return cls(str(header["version"]), arrays, texts, extra)


def _find(slots: array, texts: _Texts, word: str) -> int | None:
    mask = len(slots) - 1
    at = _slot(word, mask)
    while (position := slots[at]) != _EMPTY:
        if texts[position] == word:
            return position
        at = (at + 1) & mask
    return None


def _offsets(groups: Iterable[Sequence[int]]) -> array:
    off = array("i", [0])
    total = 0
    for group in groups:
        total += len(group)
        off.append(total)
    return off


# Every field of a title but its id, in a record's order; tuple fields come back from JSON as lists.
_FIELDS = tuple(field.name for field in fields(Title) if field.name != "id")
_TUPLES = frozenset(field.name for field in fields(Title) if str(field.type).startswith("tuple"))


def encode_title(title: Title) -> bytes:
    """A title but its id as compact JSON (a fifth of the memory of the Title and its strings)."""
    values = [getattr(title, name) for name in _FIELDS]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def decode_title(title_id: int, record: bytes) -> Title:
    """The title encode_title encoded."""
    values = dict(zip(_FIELDS, json.loads(record), strict=True))
    for name in _TUPLES:
        values[name] = tuple(values[name])
    return Title(id=title_id, **values)
