-- Saves keep their rows at COPY speed only without the trigram index on search: its upkeep was about
-- 85 % of inserting 1M rows into the indexed table (186-203 s of it against 34 s for every other
-- index; a bulk build of it alone took 64-114 s), see bench/README.md, "PostGIS imports at COPY
-- speed". The keyword filter (search LIKE '%word%' for every word) scans the dataset's rows instead.
DROP INDEX IF EXISTS incidents_search_trgm;
-- A save stages its rows in a temporary table of its own transaction: writers need TEMPORARY on
-- the database, which PUBLIC holds by default; granted here in case an admin revoked it from PUBLIC
-- (a migrating role that may not grant it gets a warning, and the save says what is missing).
DO $$
BEGIN
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO pkir_writer', current_database());
END $$;
