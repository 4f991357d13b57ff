-- Community scores: one score per member per title per server, with per-title and per-server
-- aggregates kept exact by triggers in the same transaction as every write to ratings.
CREATE TABLE ratings (
    guild_id   INTEGER NOT NULL,
    title_id   INTEGER NOT NULL REFERENCES titles(id),
    user_id    INTEGER NOT NULL,
    score      INTEGER NOT NULL CHECK (typeof(score) = 'integer' AND score BETWEEN 1 AND 10),
    -- The score this one replaced (NULL for a first score): lets a single upsert report it via RETURNING.
    previous_score INTEGER,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, title_id, user_id)
) WITHOUT ROWID;

-- /ratings (a member's scores, highest first) and /privacy forget.
CREATE INDEX ratings_by_member ON ratings(guild_id, user_id, score DESC, updated_at DESC);

-- Per (server, title): what /score shows and /top ranks, never computed by scanning ratings.
CREATE TABLE rating_aggregates (
    guild_id INTEGER NOT NULL,
    title_id INTEGER NOT NULL,
    count    INTEGER NOT NULL CHECK (count > 0),
    total    INTEGER NOT NULL,
    total_sq INTEGER NOT NULL,
    h1 INTEGER NOT NULL DEFAULT 0, h2 INTEGER NOT NULL DEFAULT 0, h3 INTEGER NOT NULL DEFAULT 0,
    h4 INTEGER NOT NULL DEFAULT 0, h5 INTEGER NOT NULL DEFAULT 0, h6 INTEGER NOT NULL DEFAULT 0,
    h7 INTEGER NOT NULL DEFAULT 0, h8 INTEGER NOT NULL DEFAULT 0, h9 INTEGER NOT NULL DEFAULT 0,
    h10 INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, title_id)
) WITHOUT ROWID;

-- /top reads only titles with enough votes.
CREATE INDEX rating_aggregates_by_votes ON rating_aggregates(guild_id, count);

-- Per server: C, the mean of all ratings, for the weighted rating in /top.
CREATE TABLE rating_totals (
    guild_id INTEGER PRIMARY KEY,
    count    INTEGER NOT NULL,
    total    INTEGER NOT NULL
);

-- Who removed whose score, and when (moderators' /ratings remove).
CREATE TABLE rating_removals (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    title_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    score        INTEGER NOT NULL,
    moderator_id INTEGER NOT NULL,
    removed_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX rating_removals_by_guild ON rating_removals(guild_id, removed_at);

-- The triggers add and subtract one vote; an aggregate that reaches zero votes is deleted, so
-- rating_aggregates holds exactly the (server, title) pairs that have ratings.
CREATE TRIGGER ratings_after_insert AFTER INSERT ON ratings
BEGIN
    INSERT INTO rating_aggregates (guild_id, title_id, count, total, total_sq,
                                   h1, h2, h3, h4, h5, h6, h7, h8, h9, h10)
    VALUES (NEW.guild_id, NEW.title_id, 1, NEW.score, NEW.score * NEW.score,
            NEW.score = 1, NEW.score = 2, NEW.score = 3, NEW.score = 4, NEW.score = 5,
            NEW.score = 6, NEW.score = 7, NEW.score = 8, NEW.score = 9, NEW.score = 10)
    ON CONFLICT (guild_id, title_id) DO UPDATE SET
        count = count + 1, total = total + NEW.score, total_sq = total_sq + NEW.score * NEW.score,
        h1 = h1 + (NEW.score = 1), h2 = h2 + (NEW.score = 2), h3 = h3 + (NEW.score = 3),
        h4 = h4 + (NEW.score = 4), h5 = h5 + (NEW.score = 5), h6 = h6 + (NEW.score = 6),
        h7 = h7 + (NEW.score = 7), h8 = h8 + (NEW.score = 8), h9 = h9 + (NEW.score = 9),
        h10 = h10 + (NEW.score = 10);
    INSERT INTO rating_totals (guild_id, count, total) VALUES (NEW.guild_id, 1, NEW.score)
    ON CONFLICT (guild_id) DO UPDATE SET count = count + 1, total = total + NEW.score;
END;

CREATE TRIGGER ratings_after_update AFTER UPDATE OF score ON ratings
WHEN OLD.score <> NEW.score
BEGIN
    UPDATE rating_aggregates SET
        total = total - OLD.score + NEW.score,
        total_sq = total_sq - OLD.score * OLD.score + NEW.score * NEW.score,
        h1 = h1 - (OLD.score = 1) + (NEW.score = 1), h2 = h2 - (OLD.score = 2) + (NEW.score = 2),
        h3 = h3 - (OLD.score = 3) + (NEW.score = 3), h4 = h4 - (OLD.score = 4) + (NEW.score = 4),
        h5 = h5 - (OLD.score = 5) + (NEW.score = 5), h6 = h6 - (OLD.score = 6) + (NEW.score = 6),
        h7 = h7 - (OLD.score = 7) + (NEW.score = 7), h8 = h8 - (OLD.score = 8) + (NEW.score = 8),
        h9 = h9 - (OLD.score = 9) + (NEW.score = 9), h10 = h10 - (OLD.score = 10) + (NEW.score = 10)
    WHERE guild_id = NEW.guild_id AND title_id = NEW.title_id;
    UPDATE rating_totals SET total = total - OLD.score + NEW.score WHERE guild_id = NEW.guild_id;
END;

CREATE TRIGGER ratings_after_delete AFTER DELETE ON ratings
BEGIN
    -- The last vote first: deleting after the decrement would also drop a title left with one vote.
    DELETE FROM rating_aggregates
    WHERE guild_id = OLD.guild_id AND title_id = OLD.title_id AND count <= 1;
    UPDATE rating_aggregates SET
        count = count - 1, total = total - OLD.score, total_sq = total_sq - OLD.score * OLD.score,
        h1 = h1 - (OLD.score = 1), h2 = h2 - (OLD.score = 2), h3 = h3 - (OLD.score = 3),
        h4 = h4 - (OLD.score = 4), h5 = h5 - (OLD.score = 5), h6 = h6 - (OLD.score = 6),
        h7 = h7 - (OLD.score = 7), h8 = h8 - (OLD.score = 8), h9 = h9 - (OLD.score = 9),
        h10 = h10 - (OLD.score = 10)
    WHERE guild_id = OLD.guild_id AND title_id = OLD.title_id AND count > 1;
    UPDATE rating_totals SET count = count - 1, total = total - OLD.score WHERE guild_id = OLD.guild_id;
END;
