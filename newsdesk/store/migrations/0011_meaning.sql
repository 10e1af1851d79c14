-- The multilingual meaning vector the topic head computes for es/fr/it/de articles (float16
-- bytes), kept for the story linker (newsdesk.link.meaning): derived data, NULL where none.
ALTER TABLE articles ADD COLUMN meaning BLOB;
