-- Per (server, member): how many scores and their sum, for /similar's per-rater means (see the SQLite
-- migration of the same number). Changed under the member's row lock, like the title aggregates, so
-- concurrent writers in any number of processes keep it exact.
CREATE TABLE member_totals (
    guild_id BIGINT NOT NULL,
    user_id  BIGINT NOT NULL,
    count    BIGINT NOT NULL CHECK (count > 0),
    total    BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

INSERT INTO member_totals (guild_id, user_id, count, total)
SELECT guild_id, user_id, COUNT(*), SUM(score) FROM ratings GROUP BY guild_id, user_id;

CREATE FUNCTION kansou_add_member_score(guild BIGINT, member BIGINT, score INTEGER, sign INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    scores BIGINT;
BEGIN
    IF sign > 0 THEN
        INSERT INTO member_totals AS m (guild_id, user_id, count, total) VALUES (guild, member, 1, score)
        ON CONFLICT (guild_id, user_id) DO UPDATE SET count = m.count + 1, total = m.total + score;
        RETURN;
    END IF;
    SELECT count INTO scores FROM member_totals WHERE guild_id = guild AND user_id = member FOR UPDATE;
    IF scores IS NULL THEN
        RETURN;
    ELSIF scores <= 1 THEN
        DELETE FROM member_totals WHERE guild_id = guild AND user_id = member;
    ELSE
        UPDATE member_totals SET count = count - 1, total = total - score WHERE guild_id = guild AND user_id = member;
    END IF;
END $$;

CREATE FUNCTION kansou_member_totals_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM kansou_add_member_score(NEW.guild_id, NEW.user_id, NEW.score, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM kansou_add_member_score(OLD.guild_id, OLD.user_id, OLD.score, -1);
    ELSIF OLD.score <> NEW.score OR OLD.guild_id <> NEW.guild_id OR OLD.user_id <> NEW.user_id THEN
        PERFORM kansou_add_member_score(OLD.guild_id, OLD.user_id, OLD.score, -1);
        PERFORM kansou_add_member_score(NEW.guild_id, NEW.user_id, NEW.score, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER member_totals_changed AFTER INSERT OR UPDATE OR DELETE ON ratings
FOR EACH ROW EXECUTE FUNCTION kansou_member_totals_changed();

-- /similar reads every score of its (at most 600) raters: (title_id, score) by member. SQLite's index of
-- the same name carries the primary key's columns by itself; here they are included, so the read is an
-- index-only scan instead of one heap fetch per score (300,000 of them at 10M ratings).
DROP INDEX ratings_by_member;
CREATE INDEX ratings_by_member ON ratings(guild_id, user_id, score DESC, updated_at DESC) INCLUDE (title_id);
