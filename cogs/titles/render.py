"""The /title commands' answers."""

from __future__ import annotations

from bot.catalog.links import escape_markdown, shorten
from bot.catalog.models import DeletedTitle, MergeReport, Title
from bot.plural import plural


def named(title: Title) -> str:
    return f"**{escape_markdown(shorten(title.name, 80))}**"


def renamed_text(old: Title, new: Title) -> str:
    return f"Renamed {named(old)} to {named(new)}. This was logged."


def merge_question(title: Title, into: Title) -> str:
    return (
        f"Merge {named(title)} into {named(into)}? Its scores, reviews and comparison links move over, "
        f"then {named(title)} is gone for good."
    )


def merged_text(title: Title, into: Title, report: MergeReport) -> str:
    moved = (
        f"{plural(report.ratings_moved, 'score')}, {plural(report.reviews_moved, 'review')} and "
        f"{plural(report.edges_moved, 'link')} moved"
        if report.ratings_moved or report.reviews_moved or report.edges_moved
        else "it had no scores, reviews or links"
    )
    dropped = f" ({plural(report.ratings_dropped, 'older duplicate score')} dropped)" if report.ratings_dropped else ""
    return f"Merged {named(title)} into {named(into)}: {moved}{dropped}. This was logged."


def delete_question(title: Title) -> str:
    return f"Delete {named(title)}? Members' scores for it and links to it are deleted too. This cannot be undone."


def deleted_text(title: Title, deleted: DeletedTitle) -> str:
    return f"Deleted {named(title)} and its {plural(deleted.ratings, 'score')}. This was logged."
