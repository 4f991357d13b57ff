-- Official reviews: one current review per title per server; earlier texts kept as revisions.
CREATE TABLE reviews (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    title_id    INTEGER NOT NULL REFERENCES titles(id),
    author_id   INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'current' CHECK (status IN ('current', 'replaced', 'deleted')),
    score       REAL CHECK (score IS NULL OR score BETWEEN 0 AND 10),
    score_raw   TEXT,
    text        TEXT NOT NULL,
    analysis    TEXT NOT NULL DEFAULT '{}',   -- JSON: what kansou understood (summary, metadata, ...)
    channel_id  INTEGER,
    message_id  INTEGER,
    thread_id   INTEGER,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX reviews_one_current ON reviews(guild_id, title_id) WHERE status = 'current';
CREATE INDEX reviews_by_guild ON reviews(guild_id, status, created_at DESC);
CREATE INDEX reviews_by_message ON reviews(message_id);

-- Every earlier text of a review (an edit or a replacement keeps what was there before).
CREATE TABLE review_revisions (
    id         INTEGER PRIMARY KEY,
    review_id  INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    text       TEXT NOT NULL,
    score      REAL,
    editor_id  INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX review_revisions_by_review ON review_revisions(review_id, created_at);
