-- Saves keep their rows at COPY speed only without the trigram index on search: its upkeep was about
-- 85 % of inserting 1M rows into the indexed table (186-203 s of it against 34 s for every other
-- index; a bulk build of it alone took 64-114 s), see bench/README.md, "PostGIS imports at COPY
-- speed". The keyword filter (search LIKE '%word%' for every word) scans the dataset's rows instead.
DROP INDEX IF EXISTS incidents_search_trgm;
