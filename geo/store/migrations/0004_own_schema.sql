-- The tables live in the schema pkir, created and owned by the migrating role (geo.store.migrations
-- moves an earlier version's tables there from public). The group roles may use it.
GRANT USAGE ON SCHEMA pkir TO pkir_reader, pkir_writer;
