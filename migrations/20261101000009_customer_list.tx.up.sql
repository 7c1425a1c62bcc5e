-- The customer list of one office (a manager's own scope, or the office
-- filter), with or without an industry, is counted and paged from this index
-- alone: the list computes its filtered set as (id, code, sort key) and reads
-- only the page's rows whole (internal/postgres.CustomerStore.FindCustomers).
-- It replaces the index on office_id alone, which it covers.
DROP INDEX customers_office_idx;
CREATE INDEX customers_office_idx ON customers (office_id, industry) INCLUDE (id, code, name);
