-- The linker's state (events, stories, copies, the vectors it places articles by), saved whole
-- in one transaction per generation, so a crash or a second writer never leaves half of it.
-- Blobs are cut into parts below the 1 GB value limit.
CREATE TABLE link_state (
    generation BIGINT PRIMARY KEY,
    articles INTEGER NOT NULL,           -- articles placed (checked against the blobs at load)
    format INTEGER NOT NULL,
    saved_at TEXT NOT NULL
);
CREATE TABLE link_blobs (
    generation BIGINT NOT NULL REFERENCES link_state(generation) ON DELETE CASCADE,
    name TEXT NOT NULL,
    part INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (generation, name, part)
);
