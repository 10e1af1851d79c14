-- Repair values that older versions let into the store and that every later read choked on
-- (issue 16): dates outside 1800-01-01 .. now + 2 days, or not in the four-digit-year form
-- the listing order relies on ('999-01-01T...' from strftime made `serve` fail at start).
-- Such dates are dropped (set to null) in the column, in the article's JSON and in the
-- stored inputs' JSON. Rows whose JSON is not valid are left to the reads, which skip them.
UPDATE articles SET published = NULL
WHERE published IS NOT NULL AND (
    published NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z'
    OR published < '1800-01-01' OR published > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+2 days')
);
UPDATE articles SET data = json_set(data, '$.publishedDateTime', NULL)
WHERE json_valid(data) AND json_type(data, '$.publishedDateTime') = 'text' AND (
    json_extract(data, '$.publishedDateTime') NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*'
    OR json_extract(data, '$.publishedDateTime') < '1800-01-01'
    OR json_extract(data, '$.publishedDateTime') > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+2 days')
);
UPDATE inputs SET data = json_set(data, '$.publishedDateTime', NULL)
WHERE json_valid(data) AND json_type(data, '$.publishedDateTime') = 'text' AND (
    json_extract(data, '$.publishedDateTime') NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*'
    OR json_extract(data, '$.publishedDateTime') < '1800-01-01'
    OR json_extract(data, '$.publishedDateTime') > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+2 days')
);
