"""The names of cross-feature events: one feature announces with `bot.dispatch(NAME, ...)`, another listens
with `@commands.Cog.listener(listener(NAME))`. Features never look each other up.
"""

from __future__ import annotations

# A member's score of a title changed (rated, re-rated, removed): (guild_id, title_id).
# The review post of that title refreshes its Community field.
SCORE_CHANGED = "kansou_score_changed"

# A review's comparison links changed (a moderator's /mod review compare or uncompare): (guild_id, title_id).
# The review post of that title refreshes its "Compared to:".
REVIEW_LINKS_CHANGED = "kansou_review_links_changed"


def listener(event: str) -> str:
    """The listener name discord.py calls for an event dispatched under `event`."""
    return f"on_{event}"
