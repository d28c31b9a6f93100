-- Two group roles: pkir_reader may only read, pkir_writer may change kept datasets.
-- Login roles join one of them (README, "Team mode"): CREATE ROLE dash LOGIN PASSWORD '...' IN ROLE pkir_reader;
-- Roles belong to the whole server, so another database may have created them already.
DO $$
BEGIN
    CREATE ROLE pkir_reader NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
DO $$
BEGIN
    CREATE ROLE pkir_writer NOLOGIN;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;

GRANT USAGE ON SCHEMA public TO pkir_reader, pkir_writer;
GRANT SELECT ON datasets, incidents, schema_migrations TO pkir_reader, pkir_writer;
GRANT INSERT, UPDATE, DELETE ON datasets, incidents TO pkir_writer;
