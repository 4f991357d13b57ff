-- Notifications between the processes sharing this SQLite file (PostgreSQL has LISTEN/NOTIFY instead).
-- Database.notify() adds a row in the sender's transaction; each process's poller hands the rows it has
-- not seen yet to its listeners (the sender's own too), in id order, which is the order of the commits
-- (bot/storage/sqlite.py). Rows are pruned after a minute; notices_pruned.through is the highest id
-- pruned, so a poller that fell behind knows it missed some.
CREATE TABLE notices (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: pollers remember the last one they saw
    channel    TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE notices_pruned (
    through INTEGER NOT NULL
);
INSERT INTO notices_pruned (through) VALUES (0);
