DROP SCHEMA import_staging CASCADE;
