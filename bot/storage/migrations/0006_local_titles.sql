-- Local titles belong to the server that created them: only that server sees them until they are
-- matched to a real catalog or AniList entry (a merge). Real titles keep guild_id NULL.
ALTER TABLE titles ADD COLUMN guild_id INTEGER;
CREATE INDEX titles_local_by_guild ON titles(guild_id) WHERE local = 1;

-- What members and moderators did to titles: creations (the daily limit counts them) and the
-- moderators' renames, merges and deletions (the audit trail).
CREATE TABLE title_actions (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('create', 'rename', 'merge', 'delete')),
    title_id   INTEGER NOT NULL,   -- no foreign key: the trail outlives a deleted or merged title
    detail     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX title_actions_by_member ON title_actions(guild_id, user_id, action, created_at);

-- Local titles made before this migration were shared by every server. Each one now belongs to
-- the server that used it; a title several servers used is split: the first server (lowest id)
-- keeps it, every other server gets its own copy with its own ratings, reviews and links.
CREATE TEMP TABLE _local_uses AS
    SELECT DISTINCT u.title_id, u.guild_id
    FROM (
        SELECT title_id, guild_id FROM ratings
        UNION SELECT title_id, guild_id FROM reviews
        UNION SELECT title_id, guild_id FROM comparison_edges
        UNION SELECT other_title_id, guild_id FROM comparison_edges
        UNION SELECT title_id, guild_id FROM rating_removals
    ) AS u
    JOIN titles AS t ON t.id = u.title_id AND t.local = 1;

CREATE TEMP TABLE _local_copies (old_id INTEGER, guild_id INTEGER, new_id INTEGER);
INSERT INTO _local_copies (old_id, guild_id)
    SELECT title_id, guild_id FROM _local_uses AS u
    WHERE guild_id > (SELECT MIN(guild_id) FROM _local_uses WHERE title_id = u.title_id)
    ORDER BY title_id, guild_id;
UPDATE _local_copies SET new_id = (SELECT COALESCE(MAX(id), 0) FROM titles) + rowid;

INSERT INTO titles (id, name, local, guild_id)
    SELECT c.new_id, t.name, 1, c.guild_id FROM _local_copies AS c JOIN titles AS t ON t.id = c.old_id;

-- A (server, title) pair moves as a whole, so rating_aggregates moves with its ratings unchanged
-- (the ratings triggers fire on score changes only).
UPDATE ratings SET title_id = (
    SELECT new_id FROM _local_copies AS c WHERE c.old_id = ratings.title_id AND c.guild_id = ratings.guild_id
) WHERE EXISTS (SELECT 1 FROM _local_copies AS c WHERE c.old_id = ratings.title_id AND c.guild_id = ratings.guild_id);
UPDATE rating_aggregates SET title_id = (
    SELECT new_id FROM _local_copies AS c
    WHERE c.old_id = rating_aggregates.title_id AND c.guild_id = rating_aggregates.guild_id
) WHERE EXISTS (
    SELECT 1 FROM _local_copies AS c
    WHERE c.old_id = rating_aggregates.title_id AND c.guild_id = rating_aggregates.guild_id
);
UPDATE rating_removals SET title_id = (
    SELECT new_id FROM _local_copies AS c
    WHERE c.old_id = rating_removals.title_id AND c.guild_id = rating_removals.guild_id
) WHERE EXISTS (
    SELECT 1 FROM _local_copies AS c
    WHERE c.old_id = rating_removals.title_id AND c.guild_id = rating_removals.guild_id
);
UPDATE reviews SET title_id = (
    SELECT new_id FROM _local_copies AS c WHERE c.old_id = reviews.title_id AND c.guild_id = reviews.guild_id
) WHERE EXISTS (SELECT 1 FROM _local_copies AS c WHERE c.old_id = reviews.title_id AND c.guild_id = reviews.guild_id);
UPDATE comparison_edges SET title_id = (
    SELECT new_id FROM _local_copies AS c
    WHERE c.old_id = comparison_edges.title_id AND c.guild_id = comparison_edges.guild_id
) WHERE EXISTS (
    SELECT 1 FROM _local_copies AS c
    WHERE c.old_id = comparison_edges.title_id AND c.guild_id = comparison_edges.guild_id
);
UPDATE comparison_edges SET other_title_id = (
    SELECT new_id FROM _local_copies AS c
    WHERE c.old_id = comparison_edges.other_title_id AND c.guild_id = comparison_edges.guild_id
) WHERE EXISTS (
    SELECT 1 FROM _local_copies AS c
    WHERE c.old_id = comparison_edges.other_title_id AND c.guild_id = comparison_edges.guild_id
);

UPDATE titles SET guild_id = (SELECT MIN(guild_id) FROM _local_uses WHERE title_id = titles.id)
WHERE local = 1 AND guild_id IS NULL;
-- A local title no server used (a review post cancelled before this release) has no owner: it goes.
DELETE FROM titles WHERE local = 1 AND guild_id IS NULL;

DROP TABLE _local_uses;
DROP TABLE _local_copies;
