-- Kept datasets and their incidents. One row per dataset (its manifest entry as jsonb) and one
-- row per incident, typed as geo.store.columns stores them; actors and sources are JSON.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE datasets (
    dataset_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    version     text NOT NULL,
    info        jsonb NOT NULL  -- geo.store.base.DatasetInfo.to_dict()
);

CREATE TABLE incidents (
    dataset_id            bigint NOT NULL REFERENCES datasets (dataset_id) ON DELETE CASCADE,
    id                    text NOT NULL,
    date_precision        text,
    date_note             text,
    title                 text,
    category              text,
    track                 text,
    date_start            timestamp,
    date_end              timestamp,
    country               text,
    admin1                text,
    admin2                text,
    place                 text,
    coord_confidence      text,
    fatalities_best       bigint,
    fatalities_low        bigint,
    fatalities_high       bigint,
    fatalities_security   bigint,
    fatalities_militants  bigint,
    fatalities_civilians  bigint,
    fatalities_unknown    bigint,
    fatalities_note       text,
    injured               bigint,
    injured_note          text,
    actors                jsonb,
    perpetrator           text,
    description           text,
    disputed              text,
    alt_place             text,
    alt_lat               double precision,
    alt_lon               double precision,
    in_source_article     boolean,
    location_precision    text,
    location_note         text,
    sources               jsonb,
    dataset               text,
    licence               text,
    updated_at            text,  -- kept as written (not one of the schema's date_fields)
    geometry              geometry(Point, 4326),
    search                text NOT NULL DEFAULT '',  -- lower-case keyword text (geo.filters.search_text)
    row_hash              bigint NOT NULL,           -- geo.store.columns.row_hashes: update by source id
    PRIMARY KEY (dataset_id, id)
);

CREATE INDEX incidents_geometry_gist ON incidents USING gist (geometry);
CREATE INDEX incidents_date_start ON incidents (dataset_id, date_start);
CREATE INDEX incidents_date_end ON incidents (dataset_id, date_end);
CREATE INDEX incidents_category ON incidents (dataset_id, category);
