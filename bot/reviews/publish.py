"""What a published review is made of, apart from Discord: the post's texts within budget, the thread's
messages, the uploaded file's checks. Plain Python; the cog renders these into embeds and messages.

Every text of the post has a fixed budget (``BUDGET``) whose sum stays under Discord's 6,000-character
limit for all embeds of a message, so no input can make the post too big.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field

from bot.errors import InvalidInput
from bot.reviews.analysis import ReviewAnalysis
from bot.text import clip, sanitize, split_sentences, strip_spoilers

MESSAGE_LIMIT = 2_000
THREAD_NAME_LIMIT = 100
ATTACH_AFTER_CHARS = 12_000
MAX_UPLOAD_BYTES = 200 * 1024
UPLOAD_EXTENSIONS = (".txt", ".md")
MAX_EXTRA_COMPARISONS = 10

# Characters per part of the post embed. Sum (with field names, under 200) is below 6,000.
BUDGET = {
    "title": 256,
    "tldr": 700,
    "aspects": 1_024,
    "pros": 600,
    "cons": 600,
    "verdict": 400,
    "compared": 900,
    "credits": 300,
    "metadata": 400,
    "community": 100,
    "footer": 200,
    "score": 60,
}
ASPECT_LINE_MAX = 160
COMPARED_MAX = 12

_ASPECT_LABELS = {
    "story": "Story",
    "characters": "Characters",
    "setting": "World",
    "animation": "Animation",
    "music": "Music & sound",
    "pacing": "Pacing",
}
_POLARITY_MARKS = {"positive": "🟢", "mixed": "🟡", "negative": "🔴"}
_PARAGRAPH_RE = re.compile(r"\n[ \t]*\n+")


@dataclass(frozen=True, slots=True)
class PostContent:
    """The texts of an official review post, each already within its budget and safe to display."""

    score: float | None
    score_raw: str | None
    tldr: str
    aspects: tuple[str, ...]
    pros: tuple[str, ...]
    cons: tuple[str, ...]
    verdict: str | None
    metadata: tuple[tuple[str, str], ...] = ()
    word_count: int = 0
    reviewer: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("warnings")
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> PostContent:
        """Content stored with a review; an unreadable record gives an empty post rather than an error."""
        try:
            data = json.loads(raw)
            return cls(
                score=data.get("score"),
                score_raw=data.get("score_raw"),
                tldr=str(data.get("tldr", "")),
                aspects=tuple(data.get("aspects", ())),
                pros=tuple(data.get("pros", ())),
                cons=tuple(data.get("cons", ())),
                verdict=data.get("verdict"),
                metadata=tuple((str(k), str(v)) for k, v in data.get("metadata", ())),
                word_count=int(data.get("word_count", 0)),
                reviewer=str(data.get("reviewer", "")),
            )
        except (ValueError, TypeError, AttributeError):
            return cls(None, None, "", (), (), (), None)


def _line(text: str, limit: int) -> str:
    """One display line: sanitized, spoilers balanced, cut at a word boundary."""
    return clip(" ".join(sanitize(text).split()), limit)


def _lines_within(lines: list[str], budget: int) -> tuple[str, ...]:
    """As many whole lines as fit the budget once joined with newlines."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if not line:
            continue
        cost = len(line) + (1 if kept else 0)
        if used + cost > budget:
            break
        kept.append(line)
        used += cost
    return tuple(kept)


def clip_line(text: str, limit: int) -> str:
    """One display line within `limit` characters (sanitized, spoilers balanced, cut at a word)."""
    return _line(text, limit)


lines_within = _lines_within


def format_score(value: float | None) -> str:
    """`7.5 / 10`, `8 / 10`, or a dash when there is no score."""
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") + " / 10"


def check_score_override(score: float | None) -> float | None:
    """The moderator's score rounded to one decimal, if within 0–10."""
    if score is None:
        return None
    if not 0 <= score <= 10:
        raise InvalidInput("A score is a number from 0 to 10, with at most one decimal.")
    return round(score, 1)


def post_content(analysis: ReviewAnalysis, *, score_override: float | None = None, reviewer: str = "") -> PostContent:
    """The post's texts from what kansou understood; the moderator's score wins over the parsed one."""
    summary = analysis.summary
    tldr = clip(" ".join(_line(s, BUDGET["tldr"]) for s in summary.tldr), BUDGET["tldr"])
    aspects = _lines_within(
        [
            _line(
                f"{_POLARITY_MARKS[a.polarity]} **{_ASPECT_LABELS.get(a.aspect, a.aspect)}** ({a.polarity})"
                # Every sentence shows in one field only: an aspect whose sentences all show elsewhere has none.
                + (f": {a.sentence}" if a.sentence else ""),
                ASPECT_LINE_MAX,
            )
            for a in summary.aspects
        ],
        BUDGET["aspects"],
    )
    pros = _lines_within([_line(f"+ {p}", 150) for p in summary.pros[:4]], BUDGET["pros"])
    cons = _lines_within([_line(f"− {c}", 150) for c in summary.cons[:4]], BUDGET["cons"])
    verdict = _line(summary.verdict, BUDGET["verdict"]) if summary.verdict else None
    meta = analysis.metadata
    facts: list[tuple[str, str]] = []
    if meta.origin:
        origin = "Original" if meta.origin == "original" else "Adaptation"
        facts.append(("Source", f"{origin} ({meta.source_material})" if meta.source_material else origin))
    for label, fact in (("Studio", meta.studio), ("Director", meta.director), ("Premiere", meta.premiere)):
        if fact:
            facts.append((label, fact))
    if meta.writers:
        facts.append(("Writers", ", ".join(meta.writers)))
    score = analysis.score
    value = score_override if score_override is not None else (score.value if score else None)
    raw = None if score_override is not None else (score.raw if score else None)
    return PostContent(
        score=value,
        score_raw=_line(raw, 80) if raw else None,
        tldr=tldr,
        aspects=aspects,
        pros=pros,
        cons=cons,
        verdict=verdict,
        metadata=tuple((label, _line(text, 120)) for label, text in facts),
        word_count=analysis.word_count,
        reviewer=_line(reviewer, 80),
        warnings=analysis.warnings,
    )


def metadata_text(content: PostContent) -> str:
    """The post's metadata lines (`Studio: Bones`), within budget."""
    return "\n".join(_lines_within([f"{k}: {v}" for k, v in content.metadata], BUDGET["metadata"]))


def thread_name(title_name: str) -> str:
    """The discussion thread's name (Discord allows 100 characters)."""
    return clip(" ".join(f"Review: {strip_spoilers(title_name)}".split()), THREAD_NAME_LIMIT) or "Review"


def _hard_split(text: str, limit: int) -> list[str]:
    """Pieces of at most limit characters, cut at whitespace where possible (never mid-word otherwise)."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit + 1)
        if cut <= limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def _split_piece(text: str, limit: int) -> list[str]:
    """A paragraph too long for one message, as sentences, and a too-long sentence as words.

    A spoiler longer than a message is split inside its bars, each part closed and reopened.
    """
    if len(text) <= limit:
        return [text]
    sentences = [s.text for s in split_sentences(text)]
    if len(sentences) > 1:
        return [part for sentence in sentences for part in _split_piece(sentence, limit)]
    if "||" in text:
        out: list[str] = []
        for index, segment in enumerate(text.split("||")):
            if not segment.strip():
                continue
            if index % 2:  # inside bars
                out.extend(f"||{part}||" for part in _hard_split(segment, limit - 4))
            else:
                out.extend(_hard_split(segment, limit))
        return out
    return _hard_split(text, limit)


def thread_messages(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The review as messages of at most `limit` characters, split at paragraphs, then sentences.

    Spoiler bars are balanced in every message: a split never falls inside a spoiler.
    """
    text = sanitize(text).strip()
    if text.count("||") % 2:
        text += "||"  # an unclosed bar hides the rest, as Discord would show it
    pieces = [p.strip() for p in _PARAGRAPH_RE.split(text) if p.strip()]
    messages: list[str] = []
    current = ""
    for paragraph in pieces:
        for part in _split_piece(paragraph, limit):
            joined = f"{current}\n\n{part}" if current else part
            if len(joined) <= limit:
                current = joined
                continue
            if current:
                messages.append(current)
            current = part
    if current:
        messages.append(current)
    return messages


def needs_attachment(text: str) -> bool:
    """Whether the thread gets the review as a file rather than as messages."""
    return len(text) > ATTACH_AFTER_CHARS


def read_upload(filename: str, size: int, data: bytes | None = None) -> str:
    """The review text of an uploaded file, or InvalidInput saying why it cannot be used.

    Call first with data=None to refuse by name and size before downloading anything.
    """
    name = filename.lower()
    if not name.endswith(UPLOAD_EXTENSIONS):
        raise InvalidInput("Upload the review as a `.txt` or `.md` file (plain text, UTF-8).")
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"That file is {size / 1024:,.0f} KB; a review file may be at most 200 KB.")
    if size == 0 or (data is not None and not data.strip()):
        raise InvalidInput("That file is empty: upload the file that holds the review text.")
    if data is None:
        return ""
    if b"\x00" in data:
        raise InvalidInput("That file is not text (it looks binary): upload a `.txt` or `.md` file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("That file is not UTF-8 text: save it as UTF-8 and upload it again.") from exc
    if not text.strip():
        raise InvalidInput("That file is empty: upload the file that holds the review text.")
    return text


def comparison_names(raw: str | None, limit: int | None = MAX_EXTRA_COMPARISONS) -> list[str]:
    """The titles a moderator typed to link, comma- or semicolon-separated, without duplicates (the first
    `limit` of them)."""
    if not raw:
        return []
    seen: dict[str, str] = {}
    for part in re.split(r"[,;\n]", raw):
        name = " ".join(sanitize(part).split())[:100]
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())[:limit]
