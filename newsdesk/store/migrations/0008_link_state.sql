-- The linker's state (events, stories, copies, the vectors it places articles by), saved whole
-- in one transaction per generation, so a crash or a second writer never leaves half of it
-- (it used to be two files beside the database, renamed one after the other).
-- Blobs are cut into parts below SQLite's 1 GB value limit.
CREATE TABLE link_state (
    generation INTEGER PRIMARY KEY,
    articles INTEGER NOT NULL,           -- articles placed (checked against the blobs at load)
    format INTEGER NOT NULL,
    saved_at TEXT NOT NULL
);
CREATE TABLE link_blobs (
    generation INTEGER NOT NULL REFERENCES link_state(generation) ON DELETE CASCADE,
    name TEXT NOT NULL,
    part INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (generation, name, part)
);
