-- Articles are the merged view of every input that described them; inputs keep
-- each extraction as it was, so a merge can always be recomputed.
CREATE TABLE articles (
    seq INTEGER PRIMARY KEY,             -- stable rowid for the FTS index
    id TEXT NOT NULL UNIQUE,             -- newsdesk's own id (16 hex)
    external_id TEXT,
    url_key TEXT,
    title_key TEXT,
    text_sha256 TEXT,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    published TEXT,                      -- ISO-8601 UTC, NULL when unknown
    provider_domain TEXT,
    language TEXT,
    data TEXT NOT NULL,                  -- the whole article as JSON
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX articles_external_id ON articles(external_id);
CREATE INDEX articles_url_key ON articles(url_key);
CREATE INDEX articles_title_key ON articles(title_key);
CREATE INDEX articles_text_sha256 ON articles(text_sha256);
CREATE INDEX articles_published ON articles(published);

CREATE TABLE inputs (
    seq INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    content_sha256 TEXT NOT NULL UNIQUE,
    data TEXT NOT NULL,                  -- the extraction of this input as JSON
    ingested_at TEXT NOT NULL
);
CREATE INDEX inputs_article ON inputs(article_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='seq', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.seq, old.title, old.text);
    INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

-- Every URL an article is known under (original, web, canonical, copies imported from records).
CREATE TABLE article_urls (
    url_key TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (url_key, article_id)
);
