-- The import stages its files on a connection of its own, ahead of the
-- transaction that validates and writes them (internal/csvimport,
-- stager.go), so its staging tables cannot be temporary tables of that
-- transaction's session: they are unlogged tables of this schema, created
-- and dropped by the import alone, and they exist only while an import
-- runs.
CREATE SCHEMA import_staging;
