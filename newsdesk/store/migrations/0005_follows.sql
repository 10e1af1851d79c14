-- What readers follow (a story, a taxonomy topic, or a configured topic feed) and what each
-- follow has announced. The events are the follow's own Atom/JSON feed and its webhook queue:
-- an event is recorded once per (follow, key), so a check that runs twice announces nothing
-- twice. Events present when the follow was made are marked initial: they fill the feed
-- ("the story so far") but are never posted to the webhook.
CREATE TABLE follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('story', 'topic', 'feed')),
    target TEXT NOT NULL,                -- story id, topic name or feed name
    title TEXT NOT NULL DEFAULT '',
    webhook_url TEXT,                    -- POSTed JSON for each new event (through the safe fetcher)
    created_at TEXT NOT NULL,
    last_checked TEXT,
    last_error TEXT,
    UNIQUE (kind, target)
);

CREATE TABLE follow_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    follow_id INTEGER NOT NULL REFERENCES follows(id) ON DELETE CASCADE,
    key TEXT NOT NULL,                   -- "dev:<date>" or "article:<id>"
    kind TEXT NOT NULL,                  -- development | article | seen (marker, never shown)
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    article_id TEXT,
    happened_at TEXT,                    -- the development's day / the article's publication
    created_at TEXT NOT NULL,
    initial INTEGER NOT NULL DEFAULT 0,
    delivered_at TEXT,                   -- webhook accepted it
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    UNIQUE (follow_id, key)
);
CREATE INDEX follow_events_pending ON follow_events(follow_id, delivered_at);
