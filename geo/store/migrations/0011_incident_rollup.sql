-- Pre-aggregated counts of each kept dataset (geo.store.rollup), so the common views (counts, the
-- headline figures, charts by month / category / country / track / precision, coarse map cells,
-- the filters' choices) are answered from a few thousand rows instead of a scan of millions.
-- A save rebuilds its dataset's rows in its own transaction and records the dataset version they
-- were built for; a reader uses them only while that version is the dataset's current one, so a
-- database migrated with datasets already in it answers by scanning until each is saved again.
CREATE TABLE IF NOT EXISTS rollup_state (
    dataset_id  bigint PRIMARY KEY REFERENCES datasets (dataset_id) ON DELETE CASCADE,
    version     text NOT NULL  -- datasets.version the rollup rows were built for
);

-- One row per (day of date_start, date_start at midnight?, day of date_end, category, track,
-- country, location_precision): the day grain keeps a date filter exact (events overlapping it).
CREATE TABLE IF NOT EXISTS incident_rollup (
    dataset_id          bigint NOT NULL REFERENCES datasets (dataset_id) ON DELETE CASCADE,
    start_day           date,
    start_midnight      boolean,
    end_day             date,
    category            text,
    track               text,
    country             text,
    location_precision  text,
    incidents           bigint NOT NULL,
    fatalities          bigint NOT NULL,  -- sum of fatalities_best, missing as 0
    with_figure         bigint NOT NULL,  -- rows whose fatalities_best is known
    security            bigint NOT NULL,
    militants           bigint NOT NULL,
    civilians           bigint NOT NULL,
    unattributed        bigint NOT NULL,  -- sum of max(best - the three sides, 0)
    located             bigint NOT NULL   -- rows with a point
);
CREATE INDEX IF NOT EXISTS incident_rollup_dataset ON incident_rollup (dataset_id);

-- Located rows per coarse cell (geo.store.rollup.ROLLUP_CELL degrees) with the filter's keys.
CREATE TABLE IF NOT EXISTS incident_cell_rollup (
    dataset_id      bigint NOT NULL REFERENCES datasets (dataset_id) ON DELETE CASCADE,
    start_day       date,
    start_midnight  boolean,
    end_day         date,
    category        text,
    country         text,
    cell_x          bigint NOT NULL,
    cell_y          bigint NOT NULL,
    incidents       bigint NOT NULL,
    fatalities      bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS incident_cell_rollup_dataset ON incident_cell_rollup (dataset_id);

GRANT SELECT ON rollup_state, incident_rollup, incident_cell_rollup TO pkir_reader, pkir_writer;
GRANT INSERT, UPDATE, DELETE ON rollup_state, incident_rollup, incident_cell_rollup TO pkir_writer;

-- The explorer's first pages in its default order (date_start newest first, then id by code point,
-- geo.store.query.DEFAULT_ORDER): read from this index and stopped at the page, not sorted from
-- every row of the dataset (geo.store.postgis_query reads one dataset by dataset_id alone).
CREATE INDEX IF NOT EXISTS incidents_page_order ON incidents (dataset_id, date_start DESC NULLS LAST, id COLLATE "C");
