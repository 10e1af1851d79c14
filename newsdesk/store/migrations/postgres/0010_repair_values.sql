-- Repair values that older versions let into the store and that every later read choked on
-- (issue 16; the SQLite store's 0010_repair_values.sql, same rules): dates outside
-- 1800-01-01 .. now + 2 days, or not in the four-digit-year form the listing order relies on
-- ('999-01-01T...' made `serve` fail at start). Such dates are dropped (set to null) in the
-- column, in the article's JSON and in the stored inputs' JSON. JSONB cannot hold malformed
-- JSON and text cannot hold invalid UTF-8 here; documents that are JSON but not an article
-- are left to the reads, which skip them.
UPDATE articles SET published = NULL
WHERE published IS NOT NULL AND (
    published !~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z$'
    OR published < '1800-01-01'
    OR published > to_char(now() AT TIME ZONE 'UTC' + interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
UPDATE articles SET data = jsonb_set(data, '{publishedDateTime}', 'null'::jsonb)
WHERE jsonb_typeof(data) = 'object' AND jsonb_typeof(data -> 'publishedDateTime') = 'string' AND (
    data ->> 'publishedDateTime' !~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]T'
    OR data ->> 'publishedDateTime' < '1800-01-01'
    OR data ->> 'publishedDateTime'
        > to_char(now() AT TIME ZONE 'UTC' + interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
UPDATE inputs SET data = jsonb_set(data, '{publishedDateTime}', 'null'::jsonb)
WHERE jsonb_typeof(data) = 'object' AND jsonb_typeof(data -> 'publishedDateTime') = 'string' AND (
    data ->> 'publishedDateTime' !~ '^[0-9]{4}-[0-1][0-9]-[0-3][0-9]T'
    OR data ->> 'publishedDateTime' < '1800-01-01'
    OR data ->> 'publishedDateTime'
        > to_char(now() AT TIME ZONE 'UTC' + interval '2 days', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
