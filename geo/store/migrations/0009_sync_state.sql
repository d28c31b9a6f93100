-- What the API syncs (geo.sync) need next time, in team mode: per kept dataset its source API,
-- last sync and last ACLED timestamp ('dataset:<name>'), the ACLED refresh token ('acled-token')
-- and the UCDP requests used today ('ucdp-quota'). A refresh token is a secret: only writers see it.
CREATE TABLE IF NOT EXISTS sync_state (
    key        text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 120),
    doc        jsonb NOT NULL CHECK (jsonb_typeof(doc) = 'object'),
    updated_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE, DELETE ON sync_state TO pkir_writer;
