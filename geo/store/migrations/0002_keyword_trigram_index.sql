-- The keyword filter is "search LIKE '%word%'" for every word: a trigram index answers it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX incidents_search_trgm ON incidents USING gin (search gin_trgm_ops);
CREATE INDEX incidents_fatalities ON incidents (dataset_id, (coalesce(fatalities_best, 0)));
