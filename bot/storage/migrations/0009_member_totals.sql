-- Per (server, member): how many scores and their sum. /similar subtracts each rater's own mean from
-- their scores; with it stored, one pass over the raters' ratings suffices. Kept exact by triggers in
-- the same transaction as every write to ratings, like rating_aggregates.
CREATE TABLE member_totals (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    count    INTEGER NOT NULL CHECK (count > 0),
    total    INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

INSERT INTO member_totals (guild_id, user_id, count, total)
SELECT guild_id, user_id, COUNT(*), SUM(score) FROM ratings GROUP BY guild_id, user_id;

CREATE TRIGGER member_totals_after_insert AFTER INSERT ON ratings
BEGIN
    INSERT INTO member_totals (guild_id, user_id, count, total) VALUES (NEW.guild_id, NEW.user_id, 1, NEW.score)
    ON CONFLICT (guild_id, user_id) DO UPDATE SET count = count + 1, total = total + NEW.score;
END;

CREATE TRIGGER member_totals_after_update AFTER UPDATE OF score ON ratings
WHEN OLD.score <> NEW.score
BEGIN
    UPDATE member_totals SET total = total - OLD.score + NEW.score
    WHERE guild_id = NEW.guild_id AND user_id = NEW.user_id;
END;

CREATE TRIGGER member_totals_after_delete AFTER DELETE ON ratings
BEGIN
    -- The last score first, as for rating_aggregates: a member left with none has no row.
    DELETE FROM member_totals WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id AND count <= 1;
    UPDATE member_totals SET count = count - 1, total = total - OLD.score
    WHERE guild_id = OLD.guild_id AND user_id = OLD.user_id AND count > 1;
END;
