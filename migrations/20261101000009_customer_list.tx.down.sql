DROP INDEX customers_office_idx;
CREATE INDEX customers_office_idx ON customers (office_id);
