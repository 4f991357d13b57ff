-- The comparison graph: each published review's links from its title to the titles it names,
-- as comparisons or as studio credits (kept apart), plus the links moderators add or take out.
-- Only edges of a server's current reviews count (reads join reviews on status = 'current').
CREATE TABLE comparison_edges (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    review_id      INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    title_id       INTEGER NOT NULL REFERENCES titles(id),   -- the reviewed title
    other_title_id INTEGER NOT NULL REFERENCES titles(id),   -- the title it is compared with
    kind           TEXT NOT NULL DEFAULT 'comparison' CHECK (kind IN ('comparison', 'studio_credit')),
    sentence       TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL DEFAULT 'review' CHECK (source IN ('review', 'moderator')),
    -- 1: a moderator took out a link the review parser found; kept so a re-parse does not revive it.
    removed        INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
    moderator_id   INTEGER,
    updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (title_id <> other_title_id),
    UNIQUE (guild_id, review_id, other_title_id)
);

-- Both directions of the graph: what a title's review compares, and which reviews compare it.
CREATE INDEX comparison_edges_from ON comparison_edges(guild_id, title_id);
CREATE INDEX comparison_edges_to ON comparison_edges(guild_id, other_title_id);
