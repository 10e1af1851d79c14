-- Live sources (feeds, sitemaps, single URLs) and their health, polled by the scheduler.
CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('feed', 'sitemap', 'url')),
    title TEXT NOT NULL DEFAULT '',
    interval REAL NOT NULL,                  -- seconds between polls, adapted to how busy it is
    etag TEXT,                               -- validators for the next conditional GET
    last_modified TEXT,
    last_polled TEXT,                        -- ISO-8601 UTC
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_due TEXT NOT NULL,
    added_at TEXT NOT NULL,
    items_seen INTEGER NOT NULL DEFAULT 0,   -- distinct items the source has listed
    items_added INTEGER NOT NULL DEFAULT 0   -- of which became new articles
);
CREATE INDEX sources_next_due ON sources(next_due);

-- Items a source listed and newsdesk has dealt with, so a restart (even after kill -9)
-- neither fetches them again nor loses any: an item is marked only after its article committed.
CREATE TABLE source_items (
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,                  -- entry id or URL
    article_id TEXT,                         -- NULL while failing
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    seen_at TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,         -- 1: ingested, or given up on after repeated failures
    PRIMARY KEY (source_id, item_key)
);
