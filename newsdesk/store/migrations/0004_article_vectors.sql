-- Embeddings of articles for semantic search: derived data, kept beside the articles so a
-- crash never leaves them disagreeing for long. An article's revision counts its saves; a
-- vector made from an older revision is stale and is made again. One model at a time: a
-- new model re-embeds everything.
ALTER TABLE articles ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;

CREATE TABLE article_vectors (
    article_seq INTEGER PRIMARY KEY REFERENCES articles(seq) ON DELETE CASCADE,
    model TEXT NOT NULL,
    revision INTEGER NOT NULL,           -- the article's revision the vector was made from
    batch INTEGER NOT NULL,              -- increases with each save: readers load what is new
    embedded_at TEXT NOT NULL,
    vector BLOB NOT NULL                 -- newsdesk.enrich.embed.pack_embedding bytes
);
CREATE INDEX article_vectors_batch ON article_vectors(batch);
