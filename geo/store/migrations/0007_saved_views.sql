-- Named saved views (ui.saved_views) in team mode: a name and a view's URL parameters, shared by
-- every replica. Readers may list and open them; writers may save and delete them.
CREATE TABLE IF NOT EXISTS saved_views (
    name     text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 80),
    params   jsonb NOT NULL CHECK (jsonb_typeof(params) = 'object'),
    saved_at timestamptz NOT NULL DEFAULT now(),
    saved_by text
);
GRANT SELECT ON saved_views TO pkir_reader, pkir_writer;
GRANT INSERT, UPDATE, DELETE ON saved_views TO pkir_writer;
