-- SQLite's 0011_meaning: the multilingual meaning vector (float16 bytes) for the story linker.
ALTER TABLE articles ADD COLUMN meaning BYTEA;
