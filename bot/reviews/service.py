"""Official reviews apart from Discord: drafts and their understanding, publishing and editing (each one
storage transaction with the review's comparison edges and revision), reading and deleting.

The cog does only Discord's part: it sends the post and opens the thread, then asks this service to
store the review; if the service refuses, the cog takes its own post down again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.catalog.links import display_name
from bot.catalog.models import Title
from bot.catalog.service import CatalogService
from bot.catalog.validate import check_new_title_name
from bot.comparisons.graph import ComparisonEdge, EdgeKind
from bot.errors import InvalidInput, NotFound
from bot.reviews.corrections import Corrections
from bot.reviews.drafts import Draft, DraftStore, understand
from bot.reviews.models import Linked, NewReview, OfficialScore, Published, Review, Revision
from bot.reviews.publish import PostContent, comparison_names
from bot.scores.service import community_brief, community_text
from bot.scores.stats import Aggregate
from bot.storage.comparisons import ComparisonRepo
from bot.storage.leftovers import Leftover, LeftoverRepo
from bot.storage.ratings import RatingRepo
from bot.storage.reviews import ReviewRepo

log = logging.getLogger(__name__)

# The id of a reviewed title that does not exist yet: it is created when the review is published.
NEW_TITLE = 0


@dataclass(frozen=True, slots=True)
class Prepared:
    """A draft ready to publish: the post's texts and every title it links (kept names now real titles)."""

    content: PostContent
    refs: list[tuple[Title, EdgeKind]]
    created: tuple[Title, ...] = ()  # the server's titles this publish created (gone again if it fails)
    corrections: str = "{}"  # the moderator's corrections as stored (kept names linked as added titles)

    @property
    def linked(self) -> Linked:
        return Linked(
            tuple(t for t, kind in self.refs if kind == "comparison"),
            tuple(t for t, kind in self.refs if kind != "comparison"),
        )


@dataclass(frozen=True, slots=True)
class ReviewList:
    """/review list: the server's current reviews, newest first, with what each line shows."""

    reviews: list[Review]
    titles: dict[int, Title]
    community: dict[int, str]
    total: int


def live_edges_after_reparse(
    existing: Sequence[ComparisonEdge], wanted: Sequence[tuple[int, EdgeKind]]
) -> list[tuple[int, EdgeKind]]:
    """The review's live links once its parsed links are replaced by `wanted`, as storage does it
    (bot.storage.comparisons.write_review_edges): moderator links stay, links a moderator removed stay
    removed, the other parsed links are replaced. In the order the post lists them."""
    kept = [e for e in existing if e.source != "review" or e.removed]
    blocked = {e.other_title_id for e in kept}
    live: list[tuple[int, EdgeKind]] = [(e.other_title_id, e.kind) for e in kept if not e.removed]
    live += [(other, kind) for other, kind in wanted if other not in blocked]
    return live


class ReviewService:
    """Everything the reviews feature does that is not Discord."""

    def __init__(
        self,
        reviews: ReviewRepo,
        comparisons: ComparisonRepo,
        ratings: RatingRepo,
        catalog: CatalogService,
        *,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.repo = reviews
        self.comparisons = comparisons
        self.ratings = ratings
        self.catalog = catalog
        self.leftovers = LeftoverRepo(reviews.db)
        self.drafts = DraftStore(clock=clock)

    # -- reading ---------------------------------------------------------------------------------

    async def current(self, guild_id: int, title_id: int) -> Review | None:
        return await self.repo.current(guild_id, title_id)

    async def require_current(self, guild_id: int, title: Title) -> Review:
        """The title's current review here, or NotFound saying there is none."""
        review = await self.repo.current(guild_id, title.id)
        if review is None:
            raise NotFound(f"There is no official review of **{display_name(title)}** in this server yet.")
        return review

    async def by_message(self, message_id: int) -> Review | None:
        """The review whose post is this message (any status)."""
        return await self.repo.by_message(message_id)

    async def official(self, guild_id: int, title_id: int) -> OfficialScore | None:
        """The official score and the post's link, for /score, /anime and /compare."""
        review = await self.repo.current(guild_id, title_id)
        if review is None:
            return None
        return OfficialScore(review.score, review.score_raw, review.jump_url)

    async def community(self, guild_id: int, title_id: int) -> str:
        """The post's Community field."""
        return community_text(await self.ratings.aggregate(guild_id, title_id))

    async def linked(self, guild_id: int, review_id: int) -> Linked:
        """The post's links, from the comparison graph (so moderators' additions show up)."""
        edges = await self.comparisons.edges_of_review(guild_id, review_id)
        return self._linked([(e.other_title_id, e.kind) for e in edges])

    def _linked(self, edges: Sequence[tuple[int, EdgeKind]]) -> Linked:
        get = self.catalog.get
        compared = [t for other, kind in edges if kind == "comparison" and (t := get(other))]
        credits = [t for other, kind in edges if kind == "studio_credit" and (t := get(other))]
        return Linked(tuple(compared), tuple(credits))

    def title_of(self, review: Review) -> Title:
        """The reviewed title (a placeholder if the catalog lost it)."""
        return self.catalog.get(review.title_id) or Title(review.title_id, f"Title {review.title_id}")

    async def listing(self, guild_id: int, *, page: int, page_size: int) -> ReviewList:
        """One page of the server's current reviews, newest first, from one query."""
        found = await self.repo.list_page(guild_id, limit=page_size, offset=page * page_size)
        reviews = [entry.review for entry in found.entries]
        titles = {t.id: t for r in reviews if (t := self.catalog.get(r.title_id))}
        community = {e.review.title_id: community_brief(Aggregate(e.votes, e.votes_total)) for e in found.entries}
        return ReviewList(reviews, titles, community, found.total)

    async def history(self, guild_id: int, title: Title) -> tuple[Review, list[Revision]]:
        """The current review and its earlier texts, newest first."""
        review = await self.require_current(guild_id, title)
        return review, await self.repo.history(review.id)

    # -- drafts ----------------------------------------------------------------------------------

    def title_to_post(self, title: Title | str, guild_id: int) -> Title:
        """The title a new review is about. A show the catalog lacks gets a placeholder (id NEW_TITLE):
        the server's local title is created only when the review is published, so a cancelled or
        expired draft leaves nothing behind. Raises InvalidInput for an unfit name."""
        if isinstance(title, Title):
            return title
        return Title(NEW_TITLE, check_new_title_name(title), local=True, guild_id=guild_id)

    def new_draft(
        self,
        *,
        guild_id: int,
        author_id: int,
        author_name: str,
        title: Title,
        text: str,
        score: float | None,
        from_file: bool,
        replace: bool = False,
        edit_of: int | None = None,
    ) -> Draft:
        return Draft(
            token=self.drafts.new_token(),
            guild_id=guild_id,
            author_id=author_id,
            author_name=author_name,
            title=title,
            text=text,
            comparisons_raw="",
            score=score,
            from_file=from_file,
            replace=replace,
            edit_of=edit_of,
            expires_at=self.drafts.expiry(),
        )

    async def preview(self, draft: Draft) -> None:
        """Understand the draft (InvalidInput for empty or wordless text) and keep it for its buttons."""
        await understand(draft, self.catalog)
        self.drafts.keep(draft)

    async def relink(self, draft: Draft, compared: Sequence[str], credits: Sequence[str]) -> list[str]:
        """The moderator's lists of linked titles (names, one per line, as the preview shows them):
        removed, moved between "compared to" and "studio credits", or added by name. A name the catalog
        knows surely is linked; a name close to known titles is not, and the answer asks "did you mean";
        a name like nothing known becomes a kept suggestion (a new local title once published).
        Returns the notes for the moderator."""
        linked = {t.name.casefold(): t for t in (*draft.compared, *draft.credits)}
        ids: dict[EdgeKind, list[int]] = {"comparison": [], "studio_credit": []}
        kept: list[str] = []
        notes: list[str] = []
        asked: tuple[tuple[EdgeKind, Sequence[str]], ...] = (("comparison", compared), ("studio_credit", credits))
        for kind, names in asked:
            for name in names:
                title = linked.get(name.casefold()) or await self.catalog.confident(name, guild_id=draft.guild_id)
                if title is not None:
                    if title.id != draft.title.id:
                        ids[kind].append(title.id)
                    continue
                candidates = await self.catalog.did_you_mean(name, guild_id=draft.guild_id, limit=3)
                if candidates:
                    names_ = ", ".join(f"**{display_name(c.title, 60)}**" for c in candidates)
                    notes.append(f"“{display_name(Title(0, name), 60)}” was not linked: did you mean {names_}?")
                elif kind == "comparison":
                    kept.append(name)
                else:
                    notes.append(f"“{display_name(Title(0, name), 60)}” is not in the catalog: add it under compared.")
        draft.corrections.relink(ids["comparison"], ids["studio_credit"], dict(draft.found))
        draft.relinked(self.catalog)
        for name in kept:
            if name.casefold() not in {s.casefold() for s in draft.suggestions}:
                draft.suggestions.append(name)
        draft.suggestions = draft.suggestions[:25]
        wanted = {n.casefold() for n in kept}
        draft.kept = [s for s in draft.suggestions if s.casefold() in wanted]
        # Named in the form's "Titles to link" too, so an edit of the text keeps offering and keeping them.
        typed = comparison_names(draft.comparisons_raw, limit=None)
        extra = [n for n in draft.kept if n.casefold() not in {t.casefold() for t in typed}]
        draft.comparisons_raw = ", ".join([*typed, *extra])
        return notes

    # -- publishing and editing ------------------------------------------------------------------

    async def published_meanwhile(self, draft: Draft) -> bool:
        """Whether someone published a review of the title since this (non-replacing) draft began."""
        return not draft.replace and await self.repo.current(draft.guild_id, draft.title.id) is not None

    async def prepare(self, draft: Draft) -> Prepared:
        """The post's texts and links; a new reviewed title and the names the moderator kept become local titles now."""
        created: list[Title] = []
        if draft.title.id == NEW_TITLE:
            draft.title = await self._new_title(draft, draft.title.name, created)
        kept = []
        for name in draft.kept:
            try:
                kept.append(await self._new_title(draft, name, created))
            except InvalidInput:  # a phrase of the review that cannot be a title's name: not linked
                log.info("kept comparison name %r is not fit for a title; not linked", name)
        # A kept name is the moderator's choice: it stays linked through later edits of the text.
        corrections = Corrections.from_json(draft.corrections.to_json())
        found = {other for other, _ in draft.found}
        corrections.added += [t.id for t in kept if t.id not in found and t.id not in corrections.added]
        return Prepared(draft.content(), draft.edges(kept), tuple(created), corrections.to_json())

    async def _new_title(self, draft: Draft, name: str, created: list[Title]) -> Title:
        known = await self.catalog.confident(name, guild_id=draft.guild_id)
        title = await self.catalog.create_local(name, draft.guild_id, user_id=draft.author_id)
        if known is None or known.id != title.id:
            created.append(title)
        return title

    async def abandon(self, draft: Draft, prepared: Prepared) -> None:
        """A publish or edit that failed: the titles it created go again, unless something uses them by now."""
        await self.catalog.discard_unused(prepared.created, draft.guild_id)

    async def publish(
        self, draft: Draft, prepared: Prepared, *, channel_id: int, message_id: int, thread_id: int | None
    ) -> Published:
        """Store the posted review, the one it replaces and its comparison edges in one transaction.

        Raises (Conflict, or a storage error) with nothing stored; the caller then takes its post down.
        """
        content = prepared.content
        new = NewReview(
            guild_id=draft.guild_id,
            title_id=draft.title.id,
            author_id=draft.author_id,
            text=draft.text,
            score=content.score,
            score_raw=content.score_raw,
            analysis=content.to_json(),
            channel_id=channel_id,
            message_id=message_id,
            thread_id=thread_id,
            corrections=prepared.corrections,
        )
        published = await self.repo.publish(new, replace=draft.replace, edges=self._edges(draft, prepared))
        self.catalog.note_guild_title(draft.guild_id, draft.title.id)
        return published

    async def editable(self, draft: Draft) -> Review | None:
        """The review an edit draft changes, or None if it was deleted or replaced meanwhile."""
        before = await self.repo.get(draft.edit_of or 0)
        return before if before is not None and before.status == "current" else None

    async def linked_after_edit(self, before: Review, prepared: Prepared) -> Linked:
        """The links the post will show once the edit is stored (moderators' own links kept)."""
        existing = await self.comparisons.edges_of_review(before.guild_id, before.id, with_removed=True)
        wanted = [(t.id, kind) for t, kind in prepared.refs if t.id != before.title_id]
        return self._linked(live_edges_after_reparse(existing, wanted))

    async def edit(self, draft: Draft, prepared: Prepared, before: Review, *, editor_id: int) -> Review:
        """Store the new text, score and parsed links with a revision of the old text, in one transaction.

        Raises Conflict (deleted or replaced meanwhile) with nothing changed.
        """
        content = prepared.content
        return await self.repo.edit(
            before.id,
            text=draft.text,
            score=content.score,
            score_raw=content.score_raw,
            analysis=content.to_json(),
            editor_id=editor_id,
            edges=self._edges(draft, prepared),
            corrections=prepared.corrections,
        )

    @staticmethod
    def _edges(draft: Draft, prepared: Prepared) -> list[tuple[int, EdgeKind, str]]:
        return [(t.id, kind, draft.sentence(t.id)) for t, kind in prepared.refs]

    # -- Discord leftovers -----------------------------------------------------------------------

    async def record_leftover(self, channel_id: int, message_id: int | None, thread_id: int | None) -> None:
        """A post or thread a failed publish or edit could not take down: deleted at the next start."""
        await self.leftovers.record(channel_id, message_id, thread_id)

    async def leftovers_to_sweep(self, limit: int) -> list[Leftover]:
        return await self.leftovers.oldest(limit)

    async def forget_leftover(self, leftover: Leftover) -> None:
        await self.leftovers.forget(leftover.id)

    async def delete(self, review: Review) -> bool:
        """Delete the review and its links in one transaction (members' scores stay); False if already gone."""
        return await self.repo.delete(review.id)
