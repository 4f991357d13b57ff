-- The title catalog, shared by every server.
CREATE TABLE titles (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    type       TEXT,
    year       INTEGER,
    season     TEXT,
    episodes   INTEGER,
    picture    TEXT,
    studios    TEXT NOT NULL DEFAULT '[]',   -- JSON array of names
    tags       TEXT NOT NULL DEFAULT '[]',   -- JSON array of tags
    local      INTEGER NOT NULL DEFAULT 0,   -- 1: created by a server, not from the catalog
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- Every other name of a title (synonyms, English, romaji, native, abbreviations).
CREATE TABLE title_names (
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    PRIMARY KEY (title_id, name)
) WITHOUT ROWID;

-- Page URLs (AniList, MyAnimeList, ...): what keeps a title's id stable across imports.
CREATE TABLE title_sources (
    url      TEXT PRIMARY KEY,
    title_id INTEGER NOT NULL REFERENCES titles(id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX title_sources_title ON title_sources(title_id);

-- Real titles are looked up by name when a local title is matched; local ones by kind.
CREATE INDEX titles_local ON titles(local) WHERE local = 1;

-- Answers from AniList's API (JSON text, or 'null' for "no such title"), kept for a while so
-- repeated lookups never hit the rate limit.
CREATE TABLE anilist_cache (
    key        TEXT PRIMARY KEY,   -- e.g. 'search:frieren', 'media:154587'
    body       TEXT NOT NULL,
    fetched_at REAL NOT NULL       -- Unix time
) WITHOUT ROWID;

-- One row per catalog import, so an operator can tell when the catalog was last refreshed.
CREATE TABLE catalog_imports (
    id          INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    source      TEXT NOT NULL,     -- the file name or URL imported
    entries     INTEGER NOT NULL,
    created     INTEGER NOT NULL,
    updated     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    skipped     INTEGER NOT NULL
);
