"""Reviews being previewed: the draft, what kansou understood of it, and the store that forgets old drafts.

Nothing of a draft is stored in the database until Publish; a draft lives as long as the preview's
interaction token (15 minutes), so a click on an older preview is answered "expired".
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.catalog.models import Title
from bot.catalog.service import CatalogService
from bot.comparisons.graph import EdgeKind
from bot.reviews.analysis import ReviewAnalysis, understand_review
from bot.reviews.corrections import Corrections
from bot.reviews.intake import Intake
from bot.reviews.models import Linked
from bot.reviews.publish import MAX_EXTRA_COMPARISONS, PostContent, comparison_names, post_content

MAX_SUGGESTIONS = 25  # a select menu holds 25 options
DRAFT_LIFETIME = 15 * 60.0  # the preview's interaction token lives 15 minutes


@dataclass
class Draft:
    """A review being previewed: nothing is stored until Publish."""

    token: str
    guild_id: int
    author_id: int
    author_name: str
    title: Title
    text: str
    comparisons_raw: str
    score: float | None
    from_file: bool
    replace: bool
    edit_of: int | None
    expires_at: float = 0.0
    analysis: ReviewAnalysis | None = None
    compared: list[Title] = field(default_factory=list)
    credits: list[Title] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    corrections: Corrections = field(default_factory=Corrections)
    read: PostContent | None = None  # the post's content as kansou read the text, before corrections
    found: list[tuple[int, EdgeKind]] = field(default_factory=list)  # titles the text links, before corrections
    dropped: list[str] = field(default_factory=list)  # corrections the edited text made obsolete
    intake: Intake | None = None  # what was read, for the preview's "Read: N characters" line
    ignored: list[str] = field(default_factory=list)  # what understanding left out (extra typed titles)

    @property
    def editing(self) -> bool:
        return self.edit_of is not None

    def content(self) -> PostContent:
        """The post's texts for this draft (after `understand`), with the moderator's corrections."""
        assert self.read is not None, "understand the draft first"
        return self.corrections.apply(self.read)[0]

    def relinked(self, catalog: CatalogService) -> None:
        """The linked titles once the corrections (removed, moved, added) are applied to what the text names."""
        self.compared, self.credits = [], []
        for other, kind in self.corrections.links(self.found):
            title = catalog.get(other)
            if title is not None and title.id != self.title.id:
                (self.compared if kind == "comparison" else self.credits).append(title)

    def preview_links(self) -> Linked:
        """The links the preview shows; kept names appear as placeholders until Publish creates them."""
        kept = [Title(-1 - i, name) for i, name in enumerate(self.kept)]
        return Linked(tuple(self.compared + kept), tuple(self.credits))

    def notes(self) -> list[str]:
        """What the preview says about corrections the edited text made obsolete."""
        return [
            f"Your correction of the {name} no longer applies: the edited text reads differently."
            for name in self.dropped
        ]

    def intake_line(self) -> str:
        """The preview's account of what was read, cut or ignored."""
        intake = self.intake or Intake(len(self.text), "the form")
        return Intake(intake.chars, intake.source, (*intake.ignored, *self.ignored)).line()

    def keep(self, values: Sequence[str]) -> None:
        """The moderator's pick among the names the catalog lacks (select values are indexes)."""
        count = len(self.suggestions)
        self.kept = [self.suggestions[int(v)] for v in values if v.isdecimal() and int(v) < count]

    def sentence(self, title_id: int) -> str:
        """The review's sentence naming that title (quoted by /compare), or empty."""
        assert self.analysis is not None
        return next((r.sentence for r in self.analysis.comparisons if r.title.id == title_id), "")[:500]

    def edges(self, kept: Sequence[Title]) -> list[tuple[Title, EdgeKind]]:
        """Every title the review links, once: comparisons (named and kept) first, then studio credits."""
        refs: dict[int, tuple[Title, EdgeKind]] = {
            t.id: (t, "comparison") for t in (*self.compared, *kept) if t.id != self.title.id
        }
        for title in self.credits:
            refs.setdefault(title.id, (title, "studio_credit"))
        return list(refs.values())


async def understand(draft: Draft, catalog: CatalogService) -> None:
    """Read the draft's text and typed titles: score, summary, linked titles, names the catalog lacks.

    Raises InvalidInput for text that is not a review (empty, wordless).
    """
    finder = catalog.finder(draft.guild_id)
    analysis = understand_review(draft.text, finder=finder, reviewed_title_id=draft.title.id)
    draft.analysis = analysis
    draft.compared = [r.title for r in analysis.comparisons if r.kind == "comparison"]
    draft.credits = [r.title for r in analysis.comparisons if r.kind != "comparison"]
    draft.suggestions = list(analysis.suggestions)
    draft.unresolved = []
    draft.ignored = []
    typed = comparison_names(draft.comparisons_raw, limit=None)
    if len(typed) > MAX_EXTRA_COMPARISONS:
        draft.ignored.append(
            f"{len(typed) - MAX_EXTRA_COMPARISONS} of the titles to link (at most {MAX_EXTRA_COMPARISONS} are read)"
        )
    known = {t.id for t in (*draft.compared, *draft.credits)} | {draft.title.id}
    for name in comparison_names(draft.comparisons_raw):
        title = await catalog.confident(name, guild_id=draft.guild_id)
        if title is None:
            if name.casefold() not in {s.casefold() for s in draft.suggestions}:
                draft.suggestions.append(name)
        elif title.id not in known:
            known.add(title.id)
            draft.compared.append(title)
    if len(draft.suggestions) > MAX_SUGGESTIONS:
        draft.ignored.append(f"{len(draft.suggestions) - MAX_SUGGESTIONS} names not in the catalog beyond the first 25")
    draft.suggestions = draft.suggestions[:MAX_SUGGESTIONS]
    draft.kept = [k for k in draft.kept if k in draft.suggestions]
    draft.found = [(t.id, "comparison") for t in draft.compared] + [(t.id, "studio_credit") for t in draft.credits]
    draft.read = post_content(analysis, reviewer=draft.author_name)
    if draft.score is not None:  # the command's score option is a correction of the score, kept as one
        draft.corrections.correct("score", draft.score, draft.read)
        draft.score = None
    draft.dropped = draft.corrections.apply(draft.read)[1]
    draft.relinked(catalog)


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class DraftStore:
    """Drafts by token, each forgotten DRAFT_LIFETIME after its last preview."""

    def __init__(self, *, lifetime: float = DRAFT_LIFETIME, clock: Callable[[], float] | None = None) -> None:
        self.lifetime = lifetime
        self._clock = clock or _loop_time
        self._drafts: dict[str, Draft] = {}

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(12)

    def expiry(self) -> float:
        """When a draft previewed now expires."""
        return self._clock() + self.lifetime

    def keep(self, draft: Draft) -> None:
        """Store (or refresh) a draft that was just previewed."""
        self._forget_expired()
        draft.expires_at = self.expiry()
        self._drafts[draft.token] = draft

    def get(self, token: str) -> Draft | None:
        self._forget_expired()
        return self._drafts.get(token)

    def take(self, token: str) -> Draft | None:
        """Remove and return the draft: a second click on Publish finds nothing."""
        return self._drafts.pop(token, None)

    def put_back(self, draft: Draft) -> None:
        """A publish that failed: the moderator may try again."""
        self._drafts[draft.token] = draft

    def __len__(self) -> int:
        return len(self._drafts)

    def _forget_expired(self) -> None:
        now = self._clock()
        for token in [t for t, d in self._drafts.items() if d.expires_at <= now]:
            del self._drafts[token]
