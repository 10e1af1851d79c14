-- Listings filter and page through large stores; each filter gets an index so a page
-- costs the rows it shows, not a scan of the table.

-- Newest-first listings (front page, /api/articles, feeds) order by this exact expression;
-- without an index on it SQLite sorts the whole table for every page.
CREATE INDEX articles_recent ON articles(published IS NULL, published DESC, seq);

ALTER TABLE articles ADD COLUMN provider_name TEXT;
UPDATE articles SET provider_name = NULLIF(json_extract(data, '$.provider.name'), '');
CREATE INDEX articles_provider_domain ON articles(provider_domain COLLATE NOCASE);
CREATE INDEX articles_provider_name ON articles(provider_name COLLATE NOCASE);

-- An article's topics, one row each (the article's JSON keeps the scores and reasons).
CREATE TABLE article_topics (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    topic TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (article_id, topic)
);
CREATE INDEX article_topics_topic ON article_topics(topic);
INSERT OR IGNORE INTO article_topics(article_id, topic)
    SELECT a.id, t.value FROM articles a, json_each(a.data, '$.topics') t WHERE t.value <> '';
