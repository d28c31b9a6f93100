-- Reviewers' decisions on candidate duplicate pairs (geo.store.decisions): one row per pair of
-- source ids (sorted, so the pair is the same whichever dataset comes first). Keyed by the ids, not
-- by dataset rows, so a decision survives the datasets' re-imports.
CREATE TABLE IF NOT EXISTS duplicate_decisions (
    pair_key   text PRIMARY KEY,
    id_a       text NOT NULL,
    id_b       text NOT NULL,
    decision   text NOT NULL CHECK (decision IN ('same', 'different')),
    decided_by text NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT ON duplicate_decisions TO pkir_reader, pkir_writer;
GRANT INSERT, UPDATE, DELETE ON duplicate_decisions TO pkir_writer;
